/**
 * The per-member-per-day rollup: per (member, UTC day) the number of events and the count per
 * event name. Ingestion appends one partial document per member-day and batch
 * ('<userHex>|<day>|<ObjectId>', see applyToRollup); readers add a member-day's documents up;
 * `npm run analytics:rebuild` recomputes it from the raw events as one '<userHex>|<day>' each.
 *
 *   { _id: '<userHex>|YYYY-MM-DD[|<ObjectId>]', u: ObjectId, d: 'YYYY-MM-DD', w: 'YYYY-Www', m: 'YYYY-MM',
 *     n: <events>, e: { 'app:opened': 3, ... } }   // '.' in names is stored as ':'
 */
import { ObjectId, type AnyBulkWriteOperation, type Db, type IndexDescription } from 'mongodb';
import { bulkWriteChunked } from '../db/bulk';
import { bumpGeneration } from './cache';
import { bumpDayVersions, invalidateAllPacked } from './packed';
import { dropQueued, queuedIds } from './queue';

export const ROLLUP = 'analytics_user_days';
/**
 * Day → active members, one document per UTC day ({ _id: day, m: [userHex…] }), and the same per
 * event name in DAY_EVENT_ACTIVE ({ _id: 'day|name', d, k, m }). FerretDB v1 scans a whole collection
 * for every query (it uses no secondary index for ranges), so the queries read these small
 * collections (one document per day) instead of the large per-member-day one.
 */
export const DAY_ACTIVE = 'analytics_day_active';
export const DAY_EVENT_ACTIVE = 'analytics_day_event_active';
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

type MemberDayCounts = Omit<RollupDoc, '_id'>;

