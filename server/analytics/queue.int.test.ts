import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { bk } from '../backup/model';
import { ingestEvents } from './ingest';
import { DOCS_PER_STEP, drainRollupQueue, queuedBatches, ROLLUP_QUEUE, scheduleDrain } from './queue';
import { DAY_ACTIVE, expandRollupDoc, readDayMembers, readMemberDay, rebuildRollup, ROLLUP } from './rollup';

let t: TestDb;
const NOW = new Date('2026-05-20T12:00:00Z');
const a = new ObjectId().toHexString();
const b = new ObjectId().toHexString();
const ev = (id: string, userId: string, name = 'app.opened', ts = '2026-05-20T09:00:00Z') => ({ eventId: id, userId, name, ts });
const opts = { now: NOW, checkUsers: false, rollup: 'queue' as const };

beforeAll(async () => {
  t = await openTestDb('anqueue');
});
afterAll(() => t.drop());
beforeEach(async () => {
  await Promise.all(['activity_events', ROLLUP, DAY_ACTIVE, ROLLUP_QUEUE, 'backup_locks'].map((c) => t.db.collection(c).deleteMany({})));
});

const rollupOf = (u: string, day = '2026-05-20') => readMemberDay(t.db, u, day);

describe('rollup queue (POST /api/events)', () => {
  it('stores the events at once and folds queued batches into the rollup on drain', async () => {
    const r1 = await ingestEvents(t.db, [ev('q1', a), ev('q2', a, 'blog.read'), ev('q3', b)], opts);
    const r2 = await ingestEvents(t.db, [ev('q4', a), ev('q1', a)], opts);
    expect(r1.accepted + r2.accepted).toBe(4);
    expect(r2.duplicates).toBe(1);
    expect(await t.db.collection('activity_events').countDocuments()).toBe(4);
    expect(await queuedBatches(t.db)).toBe(2);

    const drained = await drainRollupQueue(t.db);
    expect(drained).toEqual({ locked: true, batches: 2, events: 4 });
    expect(await queuedBatches(t.db)).toBe(0);
    expect(await rollupOf(a)).toMatchObject({ n: 3, e: { 'app:opened': 2, 'blog:read': 1 }, w: '2026-W21', m: '2026-05' });
    expect(await rollupOf(b)).toMatchObject({ n: 1, e: { 'app:opened': 1 } });
    expect(new Set(await readDayMembers(t.db, DAY_ACTIVE, '2026-05-20'))).toEqual(new Set([a, b]));
    expect(await t.db.collection('backup_locks').countDocuments()).toBe(0); // lock released
    expect(await drainRollupQueue(t.db)).toEqual({ locked: true, batches: 0, events: 0 });
  });

  it('leaves the queue alone while another instance holds the lock, and takes an expired lock over', async () => {
    await ingestEvents(t.db, [ev('l1', a)], opts);
    const locks = bk.locks(t.db);
    await locks.insertOne({ _id: 'analytics:rollup-queue', owner: 'other', at: new Date(), expiresAt: new Date(Date.now() + 60_000) } as never);
    expect(await drainRollupQueue(t.db)).toEqual({ locked: false, batches: 0, events: 0 });
    expect(await queuedBatches(t.db)).toBe(1);
    expect(await rollupOf(a)).toBeNull();
    await locks.updateOne({ _id: 'analytics:rollup-queue' as never }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    expect(await drainRollupQueue(t.db)).toMatchObject({ locked: true, batches: 1 });
    expect(await rollupOf(a)).toMatchObject({ n: 1 });
  });

  it('a rebuild counts queued events once: it drops the batches whose events it read', async () => {
    await ingestEvents(t.db, [ev('r1', a), ev('r2', a)], opts);
    expect(await queuedBatches(t.db)).toBe(1);
    await rebuildRollup(t.db);
    expect(await queuedBatches(t.db)).toBe(0);
    expect(await rollupOf(a)).toMatchObject({ n: 2 });
    expect(await drainRollupQueue(t.db)).toMatchObject({ batches: 0 });
    expect(await rollupOf(a)).toMatchObject({ n: 2 });
  });

  it('scheduleDrain (what the route calls after storing) drains in the background, coalescing calls', async () => {
    await ingestEvents(t.db, [ev('s1', a)], opts);
    await ingestEvents(t.db, [ev('s2', b)], opts);
    scheduleDrain(t.db);
    scheduleDrain(t.db);
    for (let i = 0; i < 100 && (await queuedBatches(t.db)) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await queuedBatches(t.db)).toBe(0);
    expect(await rollupOf(a)).toMatchObject({ n: 1 });
    expect(await rollupOf(b)).toMatchObject({ n: 1 });
  });

  it('drains a backlog larger than one step (two full steps and 5 batches)', async () => {
    const n = 2 * DOCS_PER_STEP + 5;
    for (let i = 0; i < n; i++)
      await ingestEvents(t.db, [ev(`k${i}`, i % 2 ? a : b, 'app.opened', `2026-05-${String(10 + (i % 5)).padStart(2, '0')}T08:00:00Z`)], opts);
    expect(await queuedBatches(t.db)).toBe(n);
    expect(await drainRollupQueue(t.db)).toEqual({ locked: true, batches: n, events: n });
    const docs = await t.db.collection(ROLLUP).find({}).toArray();
    expect(docs).toHaveLength(15); // 3 steps × 5 days: one part per day and step
    const rows = docs.flatMap((d) => expandRollupDoc(d));
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(n);
    // 2 members × 5 days
    expect(new Set(rows.map((r) => `${r.u}|${r.d}`)).size).toBe(10);
    await rebuildRollup(t.db);
    expect(await t.db.collection(ROLLUP).countDocuments()).toBe(10);
  }, 60_000);
});
