/**
 * Moderation queues (issue 14): contact messages, volunteer applications, bookings needing attention and event
 * registrations (waitlist). Claims, status changes checked against the declared state machine
 * (server/workflows.ts) with required reasons, internal notes, replies recorded as pending notices
 * (server/notices/service.ts). Every change is a compare-and-set on the record's `version`; claims bump it too,
 * so a bulk change started before a claim skips that item. Personal fields are masked for roles without
 * data.personal.read. Bulk changes are in ./bulk.ts.
 */
import { ObjectId, type Db, type Document, type Filter } from 'mongodb';
import { AppError } from '../errors';
import type { AuditNote } from '../trpc/init';
import type { Operator } from '../auth/session';
import { can, type ResolvedRole } from '../permissions';
import { REGISTRY, maskDoc } from '../registry';
import { KW_FIELD } from '../search/keywords';
import { canTransition, needsReason, nextStatuses, workflowOf } from '../workflows';
import { countMatching } from '../db/count';
import { invalidate } from '../db/cache';
import { recordsChanged } from '../live/tiles';
import { atVersion } from '../content/model';
import { noticesAbout, queueNotices } from '../notices/service';
import { notesColl, type ClaimDoc } from './model';
import { KIND_COLLECTION, QueueInput, SLA_HOURS, VIEWS, type Kind, type ViewDef } from './schema';
import type { z } from 'zod';

export const coll = (db: Db, kind: Kind) => db.collection(KIND_COLLECTION[kind]);

export function oid(id: string): ObjectId {
  if (!ObjectId.isValid(id)) throw new AppError('BAD_REQUEST', 'Not a valid id.');
  return new ObjectId(id);
}

export function claimOf(op: Operator): ClaimDoc {
  return { id: op.admin._id.toHexString(), email: op.admin.email, name: op.admin.name };
}

export function viewOf(kind: Kind, key: string | undefined): ViewDef {
  const v = key ? VIEWS[kind].find((x) => x.key === key) : VIEWS[kind][0];
  if (!v) throw new AppError('BAD_REQUEST', `"${String(key).slice(0, 32)}" is not a view of ${kind}.`);
  return v;
}

export function viewFilter(kind: Kind, view: ViewDef, claimed: 'any' | 'me' | 'unclaimed' | 'others', me: string, now = new Date()): Filter<Document> {
  const and: Filter<Document>[] = [{ status: view.status }];
  if (view.past) and.push({ scheduledAt: { $lt: now } });
  if (claimed === 'me') and.push({ 'claimedBy.id': me });
  else if (claimed === 'unclaimed') and.push({ claimedBy: null });
  else if (claimed === 'others') and.push({ claimedBy: { $ne: null } }, { 'claimedBy.id': { $ne: me } });
  return and.length === 1 ? and[0]! : { $and: and };
}

const waitingField = (view: ViewDef) => (view.past ? 'scheduledAt' : 'createdAt');

async function namesOf(db: Db, collection: string, ids: unknown[], fields: string[]): Promise<Map<string, Document>> {
  const out = new Map<string, Document>();
  const uniq = [...new Map(ids.filter((i): i is ObjectId => i instanceof ObjectId).map((i) => [String(i), i])).values()];
  for (let i = 0; i < uniq.length; i += 500) {
    const docs = await db
      .collection(collection)
      .find({ _id: { $in: uniq.slice(i, i + 500) } }, { projection: Object.fromEntries(fields.map((f) => [f, 1])) })
      .toArray();
    for (const d of docs) out.set(String(d._id), d);
  }
  return out;
}

export interface QueueItem {
  id: string;
  version: number;
  status: string;
  title: string;
  sub: string;
  when: Date | null;
  waitingSince: Date | null;
  ageMs: number | null;
  overdue: boolean;
  claimedBy: ClaimDoc | null;
  nextStatuses: readonly string[];
}

