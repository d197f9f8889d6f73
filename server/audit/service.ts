import type { Db } from 'mongodb';
import { collections, type AuditLogDoc } from '../db/collections';
import { dayKey } from '../lib/buckets';
import { publishQuietly } from '../live/bus';
import { invalidate } from '../db/cache';

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|hash|authorization|cookie/i;
const MAX_STRING = 300;
const MAX_KEYS = 40;
const MAX_DEPTH = 4;

/** A bounded, secret-free copy of a procedure's input for the audit log. */
export function summarizeInput(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const items = value.slice(0, 20).map((v) => summarizeInput(v, depth + 1));
    return value.length > 20 ? [...items, `… ${value.length - 20} more`] : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
      // Keys are copied as data, never interpreted: replace `$`/`.` so the summary is a storable document.
      const safeKey = k.replace(/^\$/, '＄').replace(/\./g, '．');
      out[safeKey] = SECRET_KEY.test(k) ? '[redacted]' : summarizeInput(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

export type AuditEntry = Omit<AuditLogDoc, '_id' | 'at' | 'day' | 'actorEmail'> & { at?: Date };

/** Append one entry. Audit writes never break the action they describe; failures are logged loudly. */
export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  const at = entry.at ?? new Date();
  try {
    const r = await collections.auditLogs(db).insertOne({
      ...entry,
      actorEmail: entry.actor?.email?.toLowerCase() ?? '',
      input: entry.input === undefined ? undefined : summarizeInput(entry.input),
      at,
      day: dayKey(at),
    });
    // this instance's cached audit pages at once (other instances: when the event below reaches them)
    invalidate(db, 'audit_logs');
    // The live audit feed: a pointer only (the page refetches through audit.list, with its own checks).
    publishQuietly(db, { type: 'audit', permission: 'audit.read', data: { id: String(r.insertedId), action: entry.action, result: entry.result, at } });
  } catch (e) {
    console.error('[audit] could not write audit entry', entry.action, e);
  }
}
