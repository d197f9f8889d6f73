/**
 * Content editing (issue 14): blogs, events and careers. The only code that writes these collections for the
 * editor. Every write is a compare-and-set on the document's `version` (optimistic concurrency: a stale save is
 * a CONFLICT carrying the current version, never an overwrite), keeps a revision (server/content/revisions.ts),
 * checks status changes against the declared state machine (server/workflows.ts) and the data-quality rules
 * (server/quality/rules.ts), and fills the caller's audit note with before/after.
 */
import { ObjectId, type Db, type Document, type Filter } from 'mongodb';
import { AppError } from '../errors';
import type { AuditNote } from '../trpc/init';
import type { Operator } from '../auth/session';
import { can, type ResolvedRole } from '../permissions';
import { maskDoc } from '../registry';
import { withKeywords, parseText, KW_FIELD } from '../search/keywords';
import { validateRecord } from '../quality/rules';
import { canTransition, needsReason, nextStatuses, statusesOf } from '../workflows';
import { countMatching } from '../db/count';
import { recordsChanged } from '../live/tiles';
import { queueNotices, noticesAbout } from '../notices/service';
import { renderMarkdown } from './markdown';
import { BODY_FIELD, atVersion, slugify, type Actor } from './model';
import { diffFields, ensureBaseline, writeRevision } from './revisions';
import { EDITABLE, FIELDS_SCHEMA, type AnyFields, type ContentListInput, type ContentSaveInput, type ContentType } from './schema';
import { ContentListInput as ListSchema } from './schema';

export function actorOf(op: Operator): Actor {
  return { id: op.admin._id.toHexString(), email: op.admin.email, name: op.admin.name };
}

const coll = (db: Db, type: ContentType) => db.collection(type);

function oid(id: string): ObjectId {
  if (!ObjectId.isValid(id)) throw new AppError('BAD_REQUEST', 'Not a valid id.');
  return new ObjectId(id);
}

/** The editable fields of a stored document, with defaults for what older records lack. */
export function editableOf(type: ContentType, doc: Document): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of EDITABLE[type]) {
    const v = f === 'body' ? doc[BODY_FIELD[type]] : doc[f];
    if (f === 'tags') out[f] = Array.isArray(v) ? v : [];
    else if (f === 'online') out[f] = v === true;
    else if (f === 'capacity' || f === 'price') out[f] = typeof v === 'number' ? v : 0;
    else if (f === 'startsAt' || f === 'endsAt' || f === 'closesAt') out[f] = v instanceof Date ? v : null;
    else out[f] = typeof v === 'string' ? v : '';
  }
  return out;
}

/** Editable fields as stored: `body` goes to the type's body field. */
function storedOf(type: ContentType, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of EDITABLE[type]) out[f === 'body' ? BODY_FIELD[type] : f] = fields[f];
  return out;
}

export function snapshotOf(type: ContentType, doc: Document): Record<string, unknown> {
  return { ...editableOf(type, doc), status: doc.status ?? null, publishAt: doc.publishAt ?? null };
}

export interface ContentDto {
  id: string;
  type: ContentType;
  version: number;
  status: string;
  title: string;
  slug: string;
  fields: Record<string, unknown>;
  publishAt: Date | null;
  publishedAt: Date | null;
  statusReason: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  updatedBy: string | null;
  nextStatuses: readonly string[];
  /** Events: start and capacity for the list. */
  startsAt: Date | null;
  author: string | null;
}