/** Titles for queue rows: subject / names, with personal fields masked as the role requires. */
async function describe(db: Db, kind: Kind, docs: Document[], personal: boolean): Promise<{ title: string; sub: string; when: Date | null }[]> {
  const c = KIND_COLLECTION[kind];
  if (kind === 'contacts') {
    return docs.map((d) => {
      const m = maskDoc(c, d, personal);
      return { title: String(m.subject ?? '(no subject)'), sub: [m.name, m.email].filter(Boolean).join(' · '), when: null };
    });
  }
  if (kind === 'volunteers') {
    return docs.map((d) => {
      const m = maskDoc(c, d, personal);
      return { title: String(m.name ?? ''), sub: [m.email, m.city, Array.isArray(m.areas) ? m.areas.join(', ') : ''].filter(Boolean).join(' · '), when: null };
    });
  }
  const users = await namesOf(
    db,
    'users',
    docs.map((d) => d.userId),
    ['name'],
  );
  // a member's name is personal data (registry): masked for roles without data.personal.read
  const member = (id: unknown) => {
    const u = users.get(String(id));
    return u ? String(maskDoc('users', { name: u.name }, personal).name ?? '') : '(unknown member)';
  };
  if (kind === 'bookings') {
    const psychs = await namesOf(
      db,
      'psychologists',
      docs.map((d) => d.psychologistId),
      ['name'],
    );
    return docs.map((d) => ({
      title: member(d.userId),
      sub: `with ${String(psychs.get(String(d.psychologistId))?.name ?? '(unknown psychologist)')} · ${String(d.mode ?? '')}`,
      when: d.scheduledAt instanceof Date ? d.scheduledAt : null,
    }));
  }
  const events = await namesOf(
    db,
    'events',
    docs.map((d) => d.eventId),
    ['title', 'startsAt'],
  );
  return docs.map((d) => {
    const e = events.get(String(d.eventId));
    return { title: member(d.userId), sub: String(e?.title ?? '(unknown event)'), when: e?.startsAt instanceof Date ? e.startsAt : null };
  });
}

export async function queue(db: Db, op: Operator, raw: z.input<typeof QueueInput>, now = new Date()) {
  const input = QueueInput.parse(raw);
  const { kind } = input;
  const view = viewOf(kind, input.view);
  const me = op.admin._id.toHexString();
  const filter = viewFilter(kind, view, input.claimed, me, now);
  const wf = waitingField(view);
  const dir = input.sort === 'oldest' ? 1 : -1;
  const [total, docs, counts] = await Promise.all([
    countMatching(db, KIND_COLLECTION[kind], filter),
    coll(db, kind)
      .find(filter, { projection: { [KW_FIELD]: 0, message: 0, motivation: 0, notes: 0 } })
      .sort({ [wf]: dir, _id: dir })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .toArray(),
    Promise.all(
      VIEWS[kind].map(async (v) => ({
        key: v.key,
        label: v.label,
        count: await countMatching(db, KIND_COLLECTION[kind], viewFilter(kind, v, 'any', me, now)),
      })),
    ),
  ]);
  const personal = can(op.role, 'data.personal.read');
  const described = await describe(db, kind, docs, personal);
  const slaMs = SLA_HOURS[kind] * 3_600_000;
  const open = !['resolved', 'spam', 'rejected', 'inactive', 'active', 'cancelled', 'completed', 'attended'].includes(view.status);
  const items: QueueItem[] = docs.map((d, i) => {
    const since = d[wf] instanceof Date ? (d[wf] as Date) : null;
    const ageMs = since ? now.getTime() - since.getTime() : null;
    return {
      id: String(d._id),
      version: typeof d.version === 'number' ? d.version : 0,
      status: String(d.status ?? ''),
      ...described[i]!,
      waitingSince: since,
      ageMs,
      overdue: open && ageMs !== null && ageMs > slaMs,
      claimedBy: (d.claimedBy as ClaimDoc | null | undefined) ?? null,
      nextStatuses: nextStatuses(KIND_COLLECTION[kind], String(d.status ?? '')),
    };
  });
  return {
    kind,
    view: view.key,
    viewStatus: view.status,
    total,
    page: input.page,
    pageSize: input.pageSize,
    slaHours: SLA_HOURS[kind],
    views: counts,
    /** The statuses a bulk change of this view may move to. */
    bulkTargets: nextStatuses(KIND_COLLECTION[kind], view.status),
    reasonRequired: workflowOf(KIND_COLLECTION[kind]).reasonRequired,
    items,
  };
}

