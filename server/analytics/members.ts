/**
 * An in-process directory of members: id → signup day (UTC). Ingestion checks member ids
 * against it and retention / lifecycle read signup cohorts from it, so no request reads the users
 * collection. About 60 bytes per member: fine up to a few million members.
 *
 * Kept current incrementally (issue 16): the first call per process scans every member once; after
 * that, every DIRECTORY_REFRESH_MS a refresh reads only the members whose `updatedAt` or `createdAt`
 * is at or after the previous refresh's start minus DIRECTORY_SKEW_MS (both served by the users'
 * `search_updatedAt` / `search_createdAt` indexes), and folds them in. Every write path of the app that
 * changes a member sets `updatedAt` (quality fixes; the platform's own writes are expected to, and
 * new sign-ups carry `createdAt`). What an incremental refresh cannot see (a member removed, a write
 * without `updatedAt`) is corrected by the full reconcile: the maintenance job `member-directory`
 * (daily) bumps a reconcile epoch in `maintenance_state`, and every instance's next refresh sees the
 * new epoch and rebuilds its directory from a full scan. A restore bumps it too.
 * Ids missing from the directory are looked up directly (new sign-ups between refreshes).
 */
import { ObjectId, type Db } from 'mongodb';
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
/** Overlap of consecutive incremental refreshes: clock differences between writers and this process. */
export const DIRECTORY_SKEW_MS = 2 * 60_000;
const STATE_ID = 'member-directory';
const state = (db: Db) => db.collection<{ _id: string; epoch: number; at: Date }>('maintenance_state');

interface Directory {
  loadedAt: number;
  signup: Map<string, number | null>;
  /** members changed at or after this time are read by the next incremental refresh */
  since: Date;
  /** the reconcile epoch this directory was built under */
  epoch: number;
  loading?: Promise<void>;
}
const dirs = new Map<string, Directory>();

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

export interface RefreshResult {
  mode: 'full' | 'incremental';
  /** members read */
  scanned: number;
  size: number;
  ms: number;
}

/**
 * One refresh of this process's directory: incremental, or full when the reconcile epoch moved (or
 * `full`). The old directory keeps answering while it runs; a full one is swapped in when complete.
 */
export async function refreshMemberDirectory(db: Db, opts: { full?: boolean } = {}): Promise<RefreshResult> {
  const t0 = Date.now();
  const d = dirs.get(db.databaseName);
  if (!d || d.loadedAt === 0) {
    const dir = await memberDirectory(db);
    return { mode: 'full', scanned: dir.size, size: dir.size, ms: Date.now() - t0 };
  }
  const epoch = await currentEpoch(db);
  if (opts.full || epoch !== d.epoch) {
    const b = await build(db);
    d.signup = b.signup;
    d.since = b.since;
    d.epoch = b.epoch;
    d.loadedAt = Date.now();
    return { mode: 'full', scanned: b.scanned, size: d.signup.size, ms: Date.now() - t0 };
  }
  const next = new Date(Date.now() - DIRECTORY_SKEW_MS);
  const scanned = await changedSince(db, d.since, d.signup);
  d.since = next;
  d.loadedAt = Date.now();
  return { mode: 'incremental', scanned, size: d.signup.size, ms: Date.now() - t0 };
}

/**
 * The directory for this database. Only the first call per process waits for the scan; after
 * the refresh interval the directory keeps answering while a refresh runs in the background
 * (stale-while-revalidate). `warmMemberDirectory` (called at server start) makes even that first
 * scan happen before anyone asks.
 */
export async function memberDirectory(db: Db): Promise<Map<string, number | null>> {
  const d = dirs.get(db.databaseName);
  if (d && d.loadedAt > 0) {
    if (Date.now() - d.loadedAt >= directoryRefreshMs() && !d.loading) refreshInBackground(db, d);
    return d.signup;
  }
  if (d?.loading) {
    await d.loading;
    return d.signup;
  }
  const fresh: Directory = { loadedAt: 0, signup: new Map(), since: new Date(0), epoch: 0 };
  dirs.set(db.databaseName, fresh);
  fresh.loading = build(db).then((b) => {
    fresh.signup = b.signup;
    fresh.since = b.since;
    fresh.epoch = b.epoch;
    fresh.loadedAt = Date.now();
    fresh.loading = undefined;
  });
  try {
    await fresh.loading;
  } catch (e) {
    if (dirs.get(db.databaseName) === fresh) dirs.delete(db.databaseName);
    throw e;
  }
  return fresh.signup;
}

function refreshInBackground(db: Db, d: Directory): void {
  d.loading = refreshMemberDirectory(db)
    .then(() => undefined)
    .catch((e: unknown) => {
      // Keep answering from the old directory; try again in 30 s.
      d.loadedAt = Date.now() - directoryRefreshMs() + 30_000;
      console.warn('[analytics] member directory refresh failed:', e instanceof Error ? e.message : e);
    })
    .finally(() => {
      d.loading = undefined;
    });
}

/**
 * The full reconcile (maintenance job `member-directory`): bumps the epoch, so every instance rebuilds
 * its directory from a full scan at its next refresh, and rebuilds this process's directory now.
 * Reports how far the incremental directory had drifted from the full one.
 */
export async function reconcileMemberDirectory(db: Db, now = new Date()): Promise<Record<string, unknown>> {
  await state(db).updateOne({ _id: STATE_ID }, { $inc: { epoch: 1 }, $set: { at: now } }, { upsert: true });
  const d = dirs.get(db.databaseName);
  const before = d && d.loadedAt > 0 ? new Map(d.signup) : null;
  const r = await refreshMemberDirectory(db, { full: true });
  const after = dirs.get(db.databaseName)!.signup;
  let added = 0;
  let removed = 0;
  let changed = 0;
  if (before) {
    for (const [id, day] of after) {
      if (!before.has(id)) added++;
      else if (before.get(id) !== day) changed++;
    }
    for (const id of before.keys()) if (!after.has(id)) removed++;
  }
  return { members: r.size, ms: r.ms, drift: before ? { added, removed, changed } : null };
}

/** Makes every instance rebuild its directory from a full scan at its next refresh (after a restore). */
export async function requestDirectoryReconcile(db: Db): Promise<void> {
  await state(db).updateOne({ _id: STATE_ID }, { $inc: { epoch: 1 }, $set: { at: new Date() } }, { upsert: true });
  const d = dirs.get(db.databaseName);
  if (d) d.loadedAt = 1; // refresh at the next call
}

/** Starts loading the directory without waiting (server start-up). */
export function warmMemberDirectory(db: Db): void {
  memberDirectory(db).catch((e: unknown) => console.warn('[analytics] member directory warm-up failed:', e instanceof Error ? e.message : e));
}

/** The subset of `ids` that are members (directory first, then one query for the misses). */
export async function existingMembers(db: Db, ids: string[]): Promise<Set<string>> {
  const dir = await memberDirectory(db);
  const misses = ids.filter((id) => !dir.has(id));
  if (misses.length) await scan(db, { _id: { $in: misses.map((h) => new ObjectId(h)) } }, dir);
  return new Set(ids.filter((id) => dir.has(id)));
}

/** Signup day of the members who signed up on days [from, to]. */
export async function signupsBetween(db: Db, from: number, to: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [u, d] of await memberDirectory(db)) if (d !== null && d >= from && d <= to) out.set(u, d);
  return out;
}

export function forgetMemberDirectory(db?: Db): void {
  if (db) dirs.delete(db.databaseName);
  else dirs.clear();
}
