/**
 * Bulk status changes (issue 14). Two scopes: the selected items (each with the version the moderator saw)
 * or "all N matching" a queue view (the set is read once, with each item's version). Nothing is applied
 * when the change is illegal for the state the items were seen in (BAD_REQUEST, like a single change) or a
 * required reason is missing. Then every item is a compare-and-set update (same status, same version,
 * not claimed by someone else at the time it was read) sent through server/db/bulk.ts (at most 50 updates per
 * command: the embedded database's write limit), each tagged with this operation's id; reading the tags back
 * tells, per item, what happened:
 *   changed  – updated by this operation
 *   skipped  – someone else changed it in between (its version moved), so it was left alone
 *   refused  – not found, or held by another moderator
 */
import { ObjectId, type AnyBulkWriteOperation, type Db, type Document } from 'mongodb';
import { AppError } from '../errors';
import type { AuditNote } from '../trpc/init';
import type { Operator } from '../auth/session';
import { bulkWriteChunked } from '../db/bulk';
import { recordsChanged } from '../live/tiles';
import { canTransition, needsReason, nextStatuses } from '../workflows';
import { atVersion } from '../content/model';
import { claimOf, coll, viewFilter, viewOf } from './service';
import { BulkInput, KIND_COLLECTION, type Kind } from './schema';
import type { ClaimDoc } from './model';

export type Outcome = 'changed' | 'skipped' | 'refused';
export interface BulkItemResult {
  id: string;
  outcome: Outcome;
  reason?: string;
}
export interface BulkResult {
  opId: string;
  kind: Kind;
  to: string;
  /** For "all matching": what the page showed, and how many matched when the change ran. */
  expected: number | null;
  matched: number;
  changed: number;
  skipped: number;
  refused: number;
  items: BulkItemResult[];
}

interface Planned {
  _id: ObjectId;
  version: number;
  status: string;
}

const READ_CHUNK = 500;

function holderName(h: ClaimDoc) {
  return h.name || h.email;
}

