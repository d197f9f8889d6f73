/**
 * Each metric on a small hand-built data set, with the expected numbers written out.
 * Events go in through ingestEvents (so bucketing, time zones and the rollup are exercised).
 *
 * Weeks (ISO, UTC): W01 = 2025-12-29..2026-01-04, W02 = 01-05..01-11, W03 = 01-12..01-18,
 * W04 = 01-19..01-25, W05 = 01-26..02-01. Range: 2026-01-05..2026-02-01 (W02..W05).
 *
 *   member signup      active days (UTC)
 *   A      2026-01-05  01-05 (sent as 01-04T20:00-05:00), 01-06, 01-13, 01-27
 *   B      2026-01-07  01-07, 01-20 (session.booked)
 *   C      2026-01-14  01-14, 01-15, 01-21
 *   D      2025-12-01  12-30 (sent as 12-31T01:00+03:00), 01-13, 01-26
 *   E      2026-01-12  never active
 *   F      2025-11-01  12-01 only (before the range)
 *   G      2025-11-15  12-10, 12-15, 12-20, 12-28 (then silent)
 *   H      2025-11-15  12-05, 12-12, 12-19, 12-26, 01-20, 01-22 (slowing down)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { ingestEvents } from './ingest';
import { activeUsers, atRisk, atRiskAll, featureUsage, homeSummary, lifecycle, retention, stickiness } from './service';
import { clearAnalyticsCache } from './cache';
import { builtinRole } from '../permissions';
import { expandRollupDoc, readMemberDay, rebuildRollup, ROLLUP } from './rollup';

let t: TestDb;
const ids: Record<string, ObjectId> = {};
const SIGNUP: Record<string, string> = {
  A: '2026-01-05T09:00:00Z',
  B: '2026-01-07T12:00:00Z',
  C: '2026-01-14T08:00:00Z',
  D: '2025-12-01T10:00:00Z',
  E: '2026-01-12T10:00:00Z',
  F: '2025-11-01T10:00:00Z',
  G: '2025-11-15T10:00:00Z',
  H: '2025-11-15T11:00:00Z',
};
const ACTIVITY: Array<[string, string, string?]> = [
  ['A', '2026-01-04T20:00:00-05:00'],
  ['A', '2026-01-06T10:00:00Z'],
  ['A', '2026-01-06T11:00:00Z', 'page.viewed'],
  ['A', '2026-01-13T10:00:00Z'],
  ['A', '2026-01-27T10:00:00Z'],
  ['B', '2026-01-07T13:00:00Z'],
  ['B', '2026-01-20T10:00:00Z', 'session.booked'],
  ['C', '2026-01-14T09:00:00Z'],
  ['C', '2026-01-15T09:00:00Z'],
  ['C', '2026-01-21T23:59:59Z'],
  ['D', '2025-12-31T01:00:00+03:00'],
  ['D', '2026-01-13T10:00:00Z'],
  ['D', '2026-01-26T10:00:00Z'],
  ['F', '2025-12-01T10:00:00Z'],
  ['G', '2025-12-10T10:00:00Z'],
  ['G', '2025-12-15T10:00:00Z'],
  ['G', '2025-12-20T10:00:00Z'],
  ['G', '2025-12-28T10:00:00Z'],
  ['H', '2025-12-05T10:00:00Z'],
  ['H', '2025-12-12T10:00:00Z'],
  ['H', '2025-12-19T10:00:00Z'],
  ['H', '2025-12-26T10:00:00Z'],
  ['H', '2026-01-20T10:00:00Z'],
  ['H', '2026-01-22T10:00:00Z'],
];
const RANGE = { from: '2026-01-05', to: '2026-02-01', interval: 'week' as const, event: null };

beforeAll(async () => {
  t = await openTestDb('analytics');
  for (const [k, at] of Object.entries(SIGNUP)) {
    ids[k] = new ObjectId();
    await t.db
      .collection('users')
      .insertOne({ _id: ids[k], name: `Member ${k}`, email: `${k.toLowerCase()}@example.com`, city: 'Pune', status: 'active', createdAt: new Date(at) });
  }
  const events = ACTIVITY.map(([m, ts, name], i) => ({ eventId: `hb-${i}`, userId: ids[m]!.toHexString(), name: name ?? 'app.opened', ts }));
  const res = await ingestEvents(t.db, events, { now: new Date('2026-02-02T00:00:00Z') });
  expect(res).toMatchObject({ accepted: ACTIVITY.length, duplicates: 0, rejected: [] });
  clearAnalyticsCache();
});
afterAll(() => t.drop());

describe('hand-built data set', () => {
  it('buckets events in UTC whatever the offset they were sent with', async () => {
    const a = await t.db.collection('activity_events').findOne({ eventId: 'hb-0' });
    expect(a).toMatchObject({ day: '2026-01-05', week: '2026-W02', month: '2026-01' });
    const d = await t.db.collection('activity_events').findOne({ eventId: 'hb-10' });
    expect(d).toMatchObject({ day: '2025-12-30', week: '2026-W01', month: '2025-12' });
    const roll = await readMemberDay(t.db, ids.A!.toHexString(), '2026-01-06');
    expect(roll).toMatchObject({ n: 2, e: { 'app:opened': 1, 'page:viewed': 1 }, w: '2026-W02' });
  });

  it('active users, weekly', async () => {
    const r = await activeUsers(t.db, RANGE);
    expect(r.points).toEqual([
      { period: '2026-W02', active: 2, dau: 0.43, wau: 2, mau: 5, stickiness: 0.0857 },
      { period: '2026-W03', active: 3, dau: 0.57, wau: 3, mau: 6, stickiness: 0.0952 },
      { period: '2026-W04', active: 3, dau: 0.57, wau: 3, mau: 6, stickiness: 0.0952 },
      { period: '2026-W05', active: 2, dau: 0.29, wau: 2, mau: 5, stickiness: 0.0571 },
    ]);
    // W03: A 13, D 13, C 14, C 15 → 4 member-days / 7; mau at 01-18 (12-20..01-18): A B C D G H = 6.
    // W04: mau at 01-25 (12-27..01-25) still holds G (12-28): 6.
  });

  it('active users, daily, and the event filter', async () => {
    const r = await activeUsers(t.db, { from: '2026-01-13', to: '2026-01-14', interval: 'day', event: null });
    expect(r.points.map((p) => [p.period, p.active, p.wau])).toEqual([
      ['2026-01-13', 2, 3],
      ['2026-01-14', 1, 3],
    ]);
    const booked = await activeUsers(t.db, { ...RANGE, event: 'session.booked' });
    expect(booked.points.map((p) => p.active)).toEqual([0, 0, 1, 0]);
  });

  it('retention, first time, on', async () => {
    const r = await retention(t.db, { ...RANGE, mode: 'first_time', criterion: 'on' });
    expect(r.rows.map((row) => [row.cohort, row.size, row.cells.map((c) => c && c.count)])).toEqual([
      ['2026-W02', 2, [2, 1, 1, 1]],
      ['2026-W03', 2, [1, 1, 0, null]],
      ['2026-W04', 0, [0, 0, null, null]],
      ['2026-W05', 0, [0, null, null, null]],
    ]);
    expect(r.rows[1]!.cells[0]).toEqual({ count: 1, pct: 0.5 });
    expect(r.average.map((a) => a && [a.count, a.size, a.pct])).toEqual([
      [3, 4, 0.75],
      [2, 4, 0.5],
      [1, 4, 0.25],
      [1, 2, 0.5],
    ]);
  });

  it('retention, first time, on or after', async () => {
    const r = await retention(t.db, { ...RANGE, mode: 'first_time', criterion: 'on_or_after' });
    expect(r.rows.slice(0, 2).map((row) => row.cells.map((c) => c && c.count))).toEqual([
      [2, 2, 2, 1],
      [1, 1, 0, null],
    ]);
  });

  it('retention, recurring, on', async () => {
    const r = await retention(t.db, { ...RANGE, mode: 'recurring', criterion: 'on' });
    expect(r.rows.map((row) => [row.size, row.cells.map((c) => c && c.count)])).toEqual([
      [2, [2, 1, 1, 1]],
      [3, [3, 1, 2, null]],
      [3, [3, 0, null, null]],
      [2, [2, null, null, null]],
    ]);
  });

  it('lifecycle (PostHog definitions)', async () => {
    const r = await lifecycle(t.db, RANGE);
    expect(r.points).toEqual([
      { period: '2026-W02', new: 2, returning: 0, resurrecting: 0, dormant: -1 },
      { period: '2026-W03', new: 1, returning: 1, resurrecting: 1, dormant: -1 },
      { period: '2026-W04', new: 0, returning: 1, resurrecting: 2, dormant: -2 },
      { period: '2026-W05', new: 0, returning: 0, resurrecting: 2, dormant: -3 },
    ]);
  });

  it('stickiness by week and by day', async () => {
    const w = await stickiness(t.db, RANGE);
    expect(w.activeMembers).toBe(5);
    expect(w.rows.map((r) => r.members)).toEqual([1, 3, 1, 0]);
    const d = await stickiness(t.db, { ...RANGE, interval: 'day' });
    expect(d.rows.slice(0, 5).map((r) => r.members)).toEqual([0, 3, 1, 1, 0]);
    expect(d.rows).toHaveLength(28);
  });

  it('feature usage', async () => {
    const r = await featureUsage(t.db, RANGE);
    expect(r.series[2]).toMatchObject({ period: '2026-W04', total: 4, activeMembers: 3, bookingsPerActive: 0.3333, activeDaysPerActive: 1.3333 });
    expect(r.series[0]!.byName).toEqual({ 'app.opened': 3, 'page.viewed': 1 });
    expect(r.top[0]).toEqual({ name: 'app.opened', events: 12, members: 5, memberShare: 1 });
    expect(r.top[1]).toMatchObject({ name: 'page.viewed', events: 1, members: 1 });
  });

  it('at-risk members, with personal fields masked for an analyst', async () => {
    const analyst = builtinRole('analyst');
    const r = await atRisk(t.db, { asOf: '2026-02-01', event: null, sort: 'score', dir: 'desc', page: 1, pageSize: 50 }, analyst);
    expect(r.total).toBe(2);
    expect(r.rows.map((x) => [x.name, x.score, x.recencyDays, x.previousDays, x.recentDays, x.frequency90])).toEqual([
      ['••••', 100, 35, 4, 0, 4],
      ['••••', 42, 10, 4, 2, 6],
    ]);
    expect(r.rows[0]!.email).toBe('••••');
    // Sorting by a masked name reveals nothing: every name compares equal, the order is the score's.
    const byName = await atRisk(t.db, { asOf: '2026-02-01', event: null, sort: 'name', dir: 'asc', page: 1, pageSize: 50 }, analyst);
    expect(byName.rows.map((x) => x.score)).toEqual([100, 42]);
    const admin = await atRisk(t.db, { asOf: '2026-02-01', event: null, sort: 'name', dir: 'desc', page: 1, pageSize: 1 }, builtinRole('super_admin'));
    expect(admin.rows).toHaveLength(1);
    expect(admin.rows[0]).toMatchObject({ name: 'Member H', email: 'h@example.com' });
    // sorted by a score column the page is chosen first and only its members' details are read: the same
    // rows as that slice of the whole sorted list
    for (const sort of ['score', 'recencyDays', 'frequency90'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const all = await atRiskAll(t.db, { asOf: '2026-02-01', event: null, sort, dir }, builtinRole('super_admin'));
        expect(all).toHaveLength(2);
        for (let page = 1; page <= all.length; page++) {
          const one = await atRisk(t.db, { asOf: '2026-02-01', event: null, sort, dir, page, pageSize: 1 }, builtinRole('super_admin'));
          expect(one.total).toBe(2);
          expect(one.rows).toEqual(all.slice(page - 1, page));
        }
      }
    }
  });

  it('home summary', async () => {
    const s = await homeSummary(t.db, new Date('2026-01-28T12:00:00Z'));
    expect(s.dau).toHaveLength(30);
    expect(s.dau.at(-2)).toEqual({ day: '2026-01-27', dau: 1 });
    // This week is W05; the last cohort with a complete week 1 is W03: C and E, C active in W04.
    expect(s.cohort).toEqual({ week: '2026-W03', size: 2, week1: { count: 1, pct: 0.5 } });
  });

  it('the rebuilt rollup gives the same results', async () => {
    // Ingestion wrote parts (one per day and batch); the rebuild one document per member-day.
    const byMemberDay = async () => {
      const out = new Map<string, { u: string; d: string; w: string; m: string; n: number; e: Record<string, number> }>();
      for (const r of (await t.db.collection(ROLLUP).find().toArray()).flatMap((doc) => expandRollupDoc(doc))) {
        const key = `${r.u}|${r.d}`;
        const cur = out.get(key) ?? { ...r, n: 0, e: {} as Record<string, number> };
        cur.n += r.n;
        for (const [name, c] of Object.entries(r.e)) cur.e[name] = (cur.e[name] ?? 0) + c;
        out.set(key, cur);
      }
      return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
    };
    const before = await byMemberDay();
    const r = await rebuildRollup(t.db);
    expect(r).toMatchObject({ events: ACTIVITY.length, docs: before.size });
    expect(await t.db.collection(ROLLUP).countDocuments()).toBe(before.size);
    expect(await byMemberDay()).toEqual(before);
  });
});
