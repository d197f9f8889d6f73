/**
 * CSV and JSON encoding of export rows (pure). CSV cells come from the shared encoder in
 * `server/csv.ts` (RFC 4180 quoting including bare CR/LF, CRLF line ends, dates ISO-8601 UTC,
 * arrays and objects JSON-encoded, cells starting with = + - @ tab or CR prefixed with a single
 * quote; negative numbers stay numbers).
 */
import { ObjectId } from 'mongodb';
import { cellValue, csvLine, UTF8_BOM } from '../csv';

export { cellValue, UTF8_BOM };

export function csvHeader(columns: string[]): string {
  return csvLine(columns);
}

/** Rows (already flattened to `columns` order) as CSV text. */
export function csvRows(rows: Record<string, unknown>[], columns: string[]): string {
  let out = '';
  for (const r of rows) out += csvLine(columns.map((c) => r[c]));
  return out;
}

/** One row as JSON: dates ISO (JSON.stringify does it), ObjectIds hex, only the chosen columns. */
export function jsonRow(row: Record<string, unknown>, columns: string[]): string {
  const o: Record<string, unknown> = {};
  for (const c of columns) o[c] = row[c] ?? null;
  return JSON.stringify(o, (_k, x) => (x instanceof ObjectId ? x.toHexString() : x));
}
