import { dayIndexOfKey, periodsCovering, type Interval, type Period } from '@/server/analytics/periods';

/**
 * Which periods of a chart are not over yet: a period is incomplete when it ends after the range's last day or
 * on/after today (UTC), so its numbers are partial. Charts draw them dashed and tables mark them.
 */
export function periodIndex(from: string, to: string, interval: Interval, now = Date.now()) {
  const periods = periodsCovering(dayIndexOfKey(from), dayIndexOfKey(to), interval);
  const lastComplete = Math.min(dayIndexOfKey(to), Math.floor(now / 86_400_000) - 1);
  const byKey = new Map<string, number>(periods.map((p, i) => [p.key, i]));
  const incomplete = (p: Period | undefined) => !!p && p.end > lastComplete;
  return {
    periods,
    isIncomplete: (key: string) => incomplete(periods[byKey.get(key) ?? -1]),
    /** Incomplete when the cohort's period + k is not over. */
    isIncompleteAt: (cohortKey: string, k: number) => {
      const i = byKey.get(cohortKey);
      return i === undefined ? false : incomplete(periods[i + k]) || i + k >= periods.length;
    },
  };
}
