/**
 * An in-process directory of members: id → signup day (UTC). Ingestion checks member ids
 * against it and retention / lifecycle read signup cohorts from it. FerretDB v1 answers any
 * users query with a full collection scan, so one scan every few minutes replaces one per
 * request; ids missing from the directory are looked up directly (new sign-ups).
 * About 60 bytes per member: fine up to a few million members.
 */
import { ObjectId, type Db } from 'mongodb';
import { dayIndexOfDate } from './periods';

export const DIRECTORY_TTL_MS = 5 * 60_000;
interface Directory {
  loadedAt: number;
  signup: Map<string, number | null>;
  loading?: Promise<void>;
}
const dirs = new Map<string, Directory>();

async function scan(db: Db, filter: Record<string, unknown>, into: Map<string, number | null>) {
  const cursor = db.collection('users').find(filter, { projection: { _id: 1, createdAt: 1 }, batchSize: 20_000 });
  for await (const u of cursor) into.set((u._id as ObjectId).toHexString(), u.createdAt instanceof Date ? dayIndexOfDate(u.createdAt) : null);
}

/**
 * The directory for this database. Only the first call per process waits for the scan; after
 * DIRECTORY_TTL_MS the old directory keeps answering while a fresh one is built in the
 * background (stale-while-revalidate), so no request after the first pays for a users scan.
 * `warmMemberDirectory` (called at server start) makes even that first scan happen before
 * anyone asks.
 */
export async function memberDirectory(db: Db): Promise<Map<string, number | null>> {
  const d = dirs.get(db.databaseName);
  if (d && d.loadedAt > 0) {
    if (Date.now() - d.loadedAt >= DIRECTORY_TTL_MS && !d.loading) refresh(db, d);
    return d.signup;
  }
  if (d?.loading) {
    await d.loading;
    return d.signup;
  }
  const fresh: Directory = { loadedAt: 0, signup: new Map() };
  dirs.set(db.databaseName, fresh);
  fresh.loading = scan(db, {}, fresh.signup).then(() => {
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

function refresh(db: Db, d: Directory): void {
  const next = new Map<string, number | null>();
  d.loading = scan(db, {}, next)
    .then(() => {
      d.signup = next;
      d.loadedAt = Date.now();
    })
    .catch((e: unknown) => {
      // Keep answering from the old directory; the next call after the TTL tries again.
      d.loadedAt = Date.now() - DIRECTORY_TTL_MS + 30_000;
      console.warn('[analytics] member directory refresh failed:', e instanceof Error ? e.message : e);
    })
    .finally(() => {
      d.loading = undefined;
    });
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