export function toDto(type: ContentType, doc: Document): ContentDto {
  const status = String(doc.status ?? '');
  return {
    id: String(doc._id),
    type,
    version: typeof doc.version === 'number' ? doc.version : 0,
    status,
    title: String(doc.title ?? ''),
    slug: String(doc.slug ?? ''),
    fields: editableOf(type, doc),
    publishAt: doc.publishAt instanceof Date ? doc.publishAt : null,
    publishedAt: doc.publishedAt instanceof Date ? doc.publishedAt : null,
    statusReason: typeof doc.statusReason === 'string' ? doc.statusReason : null,
    createdAt: doc.createdAt instanceof Date ? doc.createdAt : null,
    updatedAt: doc.updatedAt instanceof Date ? doc.updatedAt : null,
    updatedBy: doc.updatedBy?.email ?? null,
    nextStatuses: nextStatuses(type, status),
    startsAt: doc.startsAt instanceof Date ? doc.startsAt : null,
    author: typeof doc.author === 'string' ? doc.author : null,
  };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export async function listContent(db: Db, raw: ContentListInput) {
  const input = ListSchema.parse(raw);
  const { type } = input;
  const and: Filter<Document>[] = [];
  if (input.status) {
    if (!statusesOf(type).includes(input.status)) throw new AppError('BAD_REQUEST', `"${input.status}" is not a status of ${type}.`);
    and.push({ status: input.status });
  }
  if (input.author && type === 'blogs') and.push({ author: { $regex: `^${escapeRegex(input.author)}`, $options: 'i' } });
  if (input.q) for (const t of parseText(input.q)) and.push(t.prefix ? { [KW_FIELD]: { $regex: `^${escapeRegex(t.token)}` } } : { [KW_FIELD]: t.token });
  const dateField = type === 'events' ? 'startsAt' : 'createdAt';
  if (input.from || input.to) and.push({ [dateField]: { ...(input.from ? { $gte: input.from } : {}), ...(input.to ? { $lte: input.to } : {}) } });
  const filter = and.length ? { $and: and } : {};
  const sort: Record<string, 1 | -1> =
    input.sort === 'created_asc'
      ? { createdAt: 1, _id: 1 }
      : input.sort === 'created_desc'
        ? { createdAt: -1, _id: -1 }
        : input.sort === 'title_asc'
          ? { title: 1, _id: 1 }
          : { updatedAt: -1, _id: -1 };
  const projection = { [KW_FIELD]: 0, [BODY_FIELD[type]]: 0 };
  const [total, docs] = await Promise.all([
    countMatching(db, type, filter),
    coll(db, type)
      .find(filter, { projection })
      .sort(sort)
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .toArray(),
  ]);
  return { total, page: input.page, pageSize: input.pageSize, items: docs.map((d) => toDto(type, d)) };
}

export async function getContent(db: Db, type: ContentType, id: string): Promise<ContentDto> {
  const doc = await coll(db, type).findOne({ _id: oid(id) }, { projection: { [KW_FIELD]: 0 } });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  return toDto(type, doc);
}

function conflict(type: ContentType, current: Document): AppError {
  const dto = toDto(type, current);
  return new AppError(
    'CONFLICT',
    `Someone else saved this ${type === 'blogs' ? 'post' : type === 'events' ? 'event' : 'posting'} since you opened it (now version ${dto.version}). Compare and merge before saving.`,
    {
      kind: 'version',
      currentVersion: dto.version,
      current: dto,
    },
  );
}

async function loadForWrite(db: Db, type: ContentType, id: ObjectId, version: number): Promise<Document> {
  const doc = await coll(db, type).findOne({ _id: id });
  if (!doc) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  const v = typeof doc.version === 'number' ? doc.version : 0;
  if (v !== version) throw conflict(type, doc);
  return doc;
}

/** After a compare-and-set matched nothing: the document moved on (CONFLICT) or is gone (NOT_FOUND). */
async function casFailed(db: Db, type: ContentType, id: ObjectId): Promise<never> {
  const now = await coll(db, type).findOne({ _id: id });
  if (!now) throw new AppError('NOT_FOUND', 'This item does not exist (any more).');
  throw conflict(type, now);
}

function isDup(e: unknown) {
  return (e as { code?: number })?.code === 11000;
}

async function slugFor(
  db: Db,
  type: ContentType,
  fields: { slug: string; title: string },
  self: ObjectId | null,
): Promise<{ slug: string; generated: boolean }> {
  const notSelf = self ? { _id: { $ne: self } } : {};
  if (fields.slug) {
    const other = await coll(db, type).findOne({ slug: fields.slug, ...notSelf }, { projection: { title: 1 } });
    if (other) throw new AppError('BAD_REQUEST', `The slug "${fields.slug}" is already used by "${String(other.title ?? other._id)}".`, { field: 'slug' });
    return { slug: fields.slug, generated: false };
  }
  const base = slugify(fields.title) || 'item';
  for (let i = 1; i <= 50; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await coll(db, type).findOne({ slug: candidate, ...notSelf }, { projection: { _id: 1 } }))) return { slug: candidate, generated: true };
  }
  return { slug: `${base}-${new ObjectId().toHexString().slice(-6)}`, generated: true };
}

