/**
 * Analytics queries. Presence metrics read the day → members documents by `_id`, one per day;
 * feature usage adds up stored event counts per day (day-counts.ts, derived from the rollup) and takes its
 * member counts from the same day → members documents. Then
 * the definitions in compute.ts apply. Results are cached briefly (cache.ts), keyed by database,
 * query and input.
 */
import { ObjectId, type Db } from 'mongodb';
import { can, type ResolvedRole } from '../permissions';
import { maskDoc } from '../registry';
import { AppError } from '../errors';
import { cached } from './cache';
import { memberDirectoryPending, signupsBetweenAsOf } from './members';
import {
  AT_RISK,
  computeActiveUsers,
  computeAtRisk,
  computeFeatureUsage,
  computeLifecycle,
  computeRetention,
  computeStickiness,
  type UserDay,
} from './compute';
import { dayIndexOfDate, dayIndexOfKey, dayKeyOfIndex, periodsCovering, previousPeriod, type Period } from './periods';
import { DAY_ACTIVE, DAY_EVENT_ACTIVE, decodeName, encodeName, readDayMembersIn } from './rollup';
import { readDayCounts } from './day-counts';
import type { AtRiskInput, RangeInput, RetentionInput } from './schema';

// ------------------------------------------------------------------ loading

/**
 * (member, day) pairs with activity (of `event`, if given) on days [from, to], from the day → members
 * documents, fetched by `_id $in` (served from the primary key on both databases; one query per 200 days
 * instead of one per day: 91 days at 100,000 members ~0.2–0.3 s instead of ~0.4–0.6 s).
 */
export async function loadUserDays(db: Db, from: number, to: number, event?: string | null): Promise<UserDay[]> {
  const coll = event ? DAY_EVENT_ACTIVE : DAY_ACTIVE;
  const ids = new Map<string, number>();
  for (let d = from; d <= to; d++) ids.set(event ? `${dayKeyOfIndex(d)}|${encodeName(event)}` : dayKeyOfIndex(d), d);
  const keys = [...ids.keys()];
  const CHUNK = 200;
  const out: UserDay[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const docs = await readDayMembersIn(db, coll, keys.slice(i, i + CHUNK));
    for (const [id, members] of docs) {
      const d = ids.get(id);
      if (d !== undefined) for (const u of members) out.push({ u, d });
    }
  }
  return out;
}

/**
 * Distinct members per event name over days [from, to], from the day → members documents of each (day, name)
 * that has events (`dayCounts`), fetched by `_id $in` (served from the primary key).
 */
async function loadNameMembers(db: Db, from: number, to: number, dayCounts: ReadonlyMap<number, Record<string, number>>): Promise<Map<string, number>> {
  const ids: string[] = [];
  for (let d = from; d <= to; d++) for (const [name, c] of Object.entries(dayCounts.get(d) ?? {})) if (c) ids.push(`${dayKeyOfIndex(d)}|${encodeName(name)}`);
  const sets = new Map<string, Set<string>>();
  const CHUNK = 500;
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
  for (let i = 0; i < chunks.length; i += 4) {
    const got = await Promise.all(chunks.slice(i, i + 4).map((c) => readDayMembersIn(db, DAY_EVENT_ACTIVE, c)));
    for (const [id, members] of got.flatMap((m) => [...m])) {
      const name = decodeName(id.slice(id.indexOf('|') + 1));
      let set = sets.get(name);
      if (!set) sets.set(name, (set = new Set()));
      for (const u of members) set.add(u);
    }
  }
  return new Map([...sets].map(([name, set]) => [name, set.size]));
}

/**
 * Signup day of the members created on days [from, to] (users.createdAt, UTC), and `asOf`: null, or the time
 * up to which the sign-ups are known when a fresh process still answers from the stored member directory
 * snapshot while it catches up (members.ts); results carry it as `signupsAsOf`.
 */
export const loadSignups = signupsBetweenAsOf;

function rangePeriods(input: { from: string; to: string; interval: RangeInput['interval'] }): Period[] {
  return periodsCovering(dayIndexOfKey(input.from), dayIndexOfKey(input.to), input.interval);
}

function norm<T extends { event?: string | null }>(input: T): T {
  return { ...input, event: input.event ?? null };
}

// ------------------------------------------------------------------ metrics

export async function activeUsers(db: Db, input: RangeInput) {
  return cached(db, 'activeUsers', norm(input), async () => {
    const periods = rangePeriods(input);
    const lo = periods[0]!.start - 29;
    const hi = periods[periods.length - 1]!.end;
    const pairs = await loadUserDays(db, lo, hi, input.event);
    return { interval: input.interval, from: dayKeyOfIndex(periods[0]!.start), to: dayKeyOfIndex(hi), points: computeActiveUsers(pairs, periods) };
  });
}

