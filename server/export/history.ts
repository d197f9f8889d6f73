import type { Db } from 'mongodb';
import { collections } from '../db/collections';
import { EXPORT_ACTION } from './service';

export interface ExportHistoryItem {
  id: string;
  at: Date;
  collection: string;
  label: string | null;
  format: string | null;
  rows: number | null;
  outcome: string;
  result: string;
  query: unknown;
  columns: string[] | null;
}

/** The operator's last 50 exports, read from the audit log. */
export async function recentExports(db: Db, adminId: string): Promise<ExportHistoryItem[]> {
  const docs = await collections.auditLogs(db).find({ 'actor.id': adminId, action: EXPORT_ACTION }).sort({ at: -1, _id: -1 }).limit(50).toArray();
  return docs.map((d) => {
    const input = (d.input ?? {}) as { format?: string; filter?: unknown; columns?: string[] };
    const details = (d.details ?? {}) as { rows?: number; outcome?: string };
    return {
      id: String(d._id),
      at: d.at,
      collection: d.target?.id ?? '',
      label: d.target?.label ?? null,
      format: input.format ?? null,
      rows: details.rows ?? null,
      outcome: details.outcome ?? (d.result === 'denied' ? 'denied' : d.result),
      result: d.result,
      query: input.filter ?? null,
      columns: Array.isArray(input.columns) ? input.columns : null,
    };
  });
}