function qualityCheck(type: ContentType, doc: Record<string, unknown>) {
  const v = validateRecord(type, doc);
  if (v.length) throw new AppError('BAD_REQUEST', v.map((x) => x.message).join('; '), { fields: v });
}

export async function saveContent(
  db: Db,
  op: Operator,
  input: ContentSaveInput,
  audit: AuditNote,
  opts: { action?: 'save' | 'restore'; restoredFrom?: ObjectId } = {},
): Promise<ContentDto> {
  const type = input.type;
  const fields = FIELDS_SCHEMA[type].parse(input.fields) as AnyFields & Record<string, unknown>;
  const by = actorOf(op);
  const now = new Date();
  const id = input.id ? oid(input.id) : null;
  // an empty slug on an existing item keeps the one it has (a link does not change with the title)
  const keep = id && !fields.slug ? await coll(db, type).findOne({ _id: id }, { projection: { slug: 1 } }) : null;
  const { slug } = keep?.slug ? { slug: String(keep.slug) } : await slugFor(db, type, fields, id);
  const normalized: Record<string, unknown> = { ...fields, slug };
  for (const f of ['startsAt', 'endsAt', 'closesAt']) if (f in normalized && normalized[f] === undefined) normalized[f] = null;

  if (!id) {
    const doc: Record<string, unknown> = {
      _id: new ObjectId(),
      ...storedOf(type, normalized),
      status: 'draft',
      version: 1,
      publishAt: null,
      createdAt: now,
      updatedAt: now,
      createdBy: by,
      updatedBy: by,
      ...(type === 'blogs' ? { publishedAt: null, views: 0 } : type === 'careers' ? { applicants: 0, department: normalized.department } : {}),
    };
    qualityCheck(type, doc);
    try {
      await coll(db, type).insertOne(withKeywords(type, doc));
    } catch (e) {
      if (isDup(e)) throw new AppError('BAD_REQUEST', `The slug "${slug}" was just taken. Choose another.`, { field: 'slug' });
      throw e;
    }
    recordsChanged(db, type);
    await writeRevision(db, { type, docId: doc._id as ObjectId, version: 1, by, action: 'create', snapshot: snapshotOf(type, doc), changes: [] });
    audit.target = { type, id: String(doc._id), label: fields.title };
    audit.details = { before: null, after: snapshotOf(type, doc), version: 1 };
    return toDto(type, doc);
  }

  if (input.version === undefined) throw new AppError('BAD_REQUEST', 'Saving an existing item needs the version you edited.');
  const current = await loadForWrite(db, type, id, input.version);
  const beforeFields = editableOf(type, current);
  const changes = diffFields(beforeFields, normalized, EDITABLE[type]);
  if (!changes.length) return toDto(type, current);
  const merged = { ...current, ...storedOf(type, normalized), updatedAt: now };
  qualityCheck(type, merged);
  await ensureBaseline(db, type, current);
  const next = input.version + 1;
  const set = { ...storedOf(type, normalized), [KW_FIELD]: withKeywords(type, merged)[KW_FIELD], updatedAt: now, updatedBy: by, version: next };
  let matched = 0;
  try {
    matched = (await coll(db, type).updateOne({ _id: id, ...atVersion(input.version) }, { $set: set })).matchedCount;
  } catch (e) {
    if (isDup(e)) throw new AppError('BAD_REQUEST', `The slug "${slug}" was just taken. Choose another.`, { field: 'slug' });
    throw e;
  }
  if (!matched) await casFailed(db, type, id);
  recordsChanged(db, type);
  const after = { ...current, ...set };
  await writeRevision(db, {
    type,
    docId: id,
    version: next,
    by,
    action: opts.action ?? 'save',
    snapshot: snapshotOf(type, after),
    changes,
    restoredFrom: opts.restoredFrom,
  });
  audit.target = { type, id: input.id, label: fields.title };
  audit.details = {
    before: Object.fromEntries(changes.map((c) => [c.field, c.before])),
    after: Object.fromEntries(changes.map((c) => [c.field, c.after])),
    version: next,
  };
  return toDto(type, after);
}

export interface StatusResult {
  item: ContentDto;
  registrationsCancelled?: number;
  noticesQueued?: number;
}

