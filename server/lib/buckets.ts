/**
 * Time-bucket keys used by analytics (activity_events.day / week / month).
 *
 * All keys are computed in UTC so that they are stable regardless of the
 * server's time zone:
 *   - day:   'YYYY-MM-DD'
 *   - week:  ISO-8601 week, 'YYYY-Www' (weeks start on Monday; week 1 is the
 *            week containing the year's first Thursday, so the ISO year can
 *            differ from the calendar year around 1 January)
 *   - month: 'YYYY-MM'
 *
 * The keys sort lexicographically in chronological order.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface Buckets {
  day: string;
  week: string;
  month: string;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  // Years outside 0..9999 are not meaningful for this app; keep them readable.
  if (n >= 0 && n < 1000) return String(n).padStart(4, '0');
  return String(n);
}

function assertValid(d: Date): number {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid Date');
  return t;
}

/** 'YYYY-MM-DD' of the UTC calendar day containing `d`. */
export function dayKey(d: Date): string {
  assertValid(d);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** 'YYYY-MM' of the UTC calendar month containing `d`. */
export function monthKey(d: Date): string {
  assertValid(d);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}`;
}

/** ISO week-numbering year and week (1..53) of the UTC day containing `d`. */
export function isoWeek(d: Date): { year: number; week: number } {
  assertValid(d);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const isoDow = (d.getUTCDay() + 6) % 7; // Monday = 0 … Sunday = 6
  // The Thursday of the same ISO week decides the ISO year.
  const thursday = midnight + (3 - isoDow) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / WEEK_MS);
  return { year, week };
}

/** ISO-8601 week key, e.g. '2026-W01'. 2024-12-30 → '2025-W01', 2021-01-03 → '2020-W53'. */
export function isoWeekKey(d: Date): string {
  const { year, week } = isoWeek(d);
  return `${pad4(year)}-W${pad2(week)}`;
}

/** All three bucket keys for `d`. */
export function buckets(d: Date): Buckets {
  return { day: dayKey(d), week: isoWeekKey(d), month: monthKey(d) };
}

/**
 * `buckets` remembered per UTC day (the keys depend on the day alone): for hot paths that bucket many
 * timestamps of a few days, such as an ingestion batch. The answer is shared between calls: read it, never
 * change it. At most `max` days are kept (then it starts over).
 */
export function bucketsCache(max = 1000): (d: Date) => Readonly<Buckets> {
  const memo = new Map<number, Readonly<Buckets>>();
  return (d) => {
    const day = Math.floor(assertValid(d) / DAY_MS);
    let b = memo.get(day);
    if (!b) {
      if (memo.size >= max) memo.clear();
      memo.set(day, (b = Object.freeze(buckets(d))));
    }
    return b;
  };
}
