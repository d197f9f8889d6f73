/**
 * The one CSV encoder of the product (pure): every CSV file the app writes (search exports,
 * audit-log exports, analytics tables) goes through `csvCell` / `csvLine` / `csvTable`.
 *
 * - Quoting (RFC 4180): a cell containing a double quote, a comma, a CR or an LF is wrapped in
 *   double quotes and its quotes doubled. A bare CR or LF is quoted too (the csv-stringify setup this replaced, with
 *   `record_delimiter: 'windows'` only quoted a full CRLF, so "ok\n=cmd" started a new row whose
 *   first cell was a live formula).
 * - Formula injection: a text cell starting with = + - @ tab or CR is prefixed with a single quote,
 *   so spreadsheets show it as text. Numbers are numbers (-5 stays -5); only strings are prefixed.
 * - Lines end with CRLF.
 */
import { ObjectId } from 'mongodb';

export const UTF8_BOM = '\uFEFF';
export const CSV_EOL = '\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A value as the plain text of a cell (before neutralising and quoting); numbers stay numbers. */
export function cellValue(v: unknown): string | number | boolean {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (v instanceof ObjectId) return v.toHexString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v, (_k, x) => (x instanceof ObjectId ? x.toHexString() : x));
}

/** One value as an encoded CSV cell: formula-neutralised text, quoted when RFC 4180 needs it. */
export function csvCell(v: unknown): string {
  const c = cellValue(v);
  if (typeof c === 'number') return String(c);
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  let s = c;
  // JSON-encoded arrays/objects start with [ or {, so only strings can start a formula.
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, CRLF-terminated. */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',') + CSV_EOL;
}

/** Several records (rows of cells), each CRLF-terminated. */
export function csvTable(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const r of rows) out += csvLine(r);
  return out;
}