export async function setContentStatus(
  db: Db,
  op: Operator | null,
  input: { type: ContentType; id: string; version: number; to: string; reason?: string },
  audit: AuditNote,
  opts: { action?: 'status' | 'scheduled_publish'; now?: Date } = {},
): Promise<StatusResult> {
  const { type, to } = input;
  const id = oid(input.id);
  const current = await loadForWrite(db, type, id, input.version);
  const from = String(current.status ?? '');
  if (!canTransition(type, from, to)) {
    throw new AppError(
      'BAD_REQUEST',
      `A ${from || 'status-less'} item cannot become ${to}. Allowed: ${nextStatuses(type, from).join(', ') || 'none (final status)'}.`,
    );
  }
  const reason = input.reason?.trim() || null;
  if (needsReason(type, to) && !reason) throw new AppError('BAD_REQUEST', `Say why (a reason is required to move to ${to}).`, { field: 'reason' });
  const now = opts.now ?? new Date();
  const by = op ? actorOf(op) : null;
  const set: Record<string, unknown> = { status: to, statusReason: reason, statusChangedAt: now, updatedAt: now, updatedBy: by, version: input.version + 1 };
  if ((to === 'published' || to === 'open') && !current.publishedAt) set.publishedAt = now;
  if (to === 'published' || to === 'open') set.publishAt = null;
  qualityCheck(type, { ...current, ...set });
  await ensureBaseline(db, type, current);
  const r = await coll(db, type).updateOne({ _id: id, status: from, ...atVersion(input.version) }, { $set: set });
  if (!r.matchedCount) await casFailed(db, type, id);
  recordsChanged(db, type);
  const after = { ...current, ...set };
  const changes: { field: string; before: unknown; after: unknown }[] = [{ field: 'status', before: from, after: to }];
  if (current.publishAt && set.publishAt === null) changes.push({ field: 'publishAt', before: current.publishAt, after: null });
  await writeRevision(db, {
    type,
    docId: id,
    version: input.version + 1,
    by,
    action: opts.action ?? 'status',
    snapshot: snapshotOf(type, after),
    changes,
    at: now,
  });
  const result: StatusResult = { item: toDto(type, after) };
  if (type === 'events' && to === 'cancelled') {
    const c = await cancelEventRegistrations(db, after, reason ?? '', by, now);
    result.registrationsCancelled = c.cancelled;
    result.noticesQueued = c.notices;
  }
  audit.target = { type, id: input.id, label: String(current.title ?? '') };
  audit.details = {
    before: { status: from, version: input.version },
    after: { status: to, version: input.version + 1, reason },
    ...(result.registrationsCancelled !== undefined ? { registrationsCancelled: result.registrationsCancelled, noticesQueued: result.noticesQueued } : {}),
  };
  return result;
}

/** Marks an event's registrations cancelled and queues a notice to each member (sent once messaging lands). */
async function cancelEventRegistrations(db: Db, event: Document, reason: string, by: Actor | null, now: Date) {
  const regs = db.collection('event_registrations');
  const open = await regs.find({ eventId: event._id, status: { $in: ['registered', 'waitlisted'] } }, { projection: { userId: 1 } }).toArray();
  if (!open.length) return { cancelled: 0, notices: 0 };
  const r = await regs.updateMany(
    { eventId: event._id, status: { $in: ['registered', 'waitlisted'] } },
    { $set: { status: 'cancelled', statusReason: 'event_cancelled', statusChangedAt: now, updatedAt: now }, $inc: { version: 1 } },
  );
  const names = await userNames(
    db,
    open.map((o) => o.userId as ObjectId),
  );
  const notices = await queueNotices(
    db,
    open.map((o) => ({
      kind: 'event_cancelled' as const,
      to: { collection: 'users' as const, id: String(o.userId), name: names.get(String(o.userId))?.name ?? null },
      about: `events:${String(event._id)}`,
      subject: `Cancelled: ${String(event.title ?? 'event')}`,
      body: `We are sorry: "${String(event.title ?? 'the event')}" has been cancelled.${reason ? ` Reason: ${reason}` : ''}`,
      createdBy: by ? { id: by.id, email: by.email } : null,
    })),
    now,
  );
  return { cancelled: r.modifiedCount, notices };
}

async function userNames(db: Db, ids: ObjectId[]): Promise<Map<string, Document>> {
  const out = new Map<string, Document>();
  const uniq = [...new Map(ids.filter(Boolean).map((i) => [String(i), i])).values()];
  for (let i = 0; i < uniq.length; i += 500) {
    const docs = await db
      .collection('users')
      .find({ _id: { $in: uniq.slice(i, i + 500) } }, { projection: { name: 1, email: 1 } })
      .toArray();
    for (const d of docs) out.set(String(d._id), d);
  }
  return out;
}

