/**
 * Stored event counts per day (day-counts.ts): equal to the rollup they are derived from, reused while no writer
 * touched the day, and never kept stale: each writer of the rollup (the drain, compaction, a rebuild) drops them,
 * and a count added up while a writer touched the day is answered but not stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { ingestEvents } from './ingest';
import { clearDayCounts, countDaysFromRollup, DAY_COUNTS, invalidateDayCounts, readDayCounts } from './day-counts';
import { rebuildRollup, ROLLUP } from './rollup';
import { compactRollup } from './compact';
import { MAINTENANCE_JOBS } from '../maintenance/jobs';

let t: TestDb;
const DAY = 86_400_000;
const NOW = new Date('2026-03-10T12:00:00Z');
const u1 = new ObjectId();
const u2 = new ObjectId();
let seq = 0;
const ev = (u: ObjectId, name: string, day: string) => ({ eventId: `dc-${seq++}`, userId: u.toHexString(), name, ts: `${day}T10:00:00Z` });
const ingest = async (events: ReturnType<typeof ev>[], now = NOW) =>
  expect((await ingestEvents(t.db, events, { now, checkUsers: false })).rejected).toEqual([]);
const stored = async (day: string) => (await t.db.collection<{ _id: string; agg?: unknown }>(DAY_COUNTS).findOne({ _id: day }))?.agg ?? null;
/** a rollup part written behind the drain's back: only a read that adds the day up again sees it */
const sneakPart = (day: string, u: ObjectId, counts: Record<string, number>) =>
  t.db.collection(ROLLUP).insertOne({
    _id: `p|${day}|${new ObjectId().toHexString()}` as never,
    d: day,
    w: 'w',
    m: 'm',
    p: JSON.stringify([[u.toHexString(), Object.values(counts).reduce((a, b) => a + b, 0), counts]]),
  });

beforeAll(async () => {
  t = await openTestDb('daycounts');
  await t.db.collection('users').insertMany([
    { _id: u1, createdAt: new Date('2026-01-01') },
    { _id: u2, createdAt: new Date('2026-01-01') },
  ]);
});
afterAll(() => t.drop());

describe('stored event counts per day', () => {
  it('equal the rollup, are reused, and each writer of the rollup drops them', async () => {
    await ingest([
      ev(u1, 'app.opened', '2026-03-01'),
      ev(u1, 'app.opened', '2026-03-01'),
      ev(u2, 'blog.read', '2026-03-02'),
      ev(u2, 'app.opened', '2026-03-03'),
    ]);
    const first = await readDayCounts(t.db, '2026-02-28', '2026-03-04');
    expect([...first.keys()]).toEqual(['2026-02-28', '2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    expect(first.get('2026-03-01')).toEqual({ n: 2, e: { 'app:opened': 2 } });
    expect(first.get('2026-03-02')).toEqual({ n: 1, e: { 'blog:read': 1 } });
    expect(first.get('2026-02-28')).toEqual({ n: 0, e: {} });
    expect(Object.fromEntries(first)).toEqual(Object.fromEntries(await countDaysFromRollup(t.db, '2026-02-28', '2026-03-04')));
    expect(await stored('2026-03-01')).toEqual({ n: 2, e: { 'app:opened': 2 } });

    // Reused: a part written without telling anyone is not seen …
    await sneakPart('2026-03-02', u1, { 'page:viewed': 5 });
    expect((await readDayCounts(t.db, '2026-03-02', '2026-03-02')).get('2026-03-02')).toEqual({ n: 1, e: { 'blog:read': 1 } });
    // … until the day is invalidated, as every writer does.
    await invalidateDayCounts(t.db, ['2026-03-02']);
    expect(await stored('2026-03-02')).toBeNull();
    expect((await readDayCounts(t.db, '2026-03-02', '2026-03-02')).get('2026-03-02')).toEqual({ n: 6, e: { 'blog:read': 1, 'page:viewed': 5 } });

    // The drain: a late event of a stored day.
    await ingest([ev(u2, 'session.booked', '2026-03-01')]);
    expect(await stored('2026-03-01')).toBeNull();
    expect((await readDayCounts(t.db, '2026-03-01', '2026-03-01')).get('2026-03-01')).toEqual({ n: 3, e: { 'app:opened': 2, 'session:booked': 1 } });

    // Compaction: the same numbers, the compacted days recomputed from the set.
    const before = Object.fromEntries(await readDayCounts(t.db, '2026-02-28', '2026-03-04'));
    expect((await compactRollup(t.db, NOW)).days).toBeGreaterThan(0);
    expect(await stored('2026-03-01')).toBeNull();
    expect(Object.fromEntries(await readDayCounts(t.db, '2026-02-28', '2026-03-04'))).toEqual(before);

    // A rebuild from the events: the sneaked part is gone, and so are the stored counts.
    await rebuildRollup(t.db);
    expect(await t.db.collection(DAY_COUNTS).countDocuments({})).toBe(0);
    expect((await readDayCounts(t.db, '2026-03-02', '2026-03-02')).get('2026-03-02')).toEqual({ n: 1, e: { 'blog:read': 1 } });
  });

  it('a count added up while a writer touched the day is answered but not stored', async () => {
    await clearDayCounts(t.db);
    const got = await readDayCounts(t.db, '2026-03-03', '2026-03-03', {
      beforeStore: async () => {
        await sneakPart('2026-03-03', u1, { 'message:sent': 4 });
        await invalidateDayCounts(t.db, ['2026-03-03']);
      },
    });
    expect(got.get('2026-03-03')).toEqual({ n: 1, e: { 'app:opened': 1 } });
    expect(await stored('2026-03-03')).toBeNull();
    expect((await readDayCounts(t.db, '2026-03-03', '2026-03-03')).get('2026-03-03')).toEqual({ n: 5, e: { 'app:opened': 1, 'message:sent': 4 } });
    expect(await stored('2026-03-03')).toEqual({ n: 5, e: { 'app:opened': 1, 'message:sent': 4 } });
    // A removal of everything (a rebuild) between the read and the store: a new placeholder is not the one read.
    await invalidateDayCounts(t.db, ['2026-03-03']);
    await readDayCounts(t.db, '2026-03-03', '2026-03-03', {
      beforeStore: async () => {
        await clearDayCounts(t.db);
        await readDayCounts(t.db, '2026-03-04', '2026-03-04'); // another reader's placeholders
        await t.db.collection(DAY_COUNTS).insertOne({ _id: '2026-03-03' as never, t: new ObjectId().toHexString() });
      },
    });
    expect(await stored('2026-03-03')).toBeNull();
  });

  it('the compaction job stores the counts of the last 100 days', async () => {
    await clearDayCounts(t.db);
    const r = (await MAINTENANCE_JOBS['analytics-compaction'].run(t.db, NOW)) as { dayCounts: number };
    expect(r.dayCounts).toBe(100);
    const days = await t.db.collection<{ _id: string; agg?: unknown }>(DAY_COUNTS).find({}).toArray();
    expect(days.filter((d) => d.agg)).toHaveLength(100);
    expect(days.map((d) => d._id).sort()[99]).toBe(new Date(NOW.getTime() - DAY).toISOString().slice(0, 10));
  });
});
