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

export async function memberDirectory(db: Db): Promise<Map<string, number | null>> {
  let d = dirs.get(db.databaseName);
  if (d && Date.now() - d.loadedAt < DIRECTORY_TTL_MS) return d.signup;
  if (d?.loading) {
    await d.loading;
    return d.signup;
  }
  const fresh: Directory = { loadedAt: 0, signup: new Map() };
  fresh.loading = scan(db, {}, fresh.signup).then(() => {
    fresh.loadedAt = Date.now();
    fresh.loading = undefined;
  });
  if (!d) dirs.set(db.databaseName, fresh);
  try {
    await fresh.loading;
  } catch (e) {
    if (dirs.get(db.databaseName) === fresh) dirs.delete(db.databaseName);
    throw e;
  }
  dirs.set(db.databaseName, fresh);
  return fresh.signup;
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
