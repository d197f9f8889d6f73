/**
 * An in-process directory of members: id → signup day (UTC). Ingestion checks member ids
 * against it and retention / lifecycle read signup cohorts from it, so no request reads the users
 * collection. About 60 bytes per member: fine up to a few million members.
 *
 * Kept current incrementally (issue 16): after the directory is loaded, every DIRECTORY_REFRESH_MS a
 * refresh reads only the members whose `updatedAt` or `createdAt` is at or after the previous refresh's
 * start minus DIRECTORY_SKEW_MS (both served by the users' `search_updatedAt` / `search_createdAt`
 * indexes), and folds them in. Every write path of the app that changes a member sets `updatedAt`
 * (quality fixes; the platform's own writes are expected to, and new sign-ups carry `createdAt`). What
 * an incremental refresh cannot see (a member removed, a write without `updatedAt`) is corrected by the
 * full reconcile: the maintenance job `member-directory` (daily) bumps a reconcile epoch in
 * `maintenance_state`, and every instance's next refresh sees the new epoch and rebuilds its directory.
 * A restore bumps it too. Ids missing from the directory are looked up directly (new sign-ups between
 * refreshes).
 *
 * Loaded from a stored snapshot (issue 12, round 6): a full scan of the members takes ~25 s at 100,000 on
 * the embedded database, and a fresh process used to make its first retention, lifecycle or dashboard
 * request wait for it. The maintenance job `member-snapshot` (every 10 min, and the daily reconcile)
 * stores the directory in MEMBER_SNAPSHOT: a head document (`_id: 'head'`) naming the database, the
 * `users` collection's UUID, the reconcile epoch, `since` (the refresh mark the directory was current to),
 * the size and a SHA-256 of the contents, and chunks of CHUNK members (ids as 12-byte binaries, signup days
 * as int32). A fresh process loads it (a few `_id` reads) if it is trusted — same format, same database and
 * `users` collection, same epoch, younger than MEMBER_SNAPSHOT_MAX_AGE_HOURS, the hash matches, and a sample
 * of its members is found in `users` with the same signup day — and then catches up incrementally from its
 * `since`, exactly as a periodic refresh does, so once caught up it equals a directory built by a scan. The
 * first request waits at most `catchUpWaitMs` for that catch-up; if it takes longer it is answered from the
 * snapshot, the answer says how old the sign-ups are (`signupsBetweenAsOf`), and when the catch-up ends the
 * analytics results and the dashboard tile computed before are dropped (and the tile refetched). Without a
 * trusted snapshot the directory is built by a scan, as before.
 */
import { createHash } from 'node:crypto';
import { Binary, ObjectId, type Db } from 'mongodb';
import { z } from 'zod';
import { dayIndexOfDate } from './periods';

/** How often the directory is refreshed (incrementally); MEMBER_DIRECTORY_REFRESH_MS, default 60 s. */
export function directoryRefreshMs(): number {
  return z.coerce
    .number()
    .int()
    .min(1_000)
    .max(86_400_000)
    .catch(60_000)
    .parse(process.env.MEMBER_DIRECTORY_REFRESH_MS ?? 60_000);
}
/** A stored snapshot older than this is not used (MEMBER_SNAPSHOT_MAX_AGE_HOURS, default 36: a daily reconcile and then some). */
export function snapshotMaxAgeMs(): number {
  return (
    z.coerce
      .number()
      .min(0.01)
      .max(24 * 365)
      .catch(36)
      .parse(process.env.MEMBER_SNAPSHOT_MAX_AGE_HOURS ?? 36) * 3_600_000
  );
}
/** Overlap of consecutive incremental refreshes: clock differences between writers and this process. */
export const DIRECTORY_SKEW_MS = 2 * 60_000;
/** The stored snapshot (head + chunks). Not backed up (server/backup/model.ts lists what is). */
export const MEMBER_SNAPSHOT = 'analytics_member_snapshot';
export const SNAPSHOT_FORMAT = 1;
/** Members per chunk: 240 KB of ids + 80 KB of days, far below a document's 16 MB. */
export const SNAPSHOT_CHUNK = 20_000;
/** Members of a snapshot looked up in `users` before it is trusted. */
const SNAPSHOT_SAMPLE = 32;
/** A signup day that is unknown (no createdAt). */
const NO_DAY = -0x80000000;
/** Chunks of an abandoned write (no head names them) older than this are removed by the next write. */
const ORPHAN_MS = 60 * 60_000;

