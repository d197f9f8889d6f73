import { describe, it, expect } from 'vitest';
import { buckets, bucketsCache, dayKey, isoWeek, isoWeekKey, monthKey } from './buckets';

const utc = (s: string) => new Date(`${s}Z`);

describe('dayKey', () => {
  it('formats the UTC calendar day', () => {
    expect(dayKey(utc('2026-03-07T12:00:00'))).toBe('2026-03-07');
    expect(dayKey(utc('2026-01-01T00:00:00'))).toBe('2026-01-01');
    expect(dayKey(utc('2025-12-31T23:59:59.999'))).toBe('2025-12-31');
  });

  it('uses UTC, not the local time zone', () => {
    // 23:30 in IST on 1 March is still 1 March; 04:00 IST on 2 March is 1 March UTC.
    expect(dayKey(new Date('2026-03-02T04:00:00+05:30'))).toBe('2026-03-01');
    expect(dayKey(new Date('2026-03-01T23:30:00-05:00'))).toBe('2026-03-02');
  });

  it('handles leap days', () => {
    expect(dayKey(utc('2024-02-29T10:00:00'))).toBe('2024-02-29');
  });

  it('rejects invalid dates', () => {
    expect(() => dayKey(new Date('nope'))).toThrow(RangeError);
    expect(() => isoWeekKey(new Date(NaN))).toThrow(RangeError);
    expect(() => monthKey(new Date(NaN))).toThrow(RangeError);
  });
});

describe('monthKey', () => {
  it('formats the UTC month with zero padding', () => {
    expect(monthKey(utc('2026-01-31T23:59:59'))).toBe('2026-01');
    expect(monthKey(utc('2026-02-01T00:00:00'))).toBe('2026-02');
    expect(monthKey(utc('2025-12-15T08:00:00'))).toBe('2025-12');
    expect(monthKey(new Date('2026-01-01T02:00:00+05:30'))).toBe('2025-12');
  });
});

describe('isoWeekKey', () => {
  const cases: Array<[string, string]> = [
    // Week 1 starting in the previous calendar year
    ['2024-12-29', '2024-W52'], // Sunday
    ['2024-12-30', '2025-W01'], // Monday
    ['2024-12-31', '2025-W01'],
    ['2025-01-01', '2025-W01'],
    ['2025-01-05', '2025-W01'], // Sunday
    ['2025-01-06', '2025-W02'], // Monday
    // Week 53 spilling into the next calendar year
    ['2020-12-31', '2020-W53'],
    ['2021-01-01', '2020-W53'],
    ['2021-01-03', '2020-W53'], // Sunday
    ['2021-01-04', '2021-W01'], // Monday
    // 2026: 1 Jan is a Thursday → week 1 starts Mon 2025-12-29
    ['2025-12-28', '2025-W52'],
    ['2025-12-29', '2026-W01'],
    ['2026-01-01', '2026-W01'],
    ['2026-01-04', '2026-W01'],
    ['2026-01-05', '2026-W02'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    // Years where 1 January is a Friday/Saturday/Sunday belong to the previous ISO year
    ['2016-01-01', '2015-W53'],
    ['2022-01-01', '2021-W52'],
    ['2023-01-01', '2022-W52'],
    ['2023-01-02', '2023-W01'],
    // Leap year / mid-year sanity
    ['2024-02-29', '2024-W09'],
    ['2026-06-15', '2026-W25'],
    ['2015-12-31', '2015-W53'],
  ];

  it.each(cases)('%s → %s', (day, expected) => {
    expect(isoWeekKey(utc(`${day}T00:00:00`))).toBe(expected);
    expect(isoWeekKey(utc(`${day}T23:59:59.999`))).toBe(expected);
  });

  it('is Monday-based in UTC', () => {
    // Sunday 23:59 UTC and Monday 00:00 UTC are in different weeks.
    expect(isoWeekKey(utc('2026-03-01T23:59:59.999'))).toBe('2026-W09');
    expect(isoWeekKey(utc('2026-03-02T00:00:00'))).toBe('2026-W10');
    // Monday 02:00 IST is still Sunday in UTC.
    expect(isoWeekKey(new Date('2026-03-02T02:00:00+05:30'))).toBe('2026-W09');
  });

  it('agrees with a brute-force reference over several years', () => {
    // Reference: count Mondays. Week 1 contains 4 January.
    const ref = (t: number): string => {
      const d = new Date(t);
      const dow = (d.getUTCDay() + 6) % 7;
      const monday = t - dow * 86_400_000;
      const year = new Date(monday + 3 * 86_400_000).getUTCFullYear();
      const jan4 = Date.UTC(year, 0, 4);
      const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
      const week = Math.round((monday - week1Monday) / (7 * 86_400_000)) + 1;
      return `${year}-W${String(week).padStart(2, '0')}`;
    };
    const start = Date.UTC(2014, 11, 1);
    const end = Date.UTC(2031, 1, 1);
    for (let t = start; t < end; t += 86_400_000) {
      expect(isoWeekKey(new Date(t + 43_200_000))).toBe(ref(t));
    }
  });

  it('exposes numeric year/week', () => {
    expect(isoWeek(utc('2021-01-03T12:00:00'))).toEqual({ year: 2020, week: 53 });
  });
});

describe('buckets', () => {
  it('returns all three keys', () => {
    expect(buckets(utc('2024-12-30T18:45:00'))).toEqual({
      day: '2024-12-30',
      week: '2025-W01',
      month: '2024-12',
    });
    expect(buckets(utc('2021-01-03T00:00:00'))).toEqual({
      day: '2021-01-03',
      week: '2020-W53',
      month: '2021-01',
    });
  });

  it('keys sort chronologically', () => {
    const a = buckets(utc('2025-12-31T00:00:00'));
    const b = buckets(utc('2026-01-01T00:00:00'));
    expect(a.day < b.day).toBe(true);
    expect(a.month < b.month).toBe(true);
    expect(a.week <= b.week).toBe(true);
  });
});

describe('bucketsCache', () => {
  it('gives what buckets gives, for every time of day, across year and ISO-week boundaries and before 1970', () => {
    const cached = bucketsCache(8); // small: the memo starts over many times
    const starts = ['2020-12-27', '2021-01-03', '2024-02-28', '2024-12-29', '2026-06-30', '1969-12-30'];
    for (const s of starts) {
      const t0 = Date.parse(`${s}T00:00:00Z`);
      for (let t = t0; t < t0 + 5 * 86_400_000; t += 3_599_999) {
        const d = new Date(t);
        expect(cached(d)).toEqual(buckets(d));
      }
    }
    expect(cached(utc('2024-12-30T23:59:59.999'))).toEqual({ day: '2024-12-30', week: '2025-W01', month: '2024-12' });
  });

  it('refuses an invalid date as buckets does', () => {
    expect(() => bucketsCache()(new Date(NaN))).toThrow(RangeError);
  });
});
