/**
 * Compaction of analytics_user_days (compact.ts) must not change a single number: every metric is
 * computed on generated data before and after (and in the states a crashed run leaves), and compared.
 * Seeded: COMPACT_SEED=n replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { ingestEvents } from './ingest';
import { activeUsers, atRisk, featureUsage, homeSummary, lifecycle, retention, stickiness } from './service';
import { clearAnalyticsCache } from './cache';
import { builtinRole } from '../permissions';
import { readMemberDay, rebuildRollup, ROLLUP } from './rollup';
import { compactDay, compactRollup } from './compact';

const SEED = Number(process.env.COMPACT_SEED ?? Math.floor(Math.random() * 1e9));
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestDb;
const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const DAYS = 40;
const NOW = new Date(START + (DAYS - 1) * DAY + 20 * 3600_000); // the last generated day is "today"
const NAMES = ['app.opened', 'page.viewed', 'session.booked', 'blog.read'];
const members: ObjectId[] = [];

async function metrics() {
  clearAnalyticsCache();
  const role = builtinRole('super_admin');
  const from = '2026-03-01';
  const to = '2026-04-09';
  const out: Record<string, unknown> = {};
  for (const interval of ['day', 'week', 'month'] as const) {
    for (const event of [null, 'session.booked']) {
      const r = { from, to, interval, event };
      out[`au-${interval}-${event}`] = await activeUsers(t.db, r);
      out[`lc-${interval}-${event}`] = await lifecycle(t.db, r);
      out[`st-${interval}-${event}`] = await stickiness(t.db, r);
      out[`fu-${interval}-${event}`] = await featureUsage(t.db, r);
    }
    for (const mode of ['first_time', 'recurring'] as const)
      for (const criterion of ['on', 'on_or_after'] as const)
        out[`ret-${interval}-${mode}-${criterion}`] = await retention(t.db, { from, to, interval, event: null, mode, criterion });
  }
  out.atRisk = await atRisk(t.db, { asOf: '2026-04-09', event: null, sort: 'score', dir: 'desc', page: 1, pageSize: 200 }, role);
  out.home = await homeSummary(t.db, NOW);
  return JSON.parse(JSON.stringify(out)) as unknown;
}

const rollupDocs = () => t.db.collection(ROLLUP).countDocuments({});

beforeAll(async () => {
  t = await openTestDb('ancompact');
  const rand = rng(SEED);
  for (let i = 0; i < 40; i++) {
    const _id = new ObjectId();
    members.push(_id);
    await t.db
      .collection('users')
      .insertOne({ _id, name: `M${i}`, email: `m${i}@example.com`, status: 'active', createdAt: new Date(START - 10 * DAY + Math.floor(rand() * 45) * DAY) });
  }
  // Many small batches, each drained at once: several parts per day, member-days split across them.
  let n = 0;
  const batch = async (count: number) => {
    const events = Array.from({ length: count }, () => ({
      eventId: `e${n++}`,
      userId: members[Math.floor(rand() * members.length)]!.toHexString(),
      name: NAMES[Math.floor(rand() * NAMES.length)]!,
      ts: new Date(START + Math.floor(rand() * DAYS * DAY)).toISOString(),
    }));
    await ingestEvents(t.db, events, { now: NOW, checkUsers: false });
  };
  for (let i = 0; i < 12; i++) await batch(60);
  // Some member-day documents (a rebuild's shape) beside the parts that follow.
  await rebuildRollup(t.db);
  for (let i = 0; i < 12; i++) await batch(60);
}, 120_000);
afterAll(() => t.drop());

describe(`analytics compaction (COMPACT_SEED=${SEED})`, () => {
  it('folds past days into one set per day and changes no metric; today is left alone; a re-run does nothing', async () => {
    const before = await metrics();
    const docsBefore = await rollupDocs();
    const todayKey = NOW.toISOString().slice(0, 10);
    const todayBefore = await t.db.collection(ROLLUP).countDocuments({ d: todayKey });
    const r = await compactRollup(t.db, NOW);
    expect(r.docsBefore).toBe(docsBefore);
    expect(r.days).toBe(DAYS - 1);
    expect(r.docsAfter).toBeLessThan(docsBefore);
    // one manifest (chunk 0) per past day at this size, today untouched
    expect(await t.db.collection(ROLLUP).countDocuments({ d: { $lt: todayKey } })).toBe(DAYS - 1);
    expect(await t.db.collection(ROLLUP).countDocuments({ d: todayKey })).toBe(todayBefore);
    expect(await metrics()).toEqual(before);
    const again = await compactRollup(t.db, NOW);
    expect(again).toMatchObject({ days: 0, memberDays: 0, leftovers: 0, docsAfter: r.docsAfter });
  }, 120_000);

  it('a late part of a compacted day counts beside the set and is folded in by the next run', async () => {
    const day = '2026-03-05';
    const u = members[0]!.toHexString();
    const prior = await readMemberDay(t.db, u, day);
    await ingestEvents(t.db, [{ eventId: 'late-1', userId: u, name: 'blog.read', ts: `${day}T10:00:00Z` }], { now: NOW, checkUsers: false });
    const withLate = await metrics();
    expect((await readMemberDay(t.db, u, day))?.n).toBe((prior?.n ?? 0) + 1);
    expect(await t.db.collection(ROLLUP).countDocuments({ d: day })).toBe(2);
    const r = await compactRollup(t.db, NOW);
    expect(r.days).toBe(1);
    expect(await t.db.collection(ROLLUP).countDocuments({ d: day })).toBe(1);
    expect(await metrics()).toEqual(withLate);
  }, 120_000);

  it('is crash-safe: a manifest written without its deletes, or chunks without a manifest, read the same and a re-run cleans up', async () => {
    const day = '2026-03-07';
    await ingestEvents(t.db, [{ eventId: 'late-2', userId: members[1]!.toHexString(), name: 'app.opened', ts: `${day}T08:00:00Z` }], {
      now: NOW,
      checkUsers: false,
    });
    const expected = await metrics();
    // Crash after the manifest: the old set and the late part are still there, replaced.
    await expect(compactDay(t.db, day, undefined, { crashAfterManifest: true })).rejects.toThrow('simulated crash');
    expect(await t.db.collection(ROLLUP).countDocuments({ d: day })).toBe(3);
    expect(await metrics()).toEqual(expected);
    // A set whose manifest was never written (crash before chunk 0): ignored.
    await t.db.collection(ROLLUP).insertOne({
      _id: `c|${day}|${new ObjectId().toHexString()}|1` as never,
      d: day,
      w: '2026-W10',
      m: '2026-03',
      c: 'orphan',
      p: JSON.stringify([[members[2]!.toHexString(), 99, { 'app:opened': 99 }]]),
    });
    expect(await metrics()).toEqual(expected);
    const r = await compactRollup(t.db, NOW);
    expect(r).toMatchObject({ days: 1, memberDays: 0, leftovers: 3 });
    expect(await t.db.collection(ROLLUP).countDocuments({ d: day })).toBe(1);
    expect(await metrics()).toEqual(expected);
  }, 120_000);
});