/**
 * How long the first request waits for the catch-up of a snapshot before answering from it. Tests only:
 * `holdCatchUp` / `holdScan`: the catch-up / the start-up scan starts once it settles, so a test can look at a
 * directory that is behind or still being built.
 */
export const memberDirectoryOptions: { catchUpWaitMs: number; holdCatchUp: Promise<unknown> | null; holdScan: Promise<unknown> | null } = {
  catchUpWaitMs: 500,
  holdCatchUp: null,
  holdScan: null,
};

const STATE_ID = 'member-directory';
const state = (db: Db) => db.collection<{ _id: string; epoch: number; at: Date }>('maintenance_state');

interface SnapshotHead {
  _id: 'head';
  kind: 'head';
  format: number;
  db: string;
  usersUuid: string | null;
  epoch: number;
  since: Date;
  takenAt: Date;
  size: number;
  sid: string;
  chunks: string[];
  sha256: string;
}
interface SnapshotChunk {
  _id: string;
  kind: 'chunk';
  sid: string;
  i: number;
  at: Date;
  n: number;
  ids: Binary;
  days: Binary;
}
const snapshots = (db: Db) => db.collection<SnapshotHead | SnapshotChunk>(MEMBER_SNAPSHOT);

interface Directory {
  signup: Map<string, number | null>;
  /** members changed at or after this time are read by the next incremental refresh */
  since: Date;
  /** the reconcile epoch this directory was built under */
  epoch: number;
  /** 0 until loaded */
  loadedAt: number;
  /** where the current contents came from */
  source: 'scan' | 'snapshot';
  /** set while the directory is a stored snapshot not caught up yet: the `since` it is complete up to */
  behind: Date | null;
  /** a request was answered while `behind`: drop what was computed from it once caught up */
  servedBehind: boolean;
  /** the first load (snapshot or scan) */
  ready: Promise<void>;
  /** settles once the snapshot was installed or refused (a scan may still be running) */
  snapshotSettled: Promise<void>;
  /** the catch-up of a snapshot */
  catchUp: Promise<void> | null;
  /** refreshes run one at a time (each folds into `signup` and moves `since`) */
  queue: Promise<unknown>;
  refreshing: boolean;
}
// On globalThis: the production server compiles this module into more than one bundle (instrumentation, route
// handlers, pages), and one process must hold one directory (one load, one scan, one catch-up).
const dirs: Map<string, Directory> = ((globalThis as unknown as { __acubeMemberDirs?: Map<string, Directory> }).__acubeMemberDirs ??= new Map());

async function scan(db: Db, filter: Record<string, unknown>, into: Map<string, number | null>): Promise<number> {
  let n = 0;
  const cursor = db.collection('users').find(filter, { projection: { _id: 1, createdAt: 1 }, batchSize: 20_000 });
  for await (const u of cursor) {
    into.set((u._id as ObjectId).toHexString(), u.createdAt instanceof Date ? dayIndexOfDate(u.createdAt) : null);
    n++;
  }
  return n;
}

async function currentEpoch(db: Db): Promise<number> {
  return (await state(db).findOne({ _id: STATE_ID }))?.epoch ?? 0;
}

/** A full scan into a fresh map. */
async function build(db: Db): Promise<{ signup: Map<string, number | null>; since: Date; epoch: number; scanned: number }> {
  const epoch = await currentEpoch(db);
  const since = new Date(Date.now() - DIRECTORY_SKEW_MS);
  const signup = new Map<string, number | null>();
  const scanned = await scan(db, {}, signup);
  return { signup, since, epoch, scanned };
}

/** The members written since `since` (by updatedAt or createdAt), folded into `into`. */
export function changedSince(db: Db, since: Date, into: Map<string, number | null>): Promise<number> {
  return scan(db, { $or: [{ updatedAt: { $gte: since } }, { createdAt: { $gte: since } }] }, into);
}

// ------------------------------------------------------------------ the stored snapshot

