/**
 * A lock per collection in MongoDB (unique _id + owner + expiry, refreshed while held),
 * so two backups/restores of the same collection never run at once, across app instances; also the
 * one-instance lock of the scheduled jobs and the analytics drain.
 * No TTL index (FerretDB has none): an expired lock is taken over explicitly.
 */
import type { Db } from 'mongodb';
import { AppError } from '../errors';
import { isDuplicateKeyError as isDup } from './util';

/** The lock documents (the collection keeps its first name, `backup_locks`, so held locks survive upgrades). */
export interface LockDoc {
  _id: string;
  owner: string;
  at: Date;
  expiresAt: Date;
}
const bk = { locks: (db: Db) => db.collection<LockDoc>('backup_locks') };

const LEASE_MS = 60_000;
const REFRESH_MS = 15_000;

/** Takes one lock; false if someone else holds an unexpired one. */
export async function tryLock(db: Db, key: string, owner: string, leaseMs = LEASE_MS): Promise<boolean> {
  const now = new Date();
  const doc = { _id: key, owner, at: now, expiresAt: new Date(now.getTime() + leaseMs) };
  try {
    await bk.locks(db).insertOne(doc);
    return true;
  } catch (e) {
    if (!isDup(e)) throw e;
  }
  // Held: take it over only if it has expired (a crashed owner). The filter makes this a compare-and-set.
  const r = await bk.locks(db).deleteOne({ _id: key, expiresAt: { $lt: now } });
  if (!r.deletedCount) return false;
  try {
    await bk.locks(db).insertOne(doc);
    return true;
  } catch (e) {
    if (isDup(e)) return false;
    throw e;
  }
}

/** Is this lock held (by anyone) and unexpired? */
export async function lockHeld(db: Db, key: string): Promise<boolean> {
  return !!(await bk.locks(db).findOne({ _id: key, expiresAt: { $gte: new Date() } }, { projection: { _id: 1 } }));
}

/** Extends a lock this owner holds; false (and no change) if it is no longer theirs. */
export async function renewLock(db: Db, key: string, owner: string, leaseMs = LEASE_MS): Promise<boolean> {
  const r = await bk.locks(db).updateOne({ _id: key, owner }, { $set: { expiresAt: new Date(Date.now() + leaseMs) } });
  return r.matchedCount === 1;
}

/** Releases a lock this owner holds (no-op if it is no longer theirs). */
export async function releaseLock(db: Db, key: string, owner: string): Promise<void> {
  await bk.locks(db).deleteOne({ _id: key, owner });
}

export interface HeldLocks {
  keys: string[];
  release(): Promise<void>;
}

/** Locks every collection or throws CONFLICT naming the busy one; refreshes the leases until released. */
export async function lockCollections(db: Db, collections: string[], owner: string): Promise<HeldLocks> {
  const keys: string[] = [];
  for (const c of [...new Set(collections)].sort()) {
    const key = `coll:${c}`;
    if (!(await tryLock(db, key, owner))) {
      await bk.locks(db).deleteMany({ _id: { $in: keys }, owner });
      throw new AppError('CONFLICT', `Another backup or restore is working on "${c}". Try again when it has finished.`);
    }
    keys.push(key);
  }
  const timer = setInterval(() => {
    bk.locks(db)
      .updateMany({ _id: { $in: keys }, owner }, { $set: { expiresAt: new Date(Date.now() + LEASE_MS) } })
      .catch((e) => console.error('[backup] lock refresh failed', e));
  }, REFRESH_MS);
  timer.unref?.();
  return {
    keys,
    async release() {
      clearInterval(timer);
      await bk.locks(db).deleteMany({ _id: { $in: keys }, owner });
    },
  };
}
