/**
 * The member directory's stored snapshot (issue 12, round 6): a fresh process answers from it, says how old
 * its sign-ups are until it has caught up, and then equals a directory built by a scan of `users` (and the
 * analytics computed from it equal those computed from a scan); a snapshot that is stale (epoch moved, too
 * old), foreign (another database, another `users` collection, other members) or damaged is not used.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Binary, ObjectId, type Db } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { clearCaches } from '../db/cache';
import { dayIndexOfDate, dayKeyOfIndex } from './periods';
import {
  forgetMemberDirectory,
  loadSnapshot,
  MEMBER_SNAPSHOT,
  memberDirectory,
  memberDirectoryInfo,
  memberDirectoryOptions,
  memberDirectoryWarm,
  refreshMemberDirectory,
  requestDirectoryReconcile,
  signupsBetweenAsOf,
  storeMemberSnapshot,
} from './members';
import { ingestEvents } from './ingest';
import { clearAnalyticsCache } from './cache';
import { homeSummary, lifecycle, retention } from './service';

let t: TestDb;
let other: TestDb;
const DAY = 86_400_000;
const users = (db: Db = t.db) => db.collection('users');
const snaps = (db: Db = t.db) => db.collection<Record<string, unknown> & { _id: string }>(MEMBER_SNAPSHOT);
const today = dayIndexOfDate(new Date());
const RANGE = { from: dayKeyOfIndex(today - 55), to: dayKeyOfIndex(today), interval: 'week' as const, event: null };

/** Seeded PRNG (mulberry32): a failure names its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.SNAPSHOT_SEED ?? 20261201);

/** The directory a scan of `users` gives: the reference. */
async function bruteForce(db: Db = t.db): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const u of await users(db)
    .find({}, { projection: { createdAt: 1 } })
    .toArray())
    out.set((u._id as ObjectId).toHexString(), u.createdAt instanceof Date ? dayIndexOfDate(u.createdAt) : null);
  return out;
}

function member(createdAt: Date, extra: Record<string, unknown> = {}) {
  return { _id: new ObjectId(), name: 'M', email: `${new ObjectId().toHexString()}@example.com`, status: 'active', createdAt, updatedAt: createdAt, ...extra };
}

/** Results computed from a directory built by a scan (a process without snapshot), for comparison. */
async function fromScan() {
  forgetMemberDirectory(t.db);
  await snaps().deleteMany({});
  clearAnalyticsCache();
  const r = { ret: await retention(t.db, { ...RANGE, mode: 'first_time', criterion: 'on' }), life: await lifecycle(t.db, RANGE) };
  expect(memberDirectoryInfo(t.db)?.source).toBe('scan');
  return r;
}

beforeAll(async () => {
  t = await openTestDb('msnap');
  other = await openTestDb('msnap_other');
  const r = rng(SEED);
  const docs = Array.from({ length: 400 }, () => member(new Date(Date.now() - Math.floor(r() * 70 * DAY))));
  await users().insertMany(docs);
  await users(other.db).insertMany(Array.from({ length: 50 }, () => member(new Date(Date.now() - 30 * DAY))));
  // activity: 1,200 events of random members on random days of the last 60 days
  const events = Array.from({ length: 1_200 }, (_, i) => ({
    eventId: `ms-${i}`,
    userId: docs[Math.floor(r() * docs.length)]!._id.toHexString(),
    name: 'app.opened',
    ts: new Date(Date.now() - Math.floor(r() * 60 * DAY)).toISOString(),
  }));
  for (let i = 0; i < events.length; i += 400) expect((await ingestEvents(t.db, events.slice(i, i + 400))).accepted).toBe(400);
  forgetMemberDirectory(t.db); // ingestion loaded one
});
afterEach(() => {
  memberDirectoryOptions.holdCatchUp = null;
  memberDirectoryOptions.holdScan = null;
  memberDirectoryOptions.catchUpWaitMs = 500;
});
afterAll(async () => {
  forgetMemberDirectory();
  await t.drop();
  await other.drop();
});