/** The `users` collection's UUID (a dropped and re-created or restored collection has a new one); null if absent. */
async function usersUuid(db: Db): Promise<string | null> {
  const [c] = await db.listCollections({ name: 'users' }).toArray();
  const uuid = (c as { info?: { uuid?: unknown } } | undefined)?.info?.uuid;
  if (typeof uuid === 'string') return uuid.toLowerCase();
  if (uuid instanceof Binary) return Buffer.from(uuid.buffer).toString('hex');
  return null;
}

function encodeSnapshot(signup: Map<string, number | null>): { ids: Buffer[]; days: Buffer[]; sha256: string } {
  const ids: Buffer[] = [];
  const days: Buffer[] = [];
  const hash = createHash('sha256');
  const entries = [...signup];
  for (let i = 0; i < entries.length; i += SNAPSHOT_CHUNK) {
    const part = entries.slice(i, i + SNAPSHOT_CHUNK);
    const idBuf = Buffer.from(part.map(([id]) => id).join(''), 'hex');
    const dayBuf = Buffer.alloc(part.length * 4);
    part.forEach(([, d], k) => dayBuf.writeInt32LE(d ?? NO_DAY, k * 4));
    hash.update(idBuf).update(dayBuf);
    ids.push(idBuf);
    days.push(dayBuf);
  }
  return { ids, days, sha256: hash.digest('hex') };
}

/**
 * Stores `snap` as the current snapshot: its chunks first, then the head naming them (replacing the one
 * before, whose chunks are then removed). A reader sees either the old head with its chunks or the new one
 * with its chunks; a write that dies half-way leaves chunks no head names, removed by a later write.
 */
async function writeSnapshot(db: Db, snap: { signup: Map<string, number | null>; since: Date; epoch: number }, now = new Date()) {
  const { ids, days, sha256 } = encodeSnapshot(snap.signup);
  const sid = new ObjectId().toHexString();
  const chunks: SnapshotChunk[] = ids.map((b, i) => ({
    _id: `${sid}|${i}`,
    kind: 'chunk',
    sid,
    i,
    at: now,
    n: b.length / 12,
    ids: new Binary(b),
    days: new Binary(days[i]!),
  }));
  for (const c of chunks) await snapshots(db).insertOne(c);
  const head: SnapshotHead = {
    _id: 'head',
    kind: 'head',
    format: SNAPSHOT_FORMAT,
    db: db.databaseName,
    usersUuid: await usersUuid(db),
    epoch: snap.epoch,
    since: snap.since,
    takenAt: now,
    size: snap.signup.size,
    sid,
    chunks: chunks.map((c) => c._id),
    sha256,
  };
  const prev = (await snapshots(db).findOneAndReplace({ _id: 'head' }, head, { upsert: true, returnDocument: 'before' })) as SnapshotHead | null;
  if (prev?.chunks?.length && prev.sid !== sid) await snapshots(db).deleteMany({ _id: { $in: prev.chunks } });
  const orphans = await snapshots(db).deleteMany({ kind: 'chunk', sid: { $ne: sid }, at: { $lt: new Date(now.getTime() - ORPHAN_MS) } });
  return {
    members: head.size,
    chunks: chunks.length,
    bytes: ids.reduce((n, b) => n + b.length, 0) + days.reduce((n, b) => n + b.length, 0),
    orphans: orphans.deletedCount,
  };
}

type Loaded = { ok: true; signup: Map<string, number | null>; since: Date; epoch: number; takenAt: Date } | { ok: false; reason: string };

/**
 * The stored snapshot, if it may be used for this database now (see the module comment); `reason` says why not.
 * `epoch`: the epoch it must have (default: the current one).
 */