export async function retention(db: Db, input: RetentionInput) {
  return cached(db, 'retention', norm(input), async () => {
    const periods = rangePeriods(input);
    const lo = periods[0]!.start;
    const hi = periods[periods.length - 1]!.end;
    const [pairs, signups] = await Promise.all([
      loadUserDays(db, lo, hi, input.event),
      input.mode === 'first_time' ? loadSignups(db, lo, hi) : Promise.resolve({ signups: new Map<string, number>(), asOf: null }),
    ]);
    const table = computeRetention(pairs, signups.signups, periods, input.mode, input.criterion);
    return {
      interval: input.interval,
      mode: input.mode,
      criterion: input.criterion,
      from: dayKeyOfIndex(lo),
      to: dayKeyOfIndex(hi),
      ...table,
      signupsAsOf: signups.asOf,
    };
  });
}

export async function lifecycle(db: Db, input: RangeInput) {
  return cached(db, 'lifecycle', norm(input), async () => {
    const periods = rangePeriods(input);
    const prev = previousPeriod(periods[0]!, input.interval);
    const hi = periods[periods.length - 1]!.end;
    const [pairs, signups] = await Promise.all([loadUserDays(db, prev.start, hi, input.event), loadSignups(db, prev.start, hi)]);
    return {
      interval: input.interval,
      from: dayKeyOfIndex(periods[0]!.start),
      to: dayKeyOfIndex(hi),
      points: computeLifecycle(pairs, signups.signups, periods, prev),
      signupsAsOf: signups.asOf,
    };
  });
}

export async function stickiness(db: Db, input: RangeInput) {
  return cached(db, 'stickiness', norm(input), async () => {
    const periods = rangePeriods(input);
    const lo = periods[0]!.start;
    const hi = periods[periods.length - 1]!.end;
    const pairs = await loadUserDays(db, lo, hi, input.event);
    return { interval: input.interval, from: dayKeyOfIndex(lo), to: dayKeyOfIndex(hi), periodCount: periods.length, ...computeStickiness(pairs, periods) };
  });
}

export async function featureUsage(db: Db, input: RangeInput) {
  return cached(db, 'featureUsage', norm(input), async () => {
    const periods = rangePeriods(input);
    const lo = periods[0]!.start;
    const hi = periods[periods.length - 1]!.end;
    const wanted = input.event ? encodeName(input.event) : null;
    const countsRead = readDayCounts(db, dayKeyOfIndex(lo), dayKeyOfIndex(hi)).then((stored) => {
      const byDay = new Map<number, Record<string, number>>();
      for (const [key, c] of stored) {
        const byName: Record<string, number> = {};
        for (const [k, n] of Object.entries(c.e)) if (!wanted || k === wanted) byName[decodeName(k)] = (byName[decodeName(k)] ?? 0) + n;
        byDay.set(dayIndexOfKey(key), byName);
      }
      return byDay;
    });
    // The members of each name are read beside the day → members documents, not after them.
    const [dayCounts, pairs, perName] = await Promise.all([
      countsRead,
      loadUserDays(db, lo, hi, input.event),
      input.event ? null : countsRead.then((byDay) => loadNameMembers(db, lo, hi, byDay)),
    ]);
    // With an event filter the pairs are that event's members: its distinct members are the range's.
    const nameMembers = perName ?? new Map([[input.event!, new Set(pairs.map((p) => p.u)).size]]);
    return { interval: input.interval, from: dayKeyOfIndex(lo), to: dayKeyOfIndex(hi), ...computeFeatureUsage(pairs, dayCounts, nameMembers, periods) };
  });
}

export interface AtRiskRow {
  userId: string;
  name: string;
  email: string;
  city: string;
  status: string;
  lastActiveDay: string;
  recencyDays: number;
  previousDays: number;
  recentDays: number;
  frequency90: number;
  score: number;
}

async function atRiskScores(db: Db, asOf: string, event: string | null | undefined) {
  return cached(db, 'atRiskScores', { asOf, event: event ?? null }, async () => {
    const a = dayIndexOfKey(asOf);
    return computeAtRisk(await loadUserDays(db, a - 89, a, event), a);
  });
}

type AtRiskScore = Awaited<ReturnType<typeof atRiskScores>>[number];

/** A row from its scores alone; the member's details are filled in by withDetails. */
function scoreRow(s: AtRiskScore): AtRiskRow {
  return {
    userId: s.u,
    name: '',
    email: '',
    city: '',
    status: '',
    lastActiveDay: dayKeyOfIndex(s.lastActiveDay),
    recencyDays: s.recencyDays,
    previousDays: s.previousDays,
    recentDays: s.recentDays,
    frequency90: s.frequency90,
    score: s.score,
  };
}