export async function item(db: Db, op: Operator, kind: Kind, id: string) {
  const c = KIND_COLLECTION[kind];
  const doc = await coll(db, kind).findOne({ _id: oid(id) }, { projection: { [KW_FIELD]: 0 } });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  const personal = can(op.role, 'data.personal.read');
  const masked = maskDoc(c, doc, personal);
  const [described] = await describe(db, kind, [doc], personal);
  const fields = Object.entries(REGISTRY[c].fields)
    .filter(([name]) => masked[name] !== undefined && masked[name] !== null)
    .map(([name, f]) => ({ name, label: f.label, type: f.type, value: masked[name] as unknown }));
  const notes = await notesColl(db).find({ collection: c, itemId: doc._id }).sort({ at: 1 }).limit(200).toArray();
  const replies = kind === 'contacts' || kind === 'volunteers' ? await noticesAbout(db, `${c}:${id}`, 50) : { total: 0, items: [] };
  return {
    kind,
    id,
    version: typeof doc.version === 'number' ? doc.version : 0,
    status: String(doc.status ?? ''),
    statusReason: typeof doc.statusReason === 'string' ? doc.statusReason : null,
    statusChangedAt: doc.statusChangedAt instanceof Date ? doc.statusChangedAt : null,
    statusChangedBy: (doc.statusChangedBy as { email?: string } | undefined)?.email ?? null,
    title: described!.title,
    sub: described!.sub,
    when: described!.when,
    createdAt: doc.createdAt instanceof Date ? doc.createdAt : null,
    claimedBy: (doc.claimedBy as ClaimDoc | null | undefined) ?? null,
    claimedAt: doc.claimedAt instanceof Date ? doc.claimedAt : null,
    nextStatuses: nextStatuses(c, String(doc.status ?? '')),
    reasonRequired: workflowOf(c).reasonRequired,
    fields,
    notes: notes.map((n) => ({ id: String(n._id), text: n.text, by: n.by.name || n.by.email, byEmail: n.by.email, at: n.at })),
    replies,
  };
}

function stale(kind: Kind, doc: Document): AppError {
  return new AppError(
    'CONFLICT',
    `Someone else changed this item since you opened it (now ${String(doc.status)}${doc.claimedBy ? `, claimed by ${(doc.claimedBy as ClaimDoc).name || (doc.claimedBy as ClaimDoc).email}` : ''}). Reload it and try again.`,
    {
      kind: 'version',
      currentVersion: typeof doc.version === 'number' ? doc.version : 0,
      status: String(doc.status ?? ''),
      claimedBy: doc.claimedBy ?? null,
    },
  );
}

export async function claim(db: Db, op: Operator, input: { kind: Kind; id: string; release?: boolean; force?: boolean }, audit: AuditNote) {
  const { kind } = input;
  const _id = oid(input.id);
  const me = claimOf(op);
  const doc = await coll(db, kind).findOne({ _id }, { projection: { claimedBy: 1, version: 1, status: 1, subject: 1, name: 1 } });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  const holder = (doc.claimedBy as ClaimDoc | null | undefined) ?? null;
  const v = typeof doc.version === 'number' ? doc.version : 0;
  if (input.release) {
    if (!holder) return { claimedBy: null, version: v };
    if (holder.id !== me.id && !input.force)
      throw new AppError('CONFLICT', `${holder.name || holder.email} holds this item; only they can release it.`, { claimedBy: holder });
  } else {
    if (holder?.id === me.id) return { claimedBy: holder, version: v };
    if (holder && !input.force) {
      throw new AppError('CONFLICT', `${holder.name || holder.email} already holds this item. Take it over only if they are not working on it.`, {
        claimedBy: holder,
      });
    }
  }
  const next = input.release ? null : me;
  const now = new Date();
  const r = await coll(db, kind).updateOne(
    { _id, ...atVersion(v) },
    { $set: { claimedBy: next, claimedAt: next ? now : null, updatedAt: now, version: v + 1 } },
  );
  if (!r.matchedCount) {
    const cur = await coll(db, kind).findOne({ _id });
    if (!cur) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
    throw stale(kind, cur);
  }
  invalidate(db, KIND_COLLECTION[kind]);
  audit.target = { type: KIND_COLLECTION[kind], id: input.id, label: String(doc.subject ?? doc.name ?? '') };
  audit.details = { before: { claimedBy: holder?.email ?? null }, after: { claimedBy: next?.email ?? null }, takeover: !!(holder && holder.id !== me.id) };
  return { claimedBy: next, version: v + 1 };
}