export async function loadSnapshot(db: Db, now = Date.now(), epoch?: number): Promise<Loaded> {
  const head = (await snapshots(db).findOne({ _id: 'head' })) as SnapshotHead | null;
  if (!head) return { ok: false, reason: 'none stored' };
  if (head.format !== SNAPSHOT_FORMAT) return { ok: false, reason: `format ${String(head.format)}` };
  if (head.db !== db.databaseName) return { ok: false, reason: 'taken of another database' };
  if ((epoch ?? (await currentEpoch(db))) !== head.epoch) return { ok: false, reason: 'the reconcile epoch moved since it was taken' };
  if (!(head.takenAt instanceof Date) || !(head.since instanceof Date)) return { ok: false, reason: 'malformed head' };
  const age = now - head.takenAt.getTime();
  if (age > snapshotMaxAgeMs() || age < -DIRECTORY_SKEW_MS) return { ok: false, reason: `taken ${Math.round(age / 60_000)} min ago` };
  if ((await usersUuid(db)) !== head.usersUuid) return { ok: false, reason: 'taken of another users collection' };
  const docs = (await snapshots(db)
    .find({ _id: { $in: head.chunks } })
    .toArray()) as SnapshotChunk[];
  const byId = new Map(docs.map((c) => [c._id, c]));
  const hash = createHash('sha256');
  const signup = new Map<string, number | null>();
  for (const id of head.chunks) {
    const c = byId.get(id);
    if (!c || c.sid !== head.sid) return { ok: false, reason: 'a chunk is missing' };
    const ids = Buffer.from(c.ids.buffer);
    const days = Buffer.from(c.days.buffer);
    if (ids.length % 12 !== 0 || days.length !== (ids.length / 12) * 4) return { ok: false, reason: 'a malformed chunk' };
    hash.update(ids).update(days);
    const hex = ids.toString('hex');
    for (let k = 0; k < ids.length / 12; k++) {
      const d = days.readInt32LE(k * 4);
      signup.set(hex.slice(k * 24, k * 24 + 24), d === NO_DAY ? null : d);
    }
  }
  if (signup.size !== head.size || hash.digest('hex') !== head.sha256) return { ok: false, reason: 'contents do not match the head' };
  const sampled = await sampleAgrees(db, signup, head.since);
  if (!sampled.ok) return { ok: false, reason: sampled.reason };
  return { ok: true, signup, since: head.since, epoch: head.epoch, takenAt: head.takenAt };
}

/**
 * A sample of the snapshot's members, looked up in `users`: at least 3/4 must be there (a few may have been
 * removed since: the reconcile's business), and each must have the stored signup day unless written since
 * the snapshot (then the catch-up reads it again). A snapshot of other members fails this.
 */
async function sampleAgrees(db: Db, signup: Map<string, number | null>, since: Date): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (signup.size === 0) {
    const any = await db.collection('users').findOne({ createdAt: { $lt: since } }, { projection: { _id: 1 } });
    return any ? { ok: false, reason: 'empty, but members older than it exist' } : { ok: true };
  }
  const keys = [...signup.keys()];
  const n = Math.min(SNAPSHOT_SAMPLE, keys.length);
  const picked = Array.from({ length: n }, (_, k) => keys[Math.floor((k * keys.length) / n)]!);
  const found = await db
    .collection('users')
    .find({ _id: { $in: picked.map((h) => new ObjectId(h)) } }, { projection: { createdAt: 1, updatedAt: 1 } })
    .toArray();
  if (found.length * 4 < n * 3) return { ok: false, reason: `${n - found.length} of ${n} sampled members not found` };
  for (const u of found) {
    const day = u.createdAt instanceof Date ? dayIndexOfDate(u.createdAt) : null;
    const changed = (u.updatedAt instanceof Date && u.updatedAt >= since) || (u.createdAt instanceof Date && u.createdAt >= since);
    if (!changed && signup.get((u._id as ObjectId).toHexString()) !== day) return { ok: false, reason: 'a sampled member has another signup day' };
  }
  return { ok: true };
}

/** Whether a usable snapshot is stored (the snapshot job runs at start when not). */
export async function hasUsableSnapshot(db: Db): Promise<boolean> {
  return (await loadSnapshot(db)).ok;
}

// ------------------------------------------------------------------ the directory

/** Runs `fn` after every refresh queued before it (refreshes fold into one map and move one mark). */
function serialized<T>(d: Directory, fn: () => Promise<T>): Promise<T> {
  const p = d.queue.then(fn, fn);
  d.queue = p.catch(() => undefined);
  return p;
}

function install(d: Directory, b: { signup: Map<string, number | null>; since: Date; epoch: number }, source: Directory['source']) {
  d.signup = b.signup;
  d.since = b.since;
  d.epoch = b.epoch;
  d.source = source;
  d.loadedAt = Date.now();
}