describe('member directory snapshot', () => {
  it('a fresh process answers from the stored snapshot, shows its age, and equals a scan once caught up', async () => {
    const r = rng(SEED + 1);
    const stored = await storeMemberSnapshot(t.db);
    expect(stored).toMatchObject({ members: 400, chunks: 1 });
    const head = await snaps().findOne({ _id: 'head' });
    const since = head!.since as Date;

    // written after the snapshot: sign-ups, corrected signup dates (updatedAt set), and one member written with
    // old createdAt and updatedAt (an import that broke the writers' rule): only a scan would see that one
    const fresh = Array.from({ length: 7 }, () => member(new Date(Date.now() - Math.floor(r() * 60_000))));
    await users().insertMany(fresh);
    const moved = await users().find({}).sort({ _id: 1 }).limit(5).toArray();
    for (const m of moved)
      await users().updateOne({ _id: m._id }, { $set: { createdAt: new Date(Date.now() - Math.floor(r() * 50 * DAY)), updatedAt: new Date() } });
    const hidden = member(new Date(Date.now() - 40 * DAY), { updatedAt: new Date(Date.now() - 40 * DAY) });
    await users().insertOne(hidden);

    // a fresh process whose catch-up has not run yet
    forgetMemberDirectory(t.db);
    clearAnalyticsCache();
    clearCaches();
    let release!: () => void;
    memberDirectoryOptions.holdCatchUp = new Promise<void>((res) => (release = res));
    memberDirectoryOptions.catchUpWaitMs = 50;
    await memberDirectoryWarm(t.db); // readiness: settles once the snapshot is in
    const behind = await memberDirectory(t.db);
    expect(memberDirectoryInfo(t.db)).toMatchObject({ source: 'snapshot', size: 400, behindSince: since });
    expect(behind.has(fresh[0]!._id.toHexString())).toBe(false);
    const asOf = await signupsBetweenAsOf(t.db, today - 100, today);
    expect(asOf.asOf).toEqual(since);
    const retBehind = await retention(t.db, { ...RANGE, mode: 'first_time', criterion: 'on' });
    expect(retBehind.signupsAsOf).toEqual(since);
    // the dashboard tile says how old its sign-ups are
    const analyst = await makeAdmin(t.db, 'analyst');
    const tile = await callerFor(t.db, analyst).dashboard.widget({ key: 'analytics' });
    expect(tile.ok).toBe(true);
    if (tile.ok && tile.key === 'analytics') {
      expect(tile.data.cohortAsOf).toEqual(since);
      expect(tile.computedAt!.getTime()).toBe(since.getTime());
    }

    // caught up: equal to a scan, but for the member no incremental refresh can see (proof it was not a scan)
    release();
    await refreshMemberDirectory(t.db); // queued behind the catch-up
    expect(memberDirectoryInfo(t.db)?.behindSince).toBeNull();
    const caught = new Map(await memberDirectory(t.db));
    expect(caught.has(hidden._id.toHexString())).toBe(false);
    await users().deleteOne({ _id: hidden._id });
    expect(caught).toEqual(await bruteForce());

    // what was computed while behind was dropped: the same call now answers from the caught-up directory
    const ret = await retention(t.db, { ...RANGE, mode: 'first_time', criterion: 'on' });
    const life = await lifecycle(t.db, RANGE);
    expect(ret.signupsAsOf).toBeNull();
    expect(life.signupsAsOf).toBeNull();
    const tileAfter = await callerFor(t.db, analyst).dashboard.widget({ key: 'analytics' });
    if (tileAfter.ok && tileAfter.key === 'analytics') expect(tileAfter.data.cohortAsOf).toBeNull();
    // and it equals what a process that scanned the members computes
    const scan = await fromScan();
    expect(ret).toEqual(scan.ret);
    expect(life).toEqual(scan.life);
    expect(ret.rows.reduce((n, row) => n + row.size, 0)).toBeGreaterThan(0);
  });

  it('without a usable snapshot the Engagement tile answers "computing…" for the cohort instead of waiting for the scan', async () => {
    await snaps().deleteMany({});
    forgetMemberDirectory(t.db);
    clearAnalyticsCache();
    clearCaches();
    let release!: () => void;
    memberDirectoryOptions.holdScan = new Promise<void>((res) => (release = res));
    memberDirectoryOptions.catchUpWaitMs = 50;
    const analyst = await makeAdmin(t.db, 'analyst');
    const tile = await callerFor(t.db, analyst).dashboard.widget({ key: 'analytics' });
    expect(tile.ok).toBe(true);
    if (!tile.ok || tile.key !== 'analytics') throw new Error('no tile');
    expect(tile.data).toMatchObject({ cohortPending: true, cohort: null });
    expect(tile.data.dau.length).toBe(30); // the rest of the tile does not need the directory
    expect(memberDirectoryInfo(t.db)).toBeNull();
    // the scan ends: the tile's cached value is dropped and the next load has the cohort
    release();
    await memberDirectory(t.db);
    await new Promise((r) => setTimeout(r, 50)); // the announcement imports two modules
    const after = await callerFor(t.db, analyst).dashboard.widget({ key: 'analytics' });
    if (!after.ok || after.key !== 'analytics') throw new Error('no tile');
    expect(after.data.cohortPending).toBe(false);
    await fromScan();
    const direct = await homeSummary(t.db);
    expect(direct.cohortPending).toBe(false);
    expect(after.data.cohort).toEqual(direct.cohort);
    expect(after.data.cohort).not.toBeNull();
  });

  it('random writes between snapshots: snapshot + catch-up always equals a scan', async () => {
    const r = rng(SEED + 2);
    for (let round = 0; round < 6; round++) {
      await storeMemberSnapshot(t.db);
      const n = 1 + Math.floor(r() * 12);
      for (let i = 0; i < n; i++) {
        const k = r();
        // an import of an older member stamps updatedAt (the writers' rule the incremental refresh relies on)
        if (k < 0.4) await users().insertOne(member(new Date(Date.now() - Math.floor(r() * 90 * DAY)), { updatedAt: new Date() }));
        else if (k < 0.8) {
          const [m] = await users()
            .find({})
            .skip(Math.floor(r() * 300))
            .limit(1)
            .toArray();
          const createdAt = r() < 0.15 ? null : new Date(Date.now() - Math.floor(r() * 90 * DAY));
          await users().updateOne({ _id: m!._id }, { $set: { createdAt, updatedAt: new Date() } });
        } else await users().insertOne(member(new Date(Date.now() - Math.floor(r() * 60_000)))); // a sign-up
      }
      forgetMemberDirectory(t.db);
      await memberDirectory(t.db);
      expect(memberDirectoryInfo(t.db)?.source, `seed ${SEED + 2} round ${round}`).toBe('snapshot');
      await refreshMemberDirectory(t.db);
      expect(new Map(await memberDirectory(t.db)), `seed ${SEED + 2} round ${round}`).toEqual(await bruteForce());
    }
  });

  it('another instance picks up the reconcile from the snapshot it stored instead of scanning', async () => {
    await memberDirectory(t.db);
    // a second process: a fresh copy of the module with directories of its own (they live on globalThis)
    const g = globalThis as unknown as { __acubeMemberDirs?: unknown };
    const ours = g.__acubeMemberDirs;
    delete g.__acubeMemberDirs;
    vi.resetModules();
    const instanceB = await import('./members');
    g.__acubeMemberDirs = ours;
    const gone = (await users().findOne({}, { sort: { _id: -1 } }))!;
    await users().deleteOne({ _id: gone._id });
    const rec = await instanceB.reconcileMemberDirectory(t.db);
    expect(rec.snapshot).toMatchObject({ members: (await bruteForce()).size });
    // this instance: the epoch moved; the snapshot of the new epoch is loaded and caught up (the removed member goes)
    const r = await refreshMemberDirectory(t.db);
    expect(r.mode).toBe('snapshot');
    expect(new Map(await memberDirectory(t.db))).toEqual(await bruteForce());
    instanceB.forgetMemberDirectory();
  });

  describe('a stale, foreign or damaged snapshot is not used', () => {
    const fresh = async () => {
      await storeMemberSnapshot(t.db);
      expect((await loadSnapshot(t.db)).ok).toBe(true);
    };
    const refused = async (reason: RegExp, db: Db = t.db) => {
      const r = await loadSnapshot(db);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
      // a fresh process scans instead
      forgetMemberDirectory(db);
      expect(new Map(await memberDirectory(db))).toEqual(await bruteForce(db));
      expect(memberDirectoryInfo(db)?.source).toBe('scan');
    };

    it('the reconcile epoch moved (a restore of members, a reconcile elsewhere)', async () => {
      await fresh();
      await requestDirectoryReconcile(t.db);
      await refused(/epoch moved/);
    });

    it('older than MEMBER_SNAPSHOT_MAX_AGE_HOURS', async () => {
      await fresh();
      await snaps().updateOne({ _id: 'head' }, { $set: { takenAt: new Date(Date.now() - 37 * 3_600_000) } });
      await refused(/taken \d+ min ago/);
    });

    it('taken of another database', async () => {
      await fresh();
      await snaps(other.db).deleteMany({});
      await snaps(other.db).insertMany(await snaps().find({}).toArray());
      await refused(/another database/, other.db);
    });

    it('of other members, even with the head rewritten to match (sample check)', async () => {
      await fresh();
      await snaps(other.db).deleteMany({});
      await snaps(other.db).insertMany(await snaps().find({}).toArray());
      const [c] = await other.db.listCollections({ name: 'users' }).toArray();
      const uuid = (c as { info?: { uuid?: unknown } }).info?.uuid;
      const epoch = (await other.db.collection('maintenance_state').findOne({ _id: 'member-directory' as never }))?.epoch ?? 0;
      await snaps(other.db).updateOne(
        { _id: 'head' },
        {
          $set: {
            db: other.db.databaseName,
            epoch,
            usersUuid: typeof uuid === 'string' ? uuid.toLowerCase() : uuid instanceof Binary ? Buffer.from(uuid.buffer).toString('hex') : null,
          },
        },
      );
      await refused(/sampled members not found/, other.db);
    });

    it('taken of another users collection (dropped and re-created, as a restore that replaces it)', async () => {
      await fresh();
      const all = await users().find({}).toArray();
      await users().drop();
      await users().insertMany(all);
      await refused(/another users collection/);
    });

    it('contents that do not match the head, a missing chunk, another format', async () => {
      await fresh();
      const named = async () => ((await snaps().findOne({ _id: 'head' }))!.chunks as string[])[0]!;
      const chunk = await snaps().findOne({ _id: await named() });
      const days = Buffer.from((chunk!.days as Binary).buffer);
      days.writeInt32LE(days.readInt32LE(0) + 1, 0);
      await snaps().updateOne({ _id: chunk!._id }, { $set: { days: new Binary(days) } });
      await refused(/do not match/);
      await fresh();
      await snaps().deleteOne({ _id: await named() });
      await refused(/chunk is missing/);
      await fresh();
      await snaps().updateOne({ _id: 'head' }, { $set: { format: 99 } });
      await refused(/format 99/);
    });
  });

  it('a new snapshot replaces the last one: one head, only its chunks', async () => {
    await storeMemberSnapshot(t.db);
    await storeMemberSnapshot(t.db);
    const head = await snaps().findOne({ _id: 'head' });
    const chunks = await snaps()
      .find({ kind: 'chunk' }, { projection: { _id: 1 } })
      .toArray();
    expect(chunks.map((c) => c._id).sort()).toEqual([...(head!.chunks as string[])].sort());
  });
});
