/**
 * Packed copies of the day → members documents, for fast reads on FerretDB.
 *
 * FerretDB v1 stores documents as JSON and rebuilds every array element on read: a day document
 * with 3,137 member ids takes ~34 ms to fetch by _id, the same ids as one binary field ~4 ms (a
 * 90-day query reads ~120 of them).
 * So for past days readers keep a packed copy ({ _id, v, b: Binary(12 bytes per member), n }) in
 * DAY_PACKED, written the first time a day is read and reused while it is current.
 *
 * Currency is tracked by a version per day document in DAY_VERSION ({ _id, v }): ingestion bumps it
 * after it has written the day documents, and a reader packs with the version it read before it
 * read the day document. A packed copy whose version differs from the current one is ignored and
 * rewritten, so a late event for an old day is never hidden, whatever the interleaving. A rebuild
 * bumps every version and drops the packed copies.
 */
import { Binary, type Db } from 'mongodb';
import { bulkWriteChunked } from '../db/bulk';

export const DAY_PACKED = 'analytics_day_packed';
export const DAY_VERSION = 'analytics_day_version';
/** Above this many members a day is read unpacked (a packed copy must stay well under 16 MB). */
export const PACK_MAX_MEMBERS = 1_000_000;

interface PackedDoc {
  _id: string;
  v: number;
  b: Binary;
  n: number;
}

export function packIds(ids: string[]): Binary {
  return new Binary(Buffer.from(ids.join(''), 'hex'));
}

export function unpackIds(b: Binary): string[] {
  const hex = Buffer.from(b.buffer).toString('hex');
  const out = new Array<string>(hex.length / 24);
  for (let i = 0; i < out.length; i++) out[i] = hex.slice(i * 24, i * 24 + 24);
  return out;
}

/** Marks day documents as changed (after writing them). */
export async function bumpDayVersions(db: Db, ids: Iterable<string>): Promise<void> {
  const ops = [...ids].map((id) => ({ updateOne: { filter: { _id: id }, update: { $inc: { v: 1 } }, upsert: true } }));
  await bulkWriteChunked(db.collection<{ _id: string; v: number }>(DAY_VERSION), ops);
}

/** After a rebuild: every packed copy is stale. */
export async function invalidateAllPacked(db: Db, rebuiltIds: Iterable<string>): Promise<void> {
  await bumpDayVersions(db, rebuiltIds);
  await db.collection(DAY_VERSION).updateMany({}, { $inc: { v: 1 } });
  await db.collection(DAY_PACKED).deleteMany({});
}

/**
 * The member ids of one day document (`coll` is DAY_ACTIVE or DAY_EVENT_ACTIVE), null when there is
 * none. `pack` says whether the day is old enough to keep a packed copy of (the current day changes
 * with every ingested batch, so it is always read directly).
 */
export async function readDayMembers(db: Db, coll: string, id: string, pack: boolean): Promise<string[] | null> {
  const source = db.collection<{ _id: string; m: string[] }>(coll);
  if (!pack) return (await source.findOne({ _id: id }, { projection: { m: 1 } }))?.m ?? null;
  const packedColl = db.collection<PackedDoc>(DAY_PACKED);
  const [ver, packed] = await Promise.all([
    db.collection<{ _id: string; v: number }>(DAY_VERSION).findOne({ _id: id }),
    packedColl.findOne({ _id: id }),
  ]);
  const v = ver?.v ?? 0;
  if (packed && packed.v === v) return unpackIds(packed.b);
  const doc = await source.findOne({ _id: id }, { projection: { m: 1 } });
  if (!doc) return null;
  if (doc.m.length <= PACK_MAX_MEMBERS) {
    // Best effort: a failed write only means the next read packs again.
    await packedColl.replaceOne({ _id: id }, { v, b: packIds(doc.m), n: doc.m.length }, { upsert: true }).catch(() => undefined);
  }
  return doc.m;
}
