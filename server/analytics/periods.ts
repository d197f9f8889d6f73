/**
 * UTC day indexes and period (day / ISO week / month) arithmetic for analytics.
 * A day index is the number of whole UTC days since 1970-01-01; all bucketing is UTC.
 */
import { dayKey, isoWeekKey, monthKey } from '../lib/buckets';

export type Interval = 'day' | 'week' | 'month';
export const DAY_MS = 86_400_000;

export function dayIndexOfKey(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD day: ${day}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function dayIndexOfDate(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

export function dayKeyOfIndex(i: number): string {
  return dayKey(new Date(i * DAY_MS));
}

/** The key of the period that contains day `i` ('YYYY-MM-DD', 'YYYY-Www' or 'YYYY-MM'). */
export function periodKeyOfIndex(i: number, interval: Interval): string {
  const d = new Date(i * DAY_MS);
  return interval === 'day' ? dayKey(d) : interval === 'week' ? isoWeekKey(d) : monthKey(d);
}

/** First day index of the period that contains day `i`. */
export function periodStart(i: number, interval: Interval): number {
  if (interval === 'day') return i;
  const d = new Date(i * DAY_MS);
  if (interval === 'week') return i - ((d.getUTCDay() + 6) % 7);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS);
}

/** Last day index of the period that contains day `i`. */
export function periodEnd(i: number, interval: Interval): number {
  if (interval === 'day') return i;
  if (interval === 'week') return periodStart(i, 'week') + 6;
  const d = new Date(i * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS) - 1;
}

export interface Period {
  key: string;
  /** First and last day index (inclusive). */
  start: number;
  end: number;
}

/** The whole periods covering days [from, to] (the range is widened to full periods). */
export function periodsCovering(from: number, to: number, interval: Interval): Period[] {
  const out: Period[] = [];
  for (let s = periodStart(from, interval); s <= to;) {
    const e = periodEnd(s, interval);
    out.push({ key: periodKeyOfIndex(s, interval), start: s, end: e });
    s = e + 1;
  }
  return out;
}

/** Maps a day index to the position of its period in `periods`, or -1 when outside. */
export function periodLocator(periods: Period[]): (day: number) => number {
  if (!periods.length) return () => -1;
  const lo = periods[0]!.start;
  const hi = periods[periods.length - 1]!.end;
  const idx = new Int32Array(hi - lo + 1);
  periods.forEach((p, k) => idx.fill(k, p.start - lo, p.end - lo + 1));
  return (day) => (day < lo || day > hi ? -1 : idx[day - lo]!);
}

/** The period immediately before `p`. */
export function previousPeriod(p: Period, interval: Interval): Period {
  const e = p.start - 1;
  const s = periodStart(e, interval);
  return { key: periodKeyOfIndex(s, interval), start: s, end: e };
}
