/**
 * The metric definitions, as pure functions over (member, active day) pairs.
 *
 * The services load the pairs from the per-member-per-day rollup; the property tests
 * feed the same functions' brute-force twins with pairs derived from raw events.
 * Day indexes are UTC days since the epoch (see periods.ts).
 */
import { periodLocator, type Interval, type Period } from './periods';

/** One member active on one UTC day (after the event filter). */
export interface UserDay {
  u: string;
  d: number;
}

function byUser(pairs: readonly UserDay[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const p of pairs) {
    let a = m.get(p.u);
    if (!a) m.set(p.u, (a = []));
    a.push(p.d);
  }
  for (const a of m.values()) a.sort((x, y) => x - y);
  return m;
}

// ------------------------------------------------------------------ active users

export interface ActiveUsersPoint {
  period: string;
  /** Distinct members active in the period. */
  active: number;
  /** Mean daily active members over the period's days. */
  dau: number;
  /** Distinct members active in the 7 days ending on the period's last day (PostHog's WAU). */
  wau: number;
  /** Distinct members active in the 30 days ending on the period's last day (PostHog's MAU). */
  mau: number;
  /** dau / mau (0 when mau is 0). */
  stickiness: number;
}

/** Pairs must cover [periods[0].start - 29, last period end]. */
export function computeActiveUsers(pairs: readonly UserDay[], periods: readonly Period[]): ActiveUsersPoint[] {
  if (!periods.length) return [];
  const lo = periods[0]!.start - 29;
  const hi = periods[periods.length - 1]!.end;
  const n = hi - lo + 1;
  const dau = new Float64Array(n);
  const wauDiff = new Float64Array(n + 1);
  const mauDiff = new Float64Array(n + 1);
  const activeIn = new Float64Array(periods.length);
  const locate = periodLocator([...periods]);
  for (const days of byUser(pairs).values()) {
    let lastW = -1; // last index (exclusive end) already covered for the 7-day window
    let lastM = -1;
    let lastP = -1;
    for (const d of days) {
      if (d < lo || d > hi) continue;
      const i = d - lo;
      dau[i]! += 1;
      // The member counts in the rolling window of every day in [i, i + W - 1]; merge overlaps.
      const ws = Math.max(i, lastW);
      const we = Math.min(n, i + 7);
      if (we > ws) {
        wauDiff[ws]! += 1;
        wauDiff[we]! -= 1;
        lastW = we;
      }
      const ms = Math.max(i, lastM);
      const me = Math.min(n, i + 30);
      if (me > ms) {
        mauDiff[ms]! += 1;
        mauDiff[me]! -= 1;
        lastM = me;
      }
      const p = locate(d);
      if (p >= 0 && p !== lastP) {
        activeIn[p]! += 1;
        lastP = p;
      }
    }
  }
  const wau = new Float64Array(n);
  const mau = new Float64Array(n);
  let w = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    w += wauDiff[i]!;
    m += mauDiff[i]!;
    wau[i] = w;
    mau[i] = m;
  }
  return periods.map((p, k) => {
    let sum = 0;
    for (let d = p.start; d <= p.end; d++) sum += dau[d - lo]!;
    const avg = sum / (p.end - p.start + 1);
    const e = p.end - lo;
    return {
      period: p.key,
      active: activeIn[k]!,
      dau: round2(avg),
      wau: wau[e]!,
      mau: mau[e]!,
      stickiness: mau[e]! > 0 ? round4(avg / mau[e]!) : 0,
    };
  });
}

// ------------------------------------------------------------------ retention

export type RetentionMode = 'first_time' | 'recurring';
export type RetentionCriterion = 'on' | 'on_or_after';

export interface RetentionRow {
  cohort: string;
  size: number;
  /** cells[k] = members of the cohort counted in period k, or null when period k is past the range. */
  cells: Array<{ count: number; pct: number } | null>;
}
export interface RetentionTable {
  periods: string[];
  rows: RetentionRow[];
  /** Per column: sum of counts / sum of sizes over the cohorts that reached that column. */
  average: Array<{ count: number; size: number; pct: number } | null>;
}

/**
 * first_time: a member's cohort is the period of their signup (users.createdAt), within the range.
 *   Period 0 counts those active in their signup period (it can be below 100%).
 * recurring: every period in which a member was active starts a cohort of them; period 0 is 100%.
 * on: active in period c+k. on_or_after: active in period c+k or any later period of the range.
 */
