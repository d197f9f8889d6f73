/**
 * Property test: on random data, every service agrees with a brute-force computation over the
 * raw stored events (ts only, no rollup, no bucket fields). Random time-zone offsets on input
 * timestamps, members with no activity, members active only before the range, members with
 * activity after the range, random event filters and intervals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { createRng, type Rng } from '../lib/prng';
import { dayKey, isoWeekKey, monthKey } from '../lib/buckets';
import { ingestEvents } from './ingest';
import { clearAnalyticsCache } from './cache';
import { activeUsers, atRisk, featureUsage, lifecycle, retention, stickiness } from './service';
import { builtinRole } from '../permissions';
import { DAY_ACTIVE, DAY_EVENT_ACTIVE, ROLLUP } from './rollup';
import { ROLLUP_QUEUE } from './queue';
import { DAY_COUNTS } from './day-counts';

const DAY = 86_400_000;
type Interval = 'day' | 'week' | 'month';
const keyOf = (d: number, i: Interval) => (i === 'day' ? dayKey : i === 'week' ? isoWeekKey : monthKey)(new Date(d * DAY));
const dayOf = (ts: Date) => Math.floor(ts.getTime() / DAY);
const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const NAMES = ['app.opened', 'page.viewed', 'blog.read', 'session.booked'] as const;

function isoWithOffset(t: number, offsetMin: number): string {
  const local = new Date(t + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

interface Raw {
  u: string;
  name: string;
  day: number;
}

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('anprop');
});
afterAll(() => t.drop());

async function generate(rng: Rng, rangeFrom: number, rangeTo: number) {
  await Promise.all(['users', 'activity_events', ROLLUP, DAY_ACTIVE, DAY_EVENT_ACTIVE, DAY_COUNTS, ROLLUP_QUEUE].map((c) => t.db.collection(c).deleteMany({})));
  clearAnalyticsCache();
  const users: Array<{ _id: ObjectId; createdAt: Date }> = [];
  const events: Array<Record<string, unknown>> = [];
  const n = rng.int(25, 45);
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const kind = rng.weighted([
      ['normal', 6],
      ['never', 1],
      ['before', 1],
      ['after', 1],
    ] as const);
    const signup = rng.timeBetween((rangeFrom - 120) * DAY, (rangeTo + 1) * DAY);
    const u = { _id: new ObjectId(), createdAt: new Date(signup) };
    users.push(u);
    if (kind === 'never') continue;
    const lo = kind === 'after' ? rangeTo + 1 : Math.max(dayOf(u.createdAt), rangeFrom - 110);
    const hi = kind === 'before' ? rangeFrom - 1 : rangeTo + 10;
    if (hi < lo) continue;
    const count = rng.int(1, 25);
    for (let k = 0; k < count; k++) {
      const ts = rng.timeBetween(lo * DAY, (hi + 1) * DAY);
      const offset = rng.pick([-720, -480, -300, -210, 0, 60, 330, 345, 540, 840]);
      events.push({ eventId: `p-${seq++}`, userId: u._id.toHexString(), name: rng.pick(NAMES), ts: isoWithOffset(ts, offset) });
    }
  }
  await t.db.collection('users').insertMany(users);
  for (let i = 0; i < events.length; i += 500) {
    const res = await ingestEvents(t.db, events.slice(i, i + 500), { now: new Date((rangeTo + 30) * DAY) });
    expect(res.rejected).toEqual([]);
  }
  // Brute force reads the raw events back and buckets ts itself.
  const raw: Raw[] = (await t.db.collection('activity_events').find({}).toArray()).map((e) => ({
    u: (e.userId as ObjectId).toHexString(),
    name: e.name as string,
    day: dayOf(e.ts as Date),
  }));
  const signup = new Map(users.map((u) => [u._id.toHexString(), dayOf(u.createdAt)]));
  return { raw, signup };
}

function daysOfKey(key: string, interval: Interval, around: number): number[] {
  const out: number[] = [];
  for (let d = around - 70; d <= around + 200; d++) if (keyOf(d, interval) === key) out.push(d);
  return out;
}

const CASES = Array.from({ length: 9 }, (_, i) => ({ seed: 1000 + i, interval: (['day', 'week', 'month'] as const)[i % 3], filtered: i % 2 === 1 }));

describe('services agree with brute force over raw events', () => {
  for (const c of CASES) {
    it(`seed ${c.seed}, ${c.interval}${c.filtered ? ', event blog.read' : ''}`, async () => {
      const rng = createRng(c.seed);
      const base = Math.floor(Date.UTC(2026, 2, 1) / DAY) + rng.int(0, 60);
      const span = c.interval === 'day' ? rng.int(5, 20) : c.interval === 'week' ? rng.int(20, 50) : rng.int(50, 120);
      const from = base;
      const to = base + span;
      const { raw: all, signup } = await generate(rng, from, to);
      const event = c.filtered ? 'blog.read' : null;
      const raw = event ? all.filter((e) => e.name === event) : all;
      const input = { from: keyOf(from, 'day'), to: keyOf(to, 'day'), interval: c.interval, event };
      const usersWhere = (pred: (e: Raw) => boolean) => new Set(raw.filter(pred).map((e) => e.u));

      // --- active users
      const au = await activeUsers(t.db, input);
      const keys = au.points.map((p) => p.period);
      expect(keys[0]).toBe(keyOf(from, c.interval));
      expect(keys.at(-1)).toBe(keyOf(to, c.interval));
      for (const p of au.points) {
        const days = daysOfKey(p.period, c.interval, from);
        const end = Math.max(...days);
        const dauSum = days.reduce((s, d) => s + usersWhere((e) => e.day === d).size, 0);
        const mau = usersWhere((e) => e.day >= end - 29 && e.day <= end).size;
        expect(p).toEqual({
          period: p.period,
          active: usersWhere((e) => keyOf(e.day, c.interval) === p.period).size,
          dau: r2(dauSum / days.length),
          wau: usersWhere((e) => e.day >= end - 6 && e.day <= end).size,
          mau,
          stickiness: mau ? r4(dauSum / days.length / mau) : 0,
        });
      }

      // --- retention, all four variants
      const activeIn = (u: string, k: string) => raw.some((e) => e.u === u && keyOf(e.day, c.interval) === k);
      for (const mode of ['first_time', 'recurring'] as const) {
        for (const criterion of ['on', 'on_or_after'] as const) {
          const r = await retention(t.db, { ...input, mode, criterion });
          expect(r.rows.map((x) => x.cohort)).toEqual(keys);
          keys.forEach((ck, ci) => {
            const members =
              mode === 'first_time'
                ? [...signup].filter(([, d]) => keyOf(d, c.interval) === ck).map(([u]) => u)
                : [...new Set(raw.filter((e) => keyOf(e.day, c.interval) === ck).map((e) => e.u))];
            const row = r.rows[ci]!;
            expect(row.size, `${mode} ${criterion} ${ck} size`).toBe(members.length);
            keys.forEach((_, k) => {
              if (ci + k >= keys.length) return expect(row.cells[k]).toBeNull();
              const targets = criterion === 'on' ? [keys[ci + k]!] : keys.slice(ci + k);
              const count = members.filter((u) => targets.some((tk) => activeIn(u, tk))).length;
              expect(row.cells[k]!.count, `${mode} ${criterion} ${ck} +${k}`).toBe(count);
            });
          });
        }
      }

      // --- lifecycle
      const lc = await lifecycle(t.db, input);
      const prevKey = keyOf(Math.min(...daysOfKey(keys[0]!, c.interval, from)) - 1, c.interval);
      const lkeys = [prevKey, ...keys];
      const everyone = new Set(raw.map((e) => e.u));
      lc.points.forEach((p, i) => {
        const cur = lkeys[i + 1]!;
        const prev = lkeys[i]!;
        const exp = { period: cur, new: 0, returning: 0, resurrecting: 0, dormant: 0 };
        for (const u of everyone) {
          const a = activeIn(u, cur);
          const b = activeIn(u, prev);
          const s = signup.get(u);
          if (a && s !== undefined && keyOf(s, c.interval) === cur) exp.new++;
          else if (a && b) exp.returning++;
          else if (a) exp.resurrecting++;
          else if (b) exp.dormant--;
        }
        expect(p).toEqual(exp);
      });

      // --- stickiness
      const st = await stickiness(t.db, input);
      const hist = new Map<number, number>();
      for (const u of everyone) {
        const n = keys.filter((k) => activeIn(u, k)).length;
        if (n) hist.set(n, (hist.get(n) ?? 0) + 1);
      }
      expect(st.rows.map((r) => r.members)).toEqual(keys.map((_, i) => hist.get(i + 1) ?? 0));

      // --- feature usage
      const checkFeatureUsage = async (raw: Raw[]) => {
        const fu = await featureUsage(t.db, input);
        const inRange = raw.filter((e) => keys.includes(keyOf(e.day, c.interval)));
        fu.series.forEach((s, i) => {
          const evs = raw.filter((e) => keyOf(e.day, c.interval) === keys[i]);
          const byName: Record<string, number> = {};
          for (const e of evs) byName[e.name] = (byName[e.name] ?? 0) + 1;
          const members = new Set(evs.map((e) => e.u)).size;
          const memberDays = new Set(evs.map((e) => `${e.u}|${e.day}`)).size;
          expect(s.total).toBe(evs.length);
          expect(s.byName).toEqual(byName);
          expect(s.activeMembers).toBe(members);
          expect(s.bookingsPerActive).toBe(members ? r4((byName['session.booked'] ?? 0) / members) : 0);
          expect(s.activeDaysPerActive).toBe(members ? r4(memberDays / members) : 0);
        });
        const rangeMembers = new Set(inRange.map((e) => e.u)).size;
        const top = [...new Set(inRange.map((e) => e.name))]
          .map((name) => {
            const evs = inRange.filter((e) => e.name === name);
            const members = new Set(evs.map((e) => e.u)).size;
            return { name, events: evs.length, members, memberShare: r4(members / rangeMembers) };
          })
          .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
        expect(fu.top).toEqual(top);
      };
      await checkFeatureUsage(raw);
      // --- at-risk, as of the range end
      const ar = await atRisk(t.db, { asOf: input.to, event, sort: 'score', dir: 'desc', page: 1, pageSize: 200 }, builtinRole('super_admin'));
      const expected: Array<[string, number]> = [];
      for (const u of everyone) {
        const days = new Set(raw.filter((e) => e.u === u && e.day <= to && e.day >= to - 89).map((e) => e.day));
        const prev = [...days].filter((d) => d >= to - 59 && d <= to - 30).length;
        const recent = [...days].filter((d) => d >= to - 29).length;
        if (prev < 2 || recent >= prev) continue;
        const score = Math.round(50 * (Math.min(to - Math.max(...days), 30) / 30) + 50 * ((prev - recent) / prev));
        if (score >= 40) expected.push([u, score]);
      }
      expect(ar.rows.map((r) => [r.userId, r.score]).sort()).toEqual(expected.sort());
      // Late events of days already counted: the stored day counts (day-counts.ts) must not keep the old figures.
      const late = Array.from({ length: rng.int(5, 40) }, (_, k) => {
        const d = rng.int(from, to);
        return {
          eventId: `late-${c.seed}-${k}`,
          userId: rng.pick(raw.length ? raw : all).u,
          name: rng.pick(NAMES),
          ts: new Date(d * DAY + rng.int(0, DAY - 1)).toISOString(),
        };
      });
      expect((await ingestEvents(t.db, late, { now: new Date((to + 30) * DAY) })).rejected).toEqual([]);
      const lateRaw = late.map((e) => ({ u: e.userId, name: e.name, day: dayOf(new Date(e.ts)) }));
      await checkFeatureUsage([...raw, ...(event ? lateRaw.filter((e) => e.name === event) : lateRaw)]);
    }, 60_000);
  }
});
