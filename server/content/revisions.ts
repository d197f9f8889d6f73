/**
 * Revisions of content items, in their own collection (`content_revisions`): every save, status change,
 * schedule, scheduled publish and restore writes one, with who, when, the fields' values after it (a
 * snapshot) and what changed. Records edited for the first time get a `baseline` revision holding the
 * state before the edit, so the previous version is never lost. Restoring a revision saves its snapshot
 * as a new version (and a new revision) through the normal compare-and-set save.
 */
import { ObjectId, type Db, type Document } from 'mongodb';
import { AppError } from '../errors';
import type { AuditNote } from '../trpc/init';
import type { Operator } from '../auth/session';
import { revisionsColl, type Actor, type RevisionDoc } from './model';
import { EDITABLE, type ContentType } from './schema';
import { saveContent, snapshotOf, type ContentDto } from './service';

const norm = (v: unknown): string => (v instanceof Date ? v.toISOString() : JSON.stringify(v ?? null));

export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, fields: readonly string[]) {
  const out: { field: string; before: unknown; after: unknown }[] = [];
  for (const f of fields) if (norm(before[f]) !== norm(after[f])) out.push({ field: f, before: before[f] ?? null, after: after[f] ?? null });
  return out;
}

export async function writeRevision(
  db: Db,
  r: {
    type: ContentType;
    docId: ObjectId;
    version: number;
    by: Actor | null;
    action: RevisionDoc['action'];
    snapshot: Record<string, unknown>;
    changes: RevisionDoc['changes'];
    at?: Date;
    restoredFrom?: ObjectId;
  },
): Promise<void> {
  await revisionsColl(db).insertOne({
    _id: new ObjectId(),
    collection: r.type,
    docId: r.docId,
    version: r.version,
    at: r.at ?? new Date(),
    by: r.by,
    action: r.action,
    snapshot: r.snapshot,
    changes: r.changes,
    ...(r.restoredFrom ? { restoredFrom: r.restoredFrom } : {}),
  });
}

/** Before the first change of a record that has no revision yet (seeded, imported), keep its current state. */
export async function ensureBaseline(db: Db, type: ContentType, current: Document): Promise<void> {
  const has = await revisionsColl(db).findOne({ collection: type, docId: current._id }, { projection: { _id: 1 } });
  if (has) return;
  await writeRevision(db, {
    type,
    docId: current._id,
    version: typeof current.version === 'number' ? current.version : 0,
    by: current.updatedBy ?? null,
    action: 'baseline',
    snapshot: snapshotOf(type, current),
    changes: [],
    at: current.updatedAt instanceof Date ? current.updatedAt : current.createdAt instanceof Date ? current.createdAt : new Date(),
  });
}

export interface RevisionDto {
  id: string;
  version: number;
  at: Date;
  by: string | null;
  action: RevisionDoc['action'];
  snapshot: Record<string, unknown>;
  changes: RevisionDoc['changes'];
  restoredFromVersion: number | null;
}

export async function listRevisions(db: Db, type: ContentType, id: string): Promise<RevisionDto[]> {
  if (!ObjectId.isValid(id)) throw new AppError('BAD_REQUEST', 'Not a valid id.');
  const docs = await revisionsColl(db)
    .find({ collection: type, docId: new ObjectId(id) })
    .sort({ version: -1 })
    .limit(200)
    .toArray();
  const byId = new Map(docs.map((d) => [String(d._id), d.version]));
  return docs.map((d) => ({
    id: String(d._id),
    version: d.version,
    at: d.at,
    by: d.by?.email ?? null,
    action: d.action,
    snapshot: d.snapshot,
    changes: d.changes,
    restoredFromVersion: d.restoredFrom ? (byId.get(String(d.restoredFrom)) ?? null) : null,
  }));
}

/** Saves a revision's fields as a new version (the restore is itself a revision). Status is not restored. */
export async function restoreRevision(
  db: Db,
  op: Operator,
  input: { type: ContentType; id: string; revisionId: string; version: number },
  audit: AuditNote,
): Promise<ContentDto> {
  const rev = await revisionsColl(db).findOne({ _id: new ObjectId(input.revisionId), collection: input.type, docId: new ObjectId(input.id) });
  if (!rev) throw new AppError('NOT_FOUND', 'This revision does not exist for this item.');
  const fields: Record<string, unknown> = {};
  for (const f of EDITABLE[input.type]) fields[f] = rev.snapshot[f];
  for (const f of ['startsAt', 'endsAt', 'closesAt']) if (f in fields && typeof fields[f] === 'string') fields[f] = new Date(fields[f] as string);
  if (input.type === 'events' && !(fields.startsAt instanceof Date))
    throw new AppError('BAD_REQUEST', 'This revision has no start time; it cannot be restored.');
  const saved = await saveContent(db, op, { type: input.type, id: input.id, version: input.version, fields } as never, audit, {
    action: 'restore',
    restoredFrom: rev._id,
  });
  audit.details = { ...(audit.details as object), restoredFromVersion: rev.version };
  return saved;
}