export async function bulkSetStatus(
  db: Db,
  op: Operator,
  raw: BulkInput,
  audit: AuditNote,
  hooks: { afterSnapshot?: () => Promise<void> } = {},
): Promise<BulkResult> {
  const input = BulkInput.parse(raw);
  const { kind, to } = input;
  const c = KIND_COLLECTION[kind];
  const me = claimOf(op);
  const reason = input.reason?.trim() || null;
  if (needsReason(c, to) && !reason) throw new AppError('BAD_REQUEST', `Say why (a reason is required to move to ${to}).`, { field: 'reason' });

  const results = new Map<string, BulkItemResult>();
  const plan: Planned[] = [];
  const project = { _id: 1, version: 1, status: 1, claimedBy: 1 };
  const classify = (d: Document, expectedVersion: number) => {
    const id = String(d._id);
    const v = typeof d.version === 'number' ? d.version : 0;
    const holder = (d.claimedBy as ClaimDoc | null | undefined) ?? null;
    if (v !== expectedVersion) results.set(id, { id, outcome: 'skipped', reason: `changed by someone else (now ${String(d.status)})` });
    else if (holder && holder.id !== me.id) results.set(id, { id, outcome: 'refused', reason: `held by ${holderName(holder)}` });
    else plan.push({ _id: d._id as ObjectId, version: v, status: String(d.status ?? '') });
  };

  let expected: number | null = null;
  if (input.scope.mode === 'all') {
    const view = viewOf(kind, input.scope.view);
    if (!canTransition(c, view.status, to)) {
      throw new AppError(
        'BAD_REQUEST',
        `Items that are ${view.status} cannot become ${to}. Allowed: ${nextStatuses(c, view.status).join(', ') || 'none (final status)'}.`,
      );
    }
    expected = input.scope.expected;
    for await (const d of coll(db, kind).find(viewFilter(kind, view, input.scope.claimed, me.id), { projection: project, batchSize: 2000 })) {
      classify(d, typeof d.version === 'number' ? d.version : 0);
    }
  } else {
    const wanted = new Map(input.scope.items.map((i) => [i.id.toLowerCase(), i.version]));
    const ids = [...wanted.keys()];
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      const chunk = ids.slice(i, i + READ_CHUNK).map((x) => new ObjectId(x));
      for (const d of await coll(db, kind)
        .find({ _id: { $in: chunk } }, { projection: project })
        .toArray()) {
        found.add(String(d._id));
        classify(d, wanted.get(String(d._id))!);
      }
    }
    for (const id of ids) if (!found.has(id)) results.set(id, { id, outcome: 'refused', reason: 'not found' });
    // the state the moderator saw must allow the change: otherwise nothing is applied
    const illegal = plan.filter((p) => !canTransition(c, p.status, to));
    if (illegal.length) {
      const froms = [...new Set(illegal.map((p) => p.status))];
      throw new AppError('BAD_REQUEST', `${illegal.length} selected item(s) are ${froms.join(' / ')} and cannot become ${to}. Nothing was changed.`, {
        illegal: illegal.slice(0, 100).map((p) => String(p._id)),
      });
    }
  }
  await hooks.afterSnapshot?.();

  const opId = new ObjectId().toHexString();
  const now = new Date();
  const by = { id: me.id, email: me.email };
  const ops: AnyBulkWriteOperation<Document>[] = plan.map((p) => ({
    updateOne: {
      filter: { _id: p._id, status: p.status, ...atVersion(p.version) },
      update: { $set: { status: to, statusReason: reason, statusChangedAt: now, statusChangedBy: by, updatedAt: now, version: p.version + 1, lastOp: opId } },
    },
  }));
  await bulkWriteChunked(coll(db, kind), ops, { ordered: false });

  // which ones this operation changed: read the tags back
  const changed = new Set<string>();
  const planIds = plan.map((p) => p._id);
  for (let i = 0; i < planIds.length; i += READ_CHUNK) {
    for (const d of await coll(db, kind)
      .find({ _id: { $in: planIds.slice(i, i + READ_CHUNK) }, lastOp: opId }, { projection: { _id: 1 } })
      .toArray())
      changed.add(String(d._id));
  }
  const missed = planIds.filter((id) => !changed.has(String(id)));
  const now2 = new Map<string, Document>();
  for (let i = 0; i < missed.length; i += READ_CHUNK) {
    for (const d of await coll(db, kind)
      .find({ _id: { $in: missed.slice(i, i + READ_CHUNK) } }, { projection: project })
      .toArray())
      now2.set(String(d._id), d);
  }
  for (const p of plan) {
    const id = String(p._id);
    if (changed.has(id)) results.set(id, { id, outcome: 'changed' });
    else {
      const d = now2.get(id);
      results.set(
        id,
        d
          ? { id, outcome: 'skipped', reason: `changed by someone else (now ${String(d.status)})` }
          : { id, outcome: 'refused', reason: 'deleted in the meantime' },
      );
    }
  }
  if (changed.size) recordsChanged(db, c);

  const items = [...results.values()];
  const count = (o: Outcome) => items.filter((i) => i.outcome === o).length;
  const out: BulkResult = {
    opId,
    kind,
    to,
    expected,
    matched: items.length,
    changed: count('changed'),
    skipped: count('skipped'),
    refused: count('refused'),
    items,
  };
  const fromCounts: Record<string, number> = {};
  for (const p of plan) if (changed.has(String(p._id))) fromCounts[p.status] = (fromCounts[p.status] ?? 0) + 1;
  audit.target = { type: c, label: `${out.changed} item(s) → ${to}` };
  audit.details = {
    opId,
    before: { status: fromCounts },
    after: { status: to, statusReason: reason },
    changed: out.changed,
    skipped: items.filter((i) => i.outcome === 'skipped').map((i) => i.id),
    refused: items.filter((i) => i.outcome === 'refused').map((i) => `${i.id}: ${i.reason}`),
    changedIds: items.filter((i) => i.outcome === 'changed').map((i) => i.id),
  };
  return out;
}
