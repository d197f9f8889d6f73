import { ObjectId, type Db, type Filter } from 'mongodb';
import { collections, type AuditLogDoc } from '../db/collections';
import type { AuditFilters, AuditListInput } from './schema';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const contains = (s: string) => ({ $regex: escapeRegex(s), $options: 'i' });

/** Builds the MongoDB filter from the whitelisted filter fields only. */
export function auditFilter(f: AuditFilters): Filter<AuditLogDoc> {
  const and: Filter<AuditLogDoc>[] = [];
  if (f.actor) and.push(ObjectId.isValid(f.actor) && f.actor.length === 24 ? { 'actor.id': f.actor } : { 'actor.email': contains(f.actor) });
  if (f.action) and.push({ action: contains(f.action) });
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
  const base = auditFilter(input);
  const filter: Filter<AuditLogDoc> = input.cursor
    ? {
        $and: [
          base,
          { $or: [{ at: { $lt: input.cursor.at } }, { at: input.cursor.at, _id: { $lt: new ObjectId(input.cursor.id) } }] },
        ],
      }
    : base;
  const docs = await collections
    .auditLogs(db)
    .find(filter)
    .sort({ at: -1, _id: -1 })
    .limit(input.limit + 1)
    .toArray();
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

/** Distinct action names for the filter's suggestions (two-stage $group works on FerretDB). */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await collections
    .auditLogs(db)
    .aggregate<{ _id: string }>([{ $group: { _id: '$action' } }, { $sort: { _id: 1 } }, { $limit: 500 }])
    .toArray();
  return rows.map((r) => r._id).filter(Boolean);
}