/** Folds events into counts per member-day, keyed '<userHex>|<day>'. */
export function foldEvents(events: Iterable<EventForRollup>): Map<string, MemberDayCounts> {
  const acc = new Map<string, MemberDayCounts>();
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

function foldDays(events: Iterable<EventForRollup>) {
  const all = new Map<string, { d: string; k?: string; m: Set<string> }>();
  const byName = new Map<string, { d: string; k?: string; m: Set<string> }>();
  for (const ev of events) {
    const u = ev.userId.toHexString();
    let a = all.get(ev.day);
    if (!a) all.set(ev.day, (a = { d: ev.day, m: new Set() }));
    a.m.add(u);
    const k = encodeName(ev.name);
    const id = `${ev.day}|${k}`;
    let b = byName.get(id);
    if (!b) byName.set(id, (b = { d: ev.day, k, m: new Set() }));
    b.m.add(u);
  }
  return { all, byName };
}

function dayOps(m: Map<string, { d: string; k?: string; m: Set<string> }>): AnyBulkWriteOperation[] {
  return [...m].map(([id, v]) => ({
    updateOne: {
      filter: { _id: id as never },
      update: { $addToSet: { m: { $each: [...v.m] } }, $setOnInsert: v.k ? { d: v.d, k: v.k } : { d: v.d } },
      upsert: true,
    },
  }));
}

/**
 * Adds freshly stored events to the rollup with one insertMany: each member-day of the batch gets
 * a partial document '<userHex>|<day>|<ObjectId>' (a fresh id, so never a duplicate), which readers
 * add to the member-day's other documents (readMemberDay, loadUserDayCounts); a rebuild folds them
 * into one '<userHex>|<day>' document each. On FerretDB an update or upsert is one statement and one
 * SQLite transaction per document (~1–1.5 ms): upserting member-days held the rollup to ~700/s,
 * and even an insertMany that fails with E11000 for existing ones costs as much as inserting them.
 */
export async function applyToRollup(db: Db, events: EventForRollup[]): Promise<{ memberDays: number }> {
  if (!events.length) return { memberDays: 0 };
  const docs: RollupDoc[] = [...foldEvents(events)].map(([id, r]) => ({ _id: `${id}|${new ObjectId().toHexString()}`, ...r }));
  await db.collection<RollupDoc>(ROLLUP).insertMany(docs, { ordered: false });
  const days = foldDays(events);
  await bulkWriteChunked(db.collection(DAY_ACTIVE), dayOps(days.all));
  await bulkWriteChunked(db.collection(DAY_EVENT_ACTIVE), dayOps(days.byName));
  // After the day documents: readers holding an older version re-read them (see packed.ts).
  await bumpDayVersions(db, [...days.all.keys(), ...days.byName.keys()]);
  bumpGeneration(db);
  return { memberDays: docs.length };
}

/** The member-day key of a rollup document id ('<userHex>|<day>' or '<userHex>|<day>|<partial>'). */
export function memberDayKey(id: string): { u: string; d: string } {
  const a = id.indexOf('|');
  const b = id.indexOf('|', a + 1);
  return { u: id.slice(0, a), d: b < 0 ? id.slice(a + 1) : id.slice(a + 1, b) };
}

/** One member-day of the rollup with its partial documents added up (null when there is none). */
export async function readMemberDay(db: Db, userHex: string, day: string): Promise<MemberDayCounts | null> {
  const docs = await db.collection<RollupDoc>(ROLLUP).find({ u: new ObjectId(userHex), d: day }).toArray();
  if (!docs.length) return null;
  const { _id, ...first } = docs[0]!;
  const out = { ...first, n: 0, e: {} as Record<string, number> };
  for (const doc of docs) {
    out.n += doc.n;
    for (const [k, c] of Object.entries(doc.e)) out.e[k] = (out.e[k] ?? 0) + c;
  }
  return out;
}

/**
 * Rebuilds the rollup from activity_events: streams the events once, folds them in memory
 * (one entry per member-day), writes a fresh collection, then swaps it in. FerretDB v1 has no
 * renameCollection with dropTarget, so the swap is drop + rename: readers may see an empty
 * rollup for a moment. Events ingested while a rebuild runs may be missed, or (queued ones) counted
 * twice in feature-usage counts: run it again when ingestion is quiet.
 */
export async function rebuildRollup(db: Db, onProgress?: (msg: string) => void): Promise<{ events: number; docs: number; ms: number }> {
  const t0 = Date.now();
  const tmp = `${ROLLUP}_rebuild`;
  await db.collection(tmp).drop().catch(() => undefined);
  // Batches queued before the read starts are stored events the read includes: drop them after.
  const queued = await queuedIds(db);
  const acc = new Map<string, MemberDayCounts>();
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
  // Day → members collections, from the same fold.
  const all = new Map<string, string[]>();
  const byName = new Map<string, { d: string; k: string; m: string[] }>();
  for (const [id, r] of acc) {
    const u = id.slice(0, id.indexOf('|'));
    let a = all.get(r.d);
    if (!a) all.set(r.d, (a = []));
    a.push(u);
    for (const k of Object.keys(r.e)) {
      let b = byName.get(`${r.d}|${k}`);
      if (!b) byName.set(`${r.d}|${k}`, (b = { d: r.d, k, m: [] }));
      b.m.push(u);
    }
  }
  const tmpDay = `${DAY_ACTIVE}_rebuild`;
  const tmpDayEv = `${DAY_EVENT_ACTIVE}_rebuild`;
  await db.collection(tmpDay).drop().catch(() => undefined);
  await db.collection(tmpDayEv).drop().catch(() => undefined);
  const dayDocs = [...all].map(([d, m]) => ({ _id: d, d, m }));
  // _id = 'YYYY-MM-DD' (all events) or 'YYYY-MM-DD|name' (per event name), as applyToRollup writes them.
  for (let i = 0; i < dayDocs.length; i += 50) await db.collection(tmpDay).insertMany(dayDocs.slice(i, i + 50) as never[]);
  const evDocs = [...byName].map(([id, v]) => ({ _id: id, ...v }));
  for (let i = 0; i < evDocs.length; i += 50) await db.collection(tmpDayEv).insertMany(evDocs.slice(i, i + 50) as never[]);
  if (!dayDocs.length) await db.createCollection(tmpDay).catch(() => undefined);
  if (!evDocs.length) await db.createCollection(tmpDayEv).catch(() => undefined);
  for (const [from, to] of [[tmp, ROLLUP], [tmpDay, DAY_ACTIVE], [tmpDayEv, DAY_EVENT_ACTIVE]] as const) {
    await db.collection(to).drop().catch(() => undefined);
    await db.collection(from).rename(to);
  }
  await dropQueued(db, queued);
  await invalidateAllPacked(db, [...dayDocs.map((d) => d._id), ...evDocs.map((d) => d._id)]);
  bumpGeneration(db);
  return { events, docs: acc.size, ms: Date.now() - t0 };
}