export function computeRetention(
  pairs: readonly UserDay[],
  signups: ReadonlyMap<string, number>,
  periods: readonly Period[],
  mode: RetentionMode,
  criterion: RetentionCriterion,
): RetentionTable {
  const P = periods.length;
  const locate = periodLocator([...periods]);
  const active = new Map<string, Uint8Array>();
  for (const p of pairs) {
    const k = locate(p.d);
    if (k < 0) continue;
    let a = active.get(p.u);
    if (!a) active.set(p.u, (a = new Uint8Array(P)));
    a[k] = 1;
  }
  // lastActive[u] = highest period index with activity: "on or after k" == lastActive >= k.
  const sizes = new Float64Array(P);
  const counts: Float64Array[] = periods.map(() => new Float64Array(P));
  const addMember = (c: number, a: Uint8Array | undefined) => {
    sizes[c]! += 1;
    if (!a) return;
    let last = -1;
    for (let k = P - 1; k >= 0; k--)
      if (a[k]) {
        last = k;
        break;
      }
    for (let k = 0; c + k < P; k++) {
      const hit = criterion === 'on' ? a[c + k] === 1 : last >= c + k;
      if (hit) counts[c]![k]! += 1;
    }
  };
  if (mode === 'first_time') {
    for (const [u, day] of signups) {
      const c = locate(day);
      if (c >= 0) addMember(c, active.get(u));
    }
  } else {
    for (const a of active.values()) for (let c = 0; c < P; c++) if (a[c]) addMember(c, a);
  }
  const rows: RetentionRow[] = periods.map((p, c) => ({
    cohort: p.key,
    size: sizes[c]!,
    cells: periods.map((_, k) => (c + k < P ? { count: counts[c]![k]!, pct: sizes[c]! > 0 ? round4(counts[c]![k]! / sizes[c]!) : 0 } : null)),
  }));
  const average = periods.map((_, k) => {
    let count = 0;
    let size = 0;
    for (let c = 0; c + k < P; c++) {
      count += counts[c]![k]!;
      size += sizes[c]!;
    }
    return P - k > 0 ? { count, size, pct: size > 0 ? round4(count / size) : 0 } : null;
  });
  return { periods: periods.map((_, k) => String(k)), rows, average };
}

// ------------------------------------------------------------------ lifecycle

export interface LifecyclePoint {
  period: string;
  new: number;
  returning: number;
  resurrecting: number;
  /** Negative (drawn below zero), as in PostHog. */
  dormant: number;
}

/**
 * PostHog's lifecycle. `periods` is the range; `previous` the period just before it (its
 * activity decides returning / dormant for the first period). Pairs must cover both.
 * new = active in p and signed up in p; returning = active in p and p-1; resurrecting = active
 * in p, not in p-1, signed up before p (or signup unknown); dormant = active in p-1, not in p.
 */
export function computeLifecycle(
  pairs: readonly UserDay[],
  signups: ReadonlyMap<string, number>,
  periods: readonly Period[],
  previous: Period,
): LifecyclePoint[] {
  const all = [previous, ...periods];
  const P = all.length;
  const locate = periodLocator(all);
  const active = new Map<string, Uint8Array>();
  for (const p of pairs) {
    const k = locate(p.d);
    if (k < 0) continue;
    let a = active.get(p.u);
    if (!a) active.set(p.u, (a = new Uint8Array(P)));
    a[k] = 1;
  }
  const out = periods.map((p) => ({ period: p.key, new: 0, returning: 0, resurrecting: 0, dormant: 0 }));
  for (const [u, a] of active) {
    const s = signups.get(u);
    const signupK = s === undefined ? -1 : locate(s);
    for (let k = 1; k < P; k++) {
      const row = out[k - 1]!;
      if (a[k]) {
        if (signupK === k) row.new++;
        else if (a[k - 1]) row.returning++;
        else row.resurrecting++;
      } else if (a[k - 1]) row.dormant--;
    }
  }
  return out;
}

// ------------------------------------------------------------------ stickiness

export interface StickinessRow {
  /** Active on exactly this many periods (days, weeks or months) of the range. */
  periods: number;
  members: number;
  /** Share of the members active at least once in the range. */
  pct: number;
}

export function computeStickiness(pairs: readonly UserDay[], periods: readonly Period[]): { rows: StickinessRow[]; activeMembers: number } {
  const locate = periodLocator([...periods]);
  const seen = new Map<string, Set<number>>();
  for (const p of pairs) {
    const k = locate(p.d);
    if (k < 0) continue;
    let s = seen.get(p.u);
    if (!s) seen.set(p.u, (s = new Set()));
    s.add(k);
  }
  const hist = new Float64Array(periods.length + 1);
  for (const s of seen.values()) hist[s.size]! += 1;
  const total = seen.size;
  const rows: StickinessRow[] = [];
  for (let k = 1; k <= periods.length; k++) rows.push({ periods: k, members: hist[k]!, pct: total ? round4(hist[k]! / total) : 0 });
  return { rows, activeMembers: total };
}

// ------------------------------------------------------------------ feature usage

