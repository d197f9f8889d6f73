/**
 * The per-member-per-day rollup: one document per (member, UTC day) with the number of
 * events and the count per event name. Updated at ingestion, rebuildable from the raw
 * events (`npm run analytics:rebuild`). Every metric reads it instead of the raw events.
 *
 *   { _id: '<userHex>|YYYY-MM-DD', u: ObjectId, d: 'YYYY-MM-DD', w: 'YYYY-Www', m: 'YYYY-MM',
 *     n: <events>, e: { 'app:opened': 3, ... } }   // '.' in names is stored as ':'
 */
import type { AnyBulkWriteOperation, Db, IndexDescription, ObjectId } from 'mongodb';
import { bumpGeneration } from './cache';

export const ROLLUP = 'analytics_user_days';
export const ROLLUP_INDEXES: IndexDescription[] = [
  { key: { d: 1 }, name: 'd' },
  { key: { u: 1, d: 1 }, name: 'u_d' },
];

export interface RollupDoc {
  _id: string;
  u: ObjectId;
  d: string;
  w: string;
  m: string;
  n: number;
  e: Record<string, number>;
}

export const encodeName = (name: string) => name.replace(/\./g, ':');
export const decodeName = (key: string) => key.replace(/:/g, '.');

export interface EventForRollup {
  userId: ObjectId;
  name: string;
  day: string;
  week: string;
  month: string;
}

/** Folds events into rollup increments (one upsert per member-day). */
export function foldEvents(events: Iterable<EventForRollup>): Map<string, { u: ObjectId; d: string; w: string; m: string; n: number; e: Record<string, number> }> {
  const acc = new Map<string, { u: ObjectId; d: string; w: string; m: string; n: number; e: Record<string, number> }>();
  for (const ev of events) {
    const id = `${ev.userId.toHexString()}|${ev.day}`;
    let r = acc.get(id);
    if (!r) acc.set(id, (r = { u: ev.userId, d: ev.day, w: ev.week, m: ev.month, n: 0, e: {} }));
    r.n++;
    const k = encodeName(ev.name);
    r.e[k] = (r.e[k] ?? 0) + 1;
  }
  return acc;
}

/** Adds freshly stored events to the rollup. */
export async function applyToRollup(db: Db, events: EventForRollup[]): Promise<number> {
  if (!events.length) return 0;
  const ops: AnyBulkWriteOperation<RollupDoc>[] = [];
  for (const [id, r] of foldEvents(events)) {
    const inc: Record<string, number> = { n: r.n };
    for (const [k, c] of Object.entries(r.e)) inc[`e.${k}`] = c;
    ops.push({
      updateOne: {
        filter: { _id: id },
        update: { $inc: inc, $setOnInsert: { u: r.u, d: r.d, w: r.w, m: r.m } } as never,
        upsert: true,
      },
    });
  }
  await db.collection<RollupDoc>(ROLLUP).bulkWrite(ops, { ordered: false });
  bumpGeneration(db);
  return ops.length;
}

/**
 * Rebuilds the rollup from activity_events: streams the events once, folds them in memory
 * (one entry per member-day), writes a fresh collection, then swaps it in. FerretDB v1 has no
 * renameCollection with dropTarget, so the swap is drop + rename: readers may see an empty
 * rollup for a moment. Events ingested while a rebuild runs may be missed: run it again.
 */
export async function rebuildRollup(db: Db, onProgress?: (msg: string) => void): Promise<{ events: number; docs: number; ms: number }> {
  const t0 = Date.now();
  const tmp = `${ROLLUP}_rebuild`;
  await db.collection(tmp).drop().catch(() => undefined);
  const acc = new Map<string, { u: ObjectId; d: string; w: string; m: string; n: number; e: Record<string, number> }>();
  let events = 0;
  const cursor = db
    .collection('activity_events')
    .find({}, { projection: { _id: 0, userId: 1, name: 1, day: 1, week: 1, month: 1 }, batchSize: 10_000 });
  for await (const ev of cursor) {
    if (!ev.userId || typeof ev.day !== 'string' || typeof ev.name !== 'string') continue;
    const id = `${(ev.userId as ObjectId).toHexString()}|${ev.day}`;
    let r = acc.get(id);
    if (!r) acc.set(id, (r = { u: ev.userId as ObjectId, d: ev.day, w: ev.week, m: ev.month, n: 0, e: {} }));
    r.n++;
    const k = encodeName(ev.name);
    r.e[k] = (r.e[k] ?? 0) + 1;
    if (++events % 200_000 === 0) onProgress?.(`read ${events.toLocaleString('en-US')} events`);
  }
  onProgress?.(`read ${events.toLocaleString('en-US')} events → ${acc.size.toLocaleString('en-US')} member-days; writing`);
  const coll = db.collection<RollupDoc>(tmp);
  let batch: RollupDoc[] = [];
  let written = 0;
  for (const [id, r] of acc) {
    batch.push({ _id: id, ...r });
    if (batch.length === 5_000) {
      await coll.insertMany(batch, { ordered: false });
      written += batch.length;
      batch = [];
      if (written % 100_000 === 0) onProgress?.(`wrote ${written.toLocaleString('en-US')} member-days`);
    }
  }
  if (batch.length) await coll.insertMany(batch, { ordered: false });
  await coll.createIndexes(ROLLUP_INDEXES);
  await db.collection(ROLLUP).drop().catch(() => undefined);
  await coll.rename(ROLLUP);
  bumpGeneration(db);
  return { events, docs: acc.size, ms: Date.now() - t0 };
}