/** Fills in name, email, city and status of each row from `users` (personal fields masked unless permitted). */
async function withDetails(db: Db, rows: AtRiskRow[], role: ResolvedRole): Promise<AtRiskRow[]> {
  const details = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < rows.length; i += 5_000) {
    const ids = rows.slice(i, i + 5_000).map((r) => new ObjectId(r.userId));
    const users = await db
      .collection('users')
      .find({ _id: { $in: ids } }, { projection: { name: 1, email: 1, city: 1, status: 1 } })
      .toArray();
    for (const u of users) details.set((u._id as ObjectId).toHexString(), u);
  }
  const personal = can(role, 'data.personal.read');
  for (const r of rows) {
    const u = maskDoc('users', details.get(r.userId) ?? { name: '(deleted member)', email: '', city: '', status: '' }, personal);
    r.name = String(u.name ?? '');
    r.email = String(u.email ?? '');
    r.city = String(u.city ?? '');
    r.status = String(u.status ?? '');
  }
  return rows;
}

/** Sorts rows by the chosen column, then score (highest first), then member id. */
function sortAtRisk(rows: AtRiskRow[], input: Pick<AtRiskInput, 'sort' | 'dir'>): AtRiskRow[] {
  const dir = input.dir === 'asc' ? 1 : -1;
  const key = input.sort;
  return rows.sort((a, b) => {
    const c = key === 'name' ? a.name.localeCompare(b.name) : a[key] - b[key];
    return c !== 0 ? c * dir : b.score - a.score || (a.userId < b.userId ? -1 : 1);
  });
}

/** Every at-risk member, sorted, with member details (personal fields masked unless permitted). */
export async function atRiskAll(db: Db, input: Omit<AtRiskInput, 'page' | 'pageSize'>, role: ResolvedRole): Promise<AtRiskRow[]> {
  const scores = await atRiskScores(db, input.asOf, input.event);
  return sortAtRisk(await withDetails(db, scores.map(scoreRow), role), input);
}

/**
 * One page of at-risk members. Sorted by a score column, the page is chosen from the scores and only its
 * members' details are read (at 100,000 members: a page instead of every at-risk member's, ~1 s on the
 * embedded database); sorted by name, every member's name is needed first.
 */
export async function atRisk(db: Db, input: AtRiskInput, role: ResolvedRole) {
  const start = (input.page - 1) * input.pageSize;
  let total: number;
  let rows: AtRiskRow[];
  if (input.sort === 'name') {
    const all = await atRiskAll(db, input, role);
    total = all.length;
    rows = all.slice(start, start + input.pageSize);
  } else {
    const scores = await atRiskScores(db, input.asOf, input.event);
    total = scores.length;
    rows = await withDetails(db, sortAtRisk(scores.map(scoreRow), input).slice(start, start + input.pageSize), role);
  }
  return {
    asOf: input.asOf,
    total,
    page: input.page,
    pageSize: input.pageSize,
    rows,
    rules: { ...AT_RISK },
  };
}

// ------------------------------------------------------------------ home summary

/** The dashboard widget: 30-day DAU sparkline, last complete weekly cohort's week-1 retention, at-risk count. */
export async function homeSummary(db: Db, now = new Date()) {
  const today = dayIndexOfDate(now);
  const au = await activeUsers(db, { from: dayKeyOfIndex(today - 29), to: dayKeyOfIndex(today), interval: 'day', event: null });
  // The last cohort whose week 1 is complete: the week before last.
  const thisWeek = periodsCovering(today, today, 'week')[0]!;
  const cohortStart = thisWeek.start - 14;
  // Without a usable stored member directory a fresh process scans every member (~25 s at 100,000): the tile
  // answers with the rest and "computing…" for the cohort, and is refreshed when the directory is ready.
  const cohortPending = await memberDirectoryPending(db);
  const ret = cohortPending
    ? null
    : await retention(db, {
        from: dayKeyOfIndex(cohortStart),
        to: dayKeyOfIndex(thisWeek.start - 1),
        interval: 'week',
        event: null,
        mode: 'first_time',
        criterion: 'on',
      });
  const row = ret?.rows[0];
  const scores = await atRiskScores(db, dayKeyOfIndex(today), null);
  return {
    dau: au.points.map((p) => ({ day: p.period, dau: p.dau })),
    cohort: row ? { week: row.cohort, size: row.size, week1: row.cells[1] ?? null } : null,
    atRiskCount: scores.length,
    /** the cohort is not computed yet: the member directory is being built (no usable snapshot at start) */
    cohortPending,
    /** null, or when the cohort's sign-ups were last known (answered from the stored member directory while it catches up) */
    cohortAsOf: ret?.signupsAsOf ?? null,
  };
}

export function assertRange(input: { from: string; to: string }) {
  if (input.from > input.to) throw new AppError('BAD_REQUEST', '"from" must not be after "to".');
}