export interface FeatureUsage {
  /** Events by name per period: series[k] = { period, total, activeMembers, bookingsPerActive, eventsPerActive, activeDaysPerActive, byName }. */
  series: Array<{
    period: string;
    total: number;
    activeMembers: number;
    /** session.booked events per active member. */
    bookingsPerActive: number;
    eventsPerActive: number;
    /** Session frequency: mean number of active days per active member in the period. */
    activeDaysPerActive: number;
    byName: Record<string, number>;
  }>;
  /** Top features over the whole range, most events first. */
  top: Array<{ name: string; events: number; members: number; memberShare: number }>;
  names: string[];
}

export const BOOKING_EVENT = 'session.booked';

/**
 * Feature usage from day-level inputs: `pairs` are the (member, day) pairs with activity (of the filtered event,
 * if any), `dayCounts` the events per day index by name (only the filtered event's, if any), `nameMembers` the
 * distinct members per name over the whole range.
 */
export function computeFeatureUsage(
  pairs: readonly UserDay[],
  dayCounts: ReadonlyMap<number, Record<string, number>>,
  nameMembers: ReadonlyMap<string, number>,
  periods: readonly Period[],
): FeatureUsage {
  const locate = periodLocator([...periods]);
  const series = periods.map((p) => ({ period: p.key, total: 0, members: new Set<string>(), days: 0, byName: {} as Record<string, number> }));
  const rangeMembers = new Set<string>();
  for (const p of pairs) {
    const k = locate(p.d);
    if (k < 0) continue;
    const s = series[k]!;
    s.members.add(p.u);
    s.days++;
    rangeMembers.add(p.u);
  }
  const totals = new Map<string, number>();
  for (const [d, byName] of dayCounts) {
    const k = locate(d);
    if (k < 0) continue;
    const s = series[k]!;
    for (const [name, c] of Object.entries(byName)) {
      if (!c) continue;
      s.total += c;
      s.byName[name] = (s.byName[name] ?? 0) + c;
      totals.set(name, (totals.get(name) ?? 0) + c);
    }
  }
  const top = [...totals.entries()]
    .map(([name, events]) => {
      const members = nameMembers.get(name) ?? 0;
      return { name, events, members, memberShare: rangeMembers.size ? round4(members / rangeMembers.size) : 0 };
    })
    .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
  return {
    series: series.map((s) => {
      const a = s.members.size;
      return {
        period: s.period,
        total: s.total,
        activeMembers: a,
        bookingsPerActive: a ? round4((s.byName[BOOKING_EVENT] ?? 0) / a) : 0,
        eventsPerActive: a ? round4(s.total / a) : 0,
        activeDaysPerActive: a ? round4(s.days / a) : 0,
        byName: s.byName,
      };
    }),
    top,
    names: top.map((t) => t.name),
  };
}

// ------------------------------------------------------------------ at-risk members

export interface AtRiskScore {
  u: string;
  lastActiveDay: number;
  /** Days since the last active day, as of the reference day. */
  recencyDays: number;
  /** Active days in the 30 days before the recent window (days asOf-59 .. asOf-30). */
  previousDays: number;
  /** Active days in the last 30 days (asOf-29 .. asOf). */
  recentDays: number;
  /** Active days in the last 90 days. */
  frequency90: number;
  /** 0..100. */
  score: number;
}

export const AT_RISK = {
  /** Members need this many active days in the previous 30-day window to count as engaged. */
  minPreviousDays: 2,
  /** Members scoring at least this are listed. */
  minScore: 40,
} as const;

/**
 * Score = 50 × recency (days since last activity, capped at 30, ÷ 30)
 *       + 50 × drop (share of the previous window's active days missing in the recent window).
 * Listed: engaged before (≥ 2 active days in days -59..-30), active less in the last 30 days
 * than in the 30 before, and score ≥ 40. Pairs must cover [asOf - 89, asOf].
 */
export function computeAtRisk(pairs: readonly UserDay[], asOf: number): AtRiskScore[] {
  const out: AtRiskScore[] = [];
  for (const [u, days] of byUser(pairs)) {
    let prev = 0;
    let recent = 0;
    let freq = 0;
    let last = -Infinity;
    for (const d of days) {
      if (d > asOf || d < asOf - 89) continue;
      freq++;
      if (d > last) last = d;
      if (d >= asOf - 29) recent++;
      else if (d >= asOf - 59) prev++;
    }
    if (prev < AT_RISK.minPreviousDays || recent >= prev) continue;
    const recency = asOf - last;
    const drop = (prev - recent) / prev;
    const score = Math.round(50 * (Math.min(recency, 30) / 30) + 50 * drop);
    if (score < AT_RISK.minScore) continue;
    out.push({ u, lastActiveDay: last, recencyDays: recency, previousDays: prev, recentDays: recent, frequency90: freq, score });
  }
  return out.sort((a, b) => b.score - a.score || b.recencyDays - a.recencyDays || (a.u < b.u ? -1 : 1));
}

function round2(x: number) {
  return Math.round(x * 100) / 100;
}
function round4(x: number) {
  return Math.round(x * 10_000) / 10_000;
}

export type { Interval };