export async function scheduleContent(
  db: Db,
  op: Operator,
  input: { type: ContentType; id: string; version: number; publishAt: Date | null },
  audit: AuditNote,
): Promise<ContentDto> {
  const { type } = input;
  const id = oid(input.id);
  const current = await loadForWrite(db, type, id, input.version);
  if (current.status !== 'draft') throw new AppError('BAD_REQUEST', 'Only drafts can be scheduled; this item is ' + String(current.status) + '.');
  const now = new Date();
  // to the minute: the scheduler runs at every minute
  const at = input.publishAt ? new Date(Math.floor(input.publishAt.getTime() / 60_000) * 60_000) : null;
  if (at && at.getTime() < Math.floor(now.getTime() / 60_000) * 60_000)
    throw new AppError('BAD_REQUEST', 'Choose a time in the future.', { field: 'publishAt' });
  const by = actorOf(op);
  await ensureBaseline(db, type, current);
  const set = { publishAt: at, updatedAt: now, updatedBy: by, version: input.version + 1 };
  const r = await coll(db, type).updateOne({ _id: id, status: 'draft', ...atVersion(input.version) }, { $set: set });
  if (!r.matchedCount) await casFailed(db, type, id);
  recordsChanged(db, type);
  const after = { ...current, ...set };
  await writeRevision(db, {
    type,
    docId: id,
    version: input.version + 1,
    by,
    action: 'schedule',
    snapshot: snapshotOf(type, after),
    changes: [{ field: 'publishAt', before: current.publishAt ?? null, after: at }],
  });
  audit.target = { type, id: input.id, label: String(current.title ?? '') };
  audit.details = { before: { publishAt: current.publishAt ?? null }, after: { publishAt: at }, version: input.version + 1 };
  return toDto(type, after);
}

export function previewMarkdown(markdown: string): { html: string } {
  return { html: renderMarkdown(markdown) };
}

/** An event's registrations: counts, capacity left, the list (registered first, then the waitlist in order). */
export async function eventRegistrations(db: Db, role: ResolvedRole, eventId: string, opts: { limit?: number } = {}) {
  const id = oid(eventId);
  const event = await db.collection('events').findOne({ _id: id }, { projection: { capacity: 1, title: 1, status: 1 } });
  if (!event) throw new AppError('NOT_FOUND', 'This event does not exist (any more).');
  const regs = db.collection('event_registrations');
  const grouped = await regs.aggregate<{ _id: string; n: number }>([{ $match: { eventId: id } }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
  const counts: Record<string, number> = { registered: 0, waitlisted: 0, attended: 0, cancelled: 0 };
  for (const g of grouped) counts[String(g._id)] = g.n;
  const capacity = typeof event.capacity === 'number' ? event.capacity : 0;
  const limit = Math.min(opts.limit ?? 300, 1000);
  const docs = await regs.find({ eventId: id }).sort({ createdAt: 1, _id: 1 }).limit(limit).toArray();
  const users = await userNames(
    db,
    docs.map((d) => d.userId as ObjectId),
  );
  const personal = can(role, 'data.personal.read');
  const order: Record<string, number> = { registered: 0, attended: 0, waitlisted: 1, cancelled: 2 };
  const items = docs
    .map((d) => {
      const u = users.get(String(d.userId));
      const m = u ? maskDoc('users', { name: u.name, email: u.email }, personal) : null;
      return {
        id: String(d._id),
        status: String(d.status ?? ''),
        createdAt: (d.createdAt as Date | undefined) ?? null,
        member: m
          ? { id: String(d.userId), name: String(m.name ?? ''), email: String(m.email ?? '') }
          : { id: String(d.userId), name: '(unknown member)', email: '' },
      };
    })
    .sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3));
  let waitPos = 0;
  const withPos = items.map((i) => ({ ...i, waitlistPosition: i.status === 'waitlisted' ? ++waitPos : null }));
  const taken = counts.registered! + counts.attended!;
  return {
    eventId,
    title: String(event.title ?? ''),
    status: String(event.status ?? ''),
    capacity,
    counts,
    capacityLeft: Math.max(0, capacity - taken),
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    items: withPos,
    notices: await noticesAbout(db, `events:${eventId}`, 20),
  };
}
