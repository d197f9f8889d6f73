import { userQueryMaxMs } from '../db/limits';
import { BSON, ObjectId, type Db, type Filter } from 'mongodb';
import { collections, type AuditLogDoc } from '../db/collections';
import { bulkWriteChunked } from '../db/bulk';
import { cached } from '../db/cache';
import { distinctByIndex } from '../db/distinct';
import type { AuditFilters, AuditListInput } from './schema';
import { escapeRegex } from '../db/util';

const contains = (s: string) => ({ $regex: escapeRegex(s), $options: 'i' });

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Builds the MongoDB filter from the whitelisted filter fields only. An actor given as a whole email
 * and an action given as a whole action name (one of `knownActions`) are equality conditions on
 * indexed fields; anything else is a "contains" match. Entries written before `actorEmail` existed
 * (until the start-up backfill has reached them) are still found through `actor.email`.
 */
export function auditFilter(f: AuditFilters, knownActions: readonly string[] = []): Filter<AuditLogDoc> {
  const and: Filter<AuditLogDoc>[] = [];
  if (f.actor) {
    if (ObjectId.isValid(f.actor) && f.actor.length === 24) and.push({ 'actor.id': f.actor });
    else if (EMAIL.test(f.actor)) {
      const email = f.actor.toLowerCase();
      and.push({ $or: [{ actorEmail: email }, { actorEmail: null, 'actor.email': contains(email) }] });
    } else and.push({ 'actor.email': contains(f.actor) });
  }
  if (f.action) and.push(knownActions.includes(f.action) ? { action: f.action } : { action: contains(f.action) });
  if (f.target) and.push({ $or: [{ 'target.id': f.target }, { 'target.label': contains(f.target) }, { 'target.type': f.target }] });
  if (f.result) and.push({ result: f.result });
  if (f.from || f.to) and.push({ at: { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) } });
  return and.length ? { $and: and } : {};
}

export interface AuditEntryDTO {
  id: string;
  at: Date;
  actor: AuditLogDoc['actor'];
  action: string;
  target: AuditLogDoc['target'] | null;
  result: AuditLogDoc['result'];
  error: string | null;
  ip: string | null;
  userAgent: string | null;
  input: unknown;
  details: unknown;
}

/** Newest first, keyset-paginated on (at, _id) so deep pages stay as cheap as the first. */
export async function listAudit(db: Db, input: AuditListInput) {
  const base = auditFilter(input, input.action ? await auditActions(db) : []);
  const filter: Filter<AuditLogDoc> = input.cursor
    ? {
        $and: [base, { $or: [{ at: { $lt: input.cursor.at } }, { at: input.cursor.at, _id: { $lt: new ObjectId(input.cursor.id) } }] }],
      }
    : base;
  // A page is kept 30 s ('hot' tier) and dropped by every new entry (writeAudit here, the live bus's
  // audit event in other instances): the same page asked for again costs no query. The filter is built
  // from whitelisted fields only, so its canonical EJSON names it exactly.
  const key = `audit-page|${input.limit}|${BSON.EJSON.stringify(filter, { relaxed: false })}`;
  const { value: docs } = await cached(db, 'hot', key, ['audit_logs'], () =>
    collections
      .auditLogs(db)
      .find(filter, { maxTimeMS: userQueryMaxMs() })
      .sort({ at: -1, _id: -1 })
      .limit(input.limit + 1)
      .toArray(),
  );
  const page = docs.slice(0, input.limit);
  const last = page[page.length - 1];
  const items: AuditEntryDTO[] = page.map((d) => ({
    id: d._id!.toHexString(),
    at: d.at,
    actor: d.actor ?? null,
    action: d.action,
    target: d.target ?? null,
    result: d.result,
    error: d.error ?? null,
    ip: d.ip ?? null,
    userAgent: d.userAgent ?? null,
    input: d.input ?? null,
    details: d.details ?? null,
  }));
  return {
    items,
    nextCursor: docs.length > input.limit && last ? { at: last.at, id: last._id!.toHexString() } : null,
  };
}

/**
 * Distinct action names for the filter's suggestions: walked through the (action, at, _id) index one
 * name at a time (a few dozen index seeks instead of reading the whole log), cached ten minutes.
 */
export async function auditActions(db: Db): Promise<string[]> {
  const r = await cached(db, 'reference', 'audit-actions', ['audit_logs'], () => distinctByIndex(db, 'audit_logs', 'action', 500));
  return r.value ?? [];
}

/**
 * Gives entries written before `actorEmail` existed their `actorEmail`, 500 at a time (at start-up, in
 * the background). Returns how many were updated.
 */
export async function backfillActorEmail(db: Db): Promise<number> {
  let n = 0;
  for (;;) {
    const batch = await collections
      .auditLogs(db)
      .find({ actorEmail: null }, { projection: { actor: 1 } })
      .limit(500)
      .toArray();
    if (batch.length === 0) return n;
    await bulkWriteChunked(
      collections.auditLogs(db),
      batch.map((d) => ({ updateOne: { filter: { _id: d._id! }, update: { $set: { actorEmail: d.actor?.email?.toLowerCase() ?? '' } } } })),
    );
    n += batch.length;
  }
}