export async function setStatus(db: Db, op: Operator, input: { kind: Kind; id: string; version: number; to: string; reason?: string }, audit: AuditNote) {
  const { kind, to } = input;
  const c = KIND_COLLECTION[kind];
  const _id = oid(input.id);
  const doc = await coll(db, kind).findOne({ _id });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  const v = typeof doc.version === 'number' ? doc.version : 0;
  if (v !== input.version) throw stale(kind, doc);
  const me = claimOf(op);
  const holder = (doc.claimedBy as ClaimDoc | null | undefined) ?? null;
  if (holder && holder.id !== me.id)
    throw new AppError('CONFLICT', `${holder.name || holder.email} holds this item. Ask them, or take it over first.`, { claimedBy: holder });
  const from = String(doc.status ?? '');
  if (!canTransition(c, from, to)) {
    throw new AppError(
      'BAD_REQUEST',
      `A ${from || 'status-less'} item cannot become ${to}. Allowed: ${nextStatuses(c, from).join(', ') || 'none (final status)'}.`,
    );
  }
  const reason = input.reason?.trim() || null;
  if (needsReason(c, to) && !reason) throw new AppError('BAD_REQUEST', `Say why (a reason is required to move to ${to}).`, { field: 'reason' });
  const now = new Date();
  const set = { status: to, statusReason: reason, statusChangedAt: now, statusChangedBy: { id: me.id, email: me.email }, updatedAt: now, version: v + 1 };
  const r = await coll(db, kind).updateOne({ _id, status: from, ...atVersion(v) }, { $set: set });
  if (!r.matchedCount) {
    const cur = await coll(db, kind).findOne({ _id });
    if (!cur) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
    throw stale(kind, cur);
  }
  recordsChanged(db, c);
  audit.target = { type: c, id: input.id, label: String(doc.subject ?? doc.name ?? '') };
  audit.details = { before: { status: from, statusReason: doc.statusReason ?? null, version: v }, after: { status: to, statusReason: reason, version: v + 1 } };
  return { id: input.id, status: to, version: v + 1 };
}

export async function addNote(db: Db, op: Operator, input: { kind: Kind; id: string; text: string }, audit: AuditNote) {
  const c = KIND_COLLECTION[input.kind];
  const _id = oid(input.id);
  const doc = await coll(db, input.kind).findOne({ _id }, { projection: { subject: 1, name: 1 } });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  const me = claimOf(op);
  const note = { _id: new ObjectId(), collection: c, itemId: _id, text: input.text, by: me, at: new Date() };
  await notesColl(db).insertOne(note);
  audit.target = { type: c, id: input.id, label: String(doc.subject ?? doc.name ?? '') };
  audit.details = { before: null, after: { note: input.text.slice(0, 300) } };
  return { id: String(note._id), text: note.text, by: me.name || me.email, byEmail: me.email, at: note.at };
}

/** Records a reply as a pending notice; the messaging work (issue 15) sends it. */
export async function reply(db: Db, op: Operator, input: { kind: 'contacts' | 'volunteers'; id: string; subject: string; body: string }, audit: AuditNote) {
  const c = KIND_COLLECTION[input.kind];
  const _id = oid(input.id);
  const doc = await coll(db, input.kind).findOne({ _id }, { projection: { name: 1, subject: 1, email: 1 } });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  if (!doc.email) throw new AppError('BAD_REQUEST', 'This record has no email address to reply to.');
  const me = claimOf(op);
  await queueNotices(db, [
    {
      kind: 'reply',
      to: { collection: input.kind, id: input.id, name: typeof doc.name === 'string' ? doc.name : null },
      about: `${c}:${input.id}`,
      subject: input.subject,
      body: input.body,
      createdBy: { id: me.id, email: me.email },
    },
  ]);
  audit.target = { type: c, id: input.id, label: String(doc.subject ?? doc.name ?? '') };
  audit.details = { before: null, after: { reply: { subject: input.subject, status: 'pending_messaging' } } };
  return { queued: true, status: 'pending_messaging' as const };
}

export type { ResolvedRole };
