/**
 * CSV and JSON encoding of export rows (pure). CSV via csv-stringify: one header row,
 * RFC 4180 quoting, CRLF line ends, dates ISO-8601 UTC, arrays and objects JSON-encoded,
 * and cells starting with = + - @ tab or CR neutralised against formula injection
 * (csv-stringify's `escape_formulas` prefixes them with a single quote; negative numbers stay numbers).
 */
import { stringify } from 'csv-stringify/sync';
import { ObjectId } from 'mongodb';

export const UTF8_BOM = '\uFEFF';

/** One value as a CSV cell. */
export function cellValue(v: unknown): string | number | boolean {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (v instanceof ObjectId) return v.toHexString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v, (_k, x) => (x instanceof ObjectId ? x.toHexString() : x));
}

const CSV_OPTS = { escape_formulas: true, record_delimiter: 'windows', cast: { boolean: (b: boolean) => (b ? 'true' : 'false') } } as const;

export function csvHeader(columns: string[]): string {
  return stringify([columns], CSV_OPTS);
}

/** Rows (already flattened to `columns` order) as CSV text. */
export function csvRows(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '';
  return stringify(
    rows.map((r) => columns.map((c) => cellValue(r[c]))),
    CSV_OPTS,
  );
}

/** One row as JSON: dates ISO (JSON.stringify does it), ObjectIds hex, only the chosen columns. */
export function jsonRow(row: Record<string, unknown>, columns: string[]): string {
  const o: Record<string, unknown> = {};
  for (const c of columns) o[c] = row[c] ?? null;
  return JSON.stringify(o, (_k, x) => (x instanceof ObjectId ? x.toHexString() : x));
}