/** Starts loading a directory: the stored snapshot if trusted (then its catch-up), else a scan. */
function startLoad(db: Db): Directory {
  let settle!: () => void;
  const d: Directory = {
    signup: new Map(),
    since: new Date(0),
    epoch: 0,
    loadedAt: 0,
    source: 'scan',
    behind: null,
    servedBehind: false,
    ready: Promise.resolve(),
    snapshotSettled: new Promise<void>((r) => (settle = r)),
    catchUp: null,
    queue: Promise.resolve(),
    refreshing: false,
  };
  dirs.set(db.databaseName, d);
  d.ready = (async () => {
    let snap: Loaded;
    try {
      snap = await loadSnapshot(db);
    } catch (e) {
      snap = { ok: false, reason: e instanceof Error ? e.message : String(e) };
    } finally {
      settle();
    }
    if (snap.ok) {
      install(d, snap, 'snapshot');
      d.behind = snap.since;
      d.catchUp = catchUp(db, d);
      return;
    }
    if (snap.reason !== 'none stored') console.warn(`[analytics] member directory: stored snapshot not used (${snap.reason}); scanning the members`);
    if (memberDirectoryOptions.holdScan) await memberDirectoryOptions.holdScan;
    install(d, await build(db), 'scan');
    if (d.servedBehind) {
      d.servedBehind = false;
      void announceCaughtUp(db);
    }
  })();
  d.ready.catch(() => {
    if (dirs.get(db.databaseName) === d) dirs.delete(db.databaseName);
  });
  return d;
}

/** The catch-up of a snapshot: one incremental refresh from its `since` (retried in 30 s if it fails). */
function catchUp(db: Db, d: Directory): Promise<void> {
  d.refreshing = true;
  return serialized(d, async () => {
    if (memberDirectoryOptions.holdCatchUp) await memberDirectoryOptions.holdCatchUp;
    return incremental(db, d);
  })
    .then(() => {
      d.behind = null;
      if (d.servedBehind) {
        d.servedBehind = false;
        void announceCaughtUp(db);
      }
    })
    .catch((e: unknown) => {
      console.warn('[analytics] member directory catch-up failed:', e instanceof Error ? e.message : e);
      d.loadedAt = Date.now() - directoryRefreshMs() + 30_000;
    })
    .finally(() => {
      d.refreshing = false;
      d.catchUp = null;
    });
}

/** What was computed from a snapshot that was not caught up is dropped: analytics results, the dashboard tile (refetched live). */
async function announceCaughtUp(db: Db): Promise<void> {
  try {
    const [{ bumpGeneration }, { recordsChanged }] = await Promise.all([import('./cache'), import('../live/tiles')]);
    bumpGeneration(db);
    recordsChanged(db, MEMBER_DIRECTORY_TAG);
  } catch (e) {
    console.warn('[analytics] member directory caught up, announcing failed:', e instanceof Error ? e.message : e);
  }
}
/** Cache tag (server/db/cache.ts) of results computed from the member directory. */
export const MEMBER_DIRECTORY_TAG = 'member_directory';

async function incremental(db: Db, d: Directory): Promise<number> {
  const next = new Date(Date.now() - DIRECTORY_SKEW_MS);
  const scanned = await changedSince(db, d.since, d.signup);
  d.since = next;
  d.loadedAt = Date.now();
  return scanned;
}

export interface RefreshResult {
  mode: 'full' | 'incremental' | 'snapshot';
  /** members read */
  scanned: number;
  size: number;
  ms: number;
}

/**
 * One refresh of this process's directory: incremental; or, when the reconcile epoch moved, the stored
 * snapshot of the new epoch if there is a trusted one (plus its catch-up), else a full scan; `full`: a full
 * scan in any case (the reconcile). The old directory keeps answering while it runs.
 */
