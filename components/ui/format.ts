/**
 * The one place where numbers, sizes, durations and dates become text. Every date is shown in one format,
 * in UTC ("2026-11-30 10:41 UTC"), so two operators in different time zones read the same thing.
 */
export type DateInput = Date | string | number | null | undefined;

function toDate(d: DateInput): Date | null {
  if (d === null || d === undefined || d === '') return null;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? null : date;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-30" (UTC). "—" when missing or invalid. */
export function formatDay(d: DateInput): string {
  const date = toDate(d);
  if (!date) return '—';
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** "2026-11-30 10:41 UTC". "—" when missing or invalid. */
export function formatDate(d: DateInput): string {
  const date = toDate(d);
  if (!date) return '—';
  return `${formatDay(date)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** "2026-11-30 10:41:07 UTC": the exact time, for tooltips. */
export function formatDateExact(d: DateInput): string {
  const date = toDate(d);
  if (!date) return '—';
  return `${formatDay(date)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}

const numberFormat = new Intl.NumberFormat('en-US');

/** "1,234,567"; "—" for null/undefined/NaN. */
export function formatNumber(n: number | null | undefined, opts?: { maximumFractionDigits?: number }): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (opts) return new Intl.NumberFormat('en-US', opts).format(n);
  return numberFormat.format(n);
}

/** "12.5%" from a ratio (0.125). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
/** "512 B", "1.5 MB" (powers of 1024). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const s = u === 0 ? String(Math.round(v)) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  return `${n < 0 ? '-' : ''}${s} ${UNITS[u]}`;
}

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const totalS = Math.round(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return totalS % 60 ? `${m} min ${totalS % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** "just now", "5 min ago", "in 3 h", "4 days ago"; beyond 30 days the day itself. */
export function relativeTime(d: DateInput, now: number | Date = Date.now()): string {
  const date = toDate(d);
  if (!date) return '—';
  const nowMs = now instanceof Date ? now.getTime() : now;
  const diff = nowMs - date.getTime();
  const future = diff < 0;
  const s = Math.round(Math.abs(diff) / 1000);
  const say = (x: string) => (future ? `in ${x}` : `${x} ago`);
  if (s < 10) return 'just now';
  if (s < 60) return say(`${s} s`);
  const m = Math.round(s / 60);
  if (m < 60) return say(`${m} min`);
  const h = Math.round(m / 60);
  if (h < 48) return say(`${h} h`);
  const days = Math.round(h / 24);
  if (days <= 30) return say(`${days} days`);
  return formatDay(date);
}