export async function refreshMemberDirectory(db: Db, opts: { full?: boolean } = {}): Promise<RefreshResult> {
  const t0 = Date.now();
  let d = dirs.get(db.databaseName);
  if (!d || d.loadedAt === 0) {
    d ??= startLoad(db);
    await d.ready;
    // a first load by a scan is the full refresh asked for; one from the snapshot is not, if `full`
    if (d.source === 'scan') return { mode: 'full', scanned: d.signup.size, size: d.signup.size, ms: Date.now() - t0 };
    if (!opts.full) {
      if (d.catchUp) await d.catchUp;
      return { mode: 'snapshot', scanned: 0, size: d.signup.size, ms: Date.now() - t0 };
    }
  }
  const dir = d;
  return serialized(dir, async () => {
    const epoch = await currentEpoch(db);
    if (opts.full || epoch !== dir.epoch) {
      if (!opts.full) {
        const snap = await loadSnapshot(db, Date.now(), epoch).catch(() => null);
        if (snap?.ok) {
          install(dir, snap, 'snapshot');
          const scanned = await incremental(db, dir);
          dir.behind = null;
          return { mode: 'snapshot' as const, scanned, size: dir.signup.size, ms: Date.now() - t0 };
        }
      }
      const b = await build(db);
      install(dir, b, 'scan');
      dir.behind = null;
      return { mode: 'full' as const, scanned: b.scanned, size: dir.signup.size, ms: Date.now() - t0 };
    }
    const scanned = await incremental(db, dir);
    dir.behind = null;
    return { mode: 'incremental' as const, scanned, size: dir.signup.size, ms: Date.now() - t0 };
  });
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/**
 * The directory for this database. The first call per process waits for the load: the stored snapshot
 * (and up to `catchUpWaitMs` for its catch-up), or a scan when there is no trusted snapshot. After the
 * refresh interval the directory keeps answering while a refresh runs in the background
 * (stale-while-revalidate). `warmMemberDirectory` (called at server start) starts the load before anyone asks.
 */
export async function memberDirectory(db: Db): Promise<Map<string, number | null>> {
  let d = dirs.get(db.databaseName);
  if (!d) d = startLoad(db);
  if (d.loadedAt === 0) await d.ready;
  if (d.catchUp) await Promise.race([d.catchUp, wait(memberDirectoryOptions.catchUpWaitMs)]);
  if (d.behind) d.servedBehind = true;
  else if (Date.now() - d.loadedAt >= directoryRefreshMs() && !d.refreshing) refreshInBackground(db, d);
  return d.signup;
}

/**
 * True while the directory cannot answer without waiting for a scan of every member (no usable snapshot at
 * start): a caller that can answer without it (the dashboard tile) says "computing…" instead of waiting, and
 * is told when it is ready (the analytics results and the tile are refreshed as after a catch-up). Waits for
 * the snapshot load (a few reads) and at most `catchUpWaitMs` for the scan, which it starts if nothing has.
 */
export async function memberDirectoryPending(db: Db): Promise<boolean> {
  const d = dirs.get(db.databaseName) ?? startLoad(db);
  await d.snapshotSettled;
  if (d.loadedAt > 0) return false;
  await Promise.race([d.ready.catch(() => undefined), wait(memberDirectoryOptions.catchUpWaitMs)]);
  if (d.loadedAt > 0) return false;
  d.servedBehind = true;
  return true;
}

/** Where this process's directory stands (null: not loaded). `behindSince`: answering from a snapshot not caught up yet. */
export function memberDirectoryInfo(db: Db): { source: Directory['source']; size: number; behindSince: Date | null; epoch: number } | null {
  const d = dirs.get(db.databaseName);
  if (!d || d.loadedAt === 0) return null;
  return { source: d.source, size: d.signup.size, behindSince: d.behind, epoch: d.epoch };
}

function refreshInBackground(db: Db, d: Directory): void {
  d.refreshing = true;
  refreshMemberDirectory(db)
    .catch((e: unknown) => {
      // Keep answering from the old directory; try again in 30 s.
      d.loadedAt = Date.now() - directoryRefreshMs() + 30_000;
      console.warn('[analytics] member directory refresh failed:', e instanceof Error ? e.message : e);
    })
    .finally(() => {
      d.refreshing = false;
    });
}

/**
 * The full reconcile (maintenance job `member-directory`): bumps the epoch, so every instance rebuilds
 * its directory at its next refresh (from the snapshot stored here, or a scan), rebuilds this process's
 * directory from a full scan now and stores it as the snapshot. Reports how far the incremental directory
 * had drifted from the full one.
 */
export async function reconcileMemberDirectory(db: Db, now = new Date()): Promise<Record<string, unknown>> {
  await state(db).updateOne({ _id: STATE_ID }, { $inc: { epoch: 1 }, $set: { at: now } }, { upsert: true });
  const d = dirs.get(db.databaseName);
  const before = d && d.loadedAt > 0 ? new Map(d.signup) : null;
  const r = await refreshMemberDirectory(db, { full: true });
  const after = dirs.get(db.databaseName)!;
  let added = 0;
  let removed = 0;
  let changed = 0;
  if (before) {
    for (const [id, day] of after.signup) {
      if (!before.has(id)) added++;
      else if (before.get(id) !== day) changed++;
    }
    for (const id of before.keys()) if (!after.signup.has(id)) removed++;
  }
  const snapshot = await storeFrom(db, after);
  return { members: r.size, ms: r.ms, drift: before ? { added, removed, changed } : null, snapshot };
}

/** Encodes the directory at a point between refreshes and stores it. */
async function storeFrom(db: Db, d: Directory) {
  const t0 = Date.now();
  // Copied inside the refresh queue, so no refresh is half-way through folding into the map.
  const copy = await serialized(d, async () => ({ signup: new Map(d.signup), since: d.since, epoch: d.epoch }));
  const r = await writeSnapshot(db, copy);
  return { ...r, ms: Date.now() - t0 };
}

/**
 * The maintenance job `member-snapshot`: brings this process's directory up to date (incrementally, or
 * as the epoch requires) and stores it, so a process that starts next answers from it.
 */
export async function storeMemberSnapshot(db: Db): Promise<Record<string, unknown>> {
  const r = await refreshMemberDirectory(db);
  const d = dirs.get(db.databaseName)!;
  const snapshot = await storeFrom(db, d);
  return { refresh: { mode: r.mode, scanned: r.scanned, ms: r.ms }, ...snapshot };
}

/** Makes every instance rebuild its directory at its next refresh (after a restore). */
export async function requestDirectoryReconcile(db: Db): Promise<void> {
  await state(db).updateOne({ _id: STATE_ID }, { $inc: { epoch: 1 }, $set: { at: new Date() } }, { upsert: true });
  const d = dirs.get(db.databaseName);
  if (d && d.loadedAt > 0) d.loadedAt = 1; // refresh at the next call
}

/** Starts loading the directory without waiting (server start-up). */
export function warmMemberDirectory(db: Db): void {
  memberDirectory(db).catch((e: unknown) => console.warn('[analytics] member directory warm-up failed:', e instanceof Error ? e.message : e));
}

/**
 * Settles once the start-up load has installed the stored snapshot or found none to trust (a scan may still
 * be running then: readiness must not wait ~25 s for it). Never rejects.
 */
export function memberDirectoryWarm(db: Db): Promise<void> {
  const d = dirs.get(db.databaseName) ?? startLoad(db);
  return d.snapshotSettled;
}

/** The subset of `ids` that are members (directory first, then one query for the misses). */
export async function existingMembers(db: Db, ids: string[]): Promise<Set<string>> {
  const dir = await memberDirectory(db);
  const misses = ids.filter((id) => !dir.has(id));
  if (misses.length) await scan(db, { _id: { $in: misses.map((h) => new ObjectId(h)) } }, dir);
  return new Set(ids.filter((id) => dir.has(id)));
}

/**
 * Signup day of the members who signed up on days [from, to], and `asOf`: null when the directory is
 * current, else the time the stored snapshot it still answers from was current to (its catch-up is running).
 */
export async function signupsBetweenAsOf(db: Db, from: number, to: number): Promise<{ signups: Map<string, number>; asOf: Date | null }> {
  const dir = await memberDirectory(db);
  const asOf = dirs.get(db.databaseName)?.behind ?? null;
  const signups = new Map<string, number>();
  for (const [u, d] of dir) if (d !== null && d >= from && d <= to) signups.set(u, d);
  return { signups, asOf };
}

/** Signup day of the members who signed up on days [from, to]. */
export async function signupsBetween(db: Db, from: number, to: number): Promise<Map<string, number>> {
  return (await signupsBetweenAsOf(db, from, to)).signups;
}

export function forgetMemberDirectory(db?: Db): void {
  if (db) dirs.delete(db.databaseName);
  else dirs.clear();
}
