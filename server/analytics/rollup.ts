/**
 * The analytics rollups, kept by the queue's drain (queue.ts) and rebuilt from the raw events by
 * `npm run analytics:rebuild`.
 *
 * ROLLUP (analytics_user_days), per (member, UTC day) the number of events and the count per event
 * name, in two shapes that readers expand alike (expandRollupDoc):
 *   - one document per member-day (what a rebuild writes):
 *       { _id: '<userHex>|YYYY-MM-DD', u: ObjectId, d: 'YYYY-MM-DD', w: 'YYYY-Www', m: 'YYYY-MM', n, e: { 'app:opened': 3 } }
 *   - one part per day and drain step (what ingestion writes), the step's member-days as one JSON string:
 *       { _id: 'p|YYYY-MM-DD|<ObjectId>', d, w, m, p: '[["<userHex>", n, {"app:opened": 3}], …]' }
 *     A member-day may appear in several parts and documents: readers add them up.
 *   - past days compacted (compact.ts, a maintenance job): one set of chunks per day, each member-day once
 *       { _id: 'c|YYYY-MM-DD|<set>|<i>', d, w, m, c, p, [of, chunks] } (see countedRollupDocs)
 * '.' in event names is stored as ':'.
 *
 * Why parts: FerretDB v1 writes every document, and every element of a document, as JSON in its
 * own SQLite statement work; ~8,000 member-day documents per 10,000 events took ~0.5 s to insert,
 * one part with the same content ~10 ms.
 */
import { Binary, ObjectId, type Db } from 'mongodb';
import { indexesFor } from '../db/index-policy';
import { bumpGeneration } from './cache';
import { recordsChanged } from '../live/tiles';
import { dropQueued, queuedIds } from './queue';
import { clearDayCounts, invalidateDayCounts } from './day-counts';

export { ROLLUP, DAY_ACTIVE, DAY_EVENT_ACTIVE, ROLLUP_INDEXES } from './collections';
import { ROLLUP, DAY_ACTIVE, DAY_EVENT_ACTIVE, ROLLUP_INDEXES } from './collections';
/** Collections of earlier versions (packed copies of day documents), dropped by a rebuild. */
const RETIRED = ['analytics_day_packed', 'analytics_day_version'];

export interface RollupDoc {
  _id: string;
  u: ObjectId;
  d: string;
  w: string;
  m: string;
  n: number;
  e: Record<string, number>;
}

interface RollupPart {
  _id: string;
  d: string;
  w: string;
  m: string;
  /** JSON: [userHex, events, counts by encoded name][] */
  p: string;
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

/** One member-day's counts (u = member id in hex). */
export interface MemberDayRow {
  u: string;
  d: string;
  w: string;
  m: string;
  n: number;
  e: Record<string, number>;
}

/** Folds events into counts per member-day, keyed '<userHex>|<day>'. */
export function foldEvents(events: Iterable<EventForRollup>): Map<string, MemberDayRow> {
  const acc = new Map<string, MemberDayRow>();
  for (const ev of events) addEvent(acc, ev.userId.toHexString(), ev.day, ev.week, ev.month, ev.name);
  return acc;
}

function addEvent(acc: Map<string, MemberDayRow>, u: string, d: string, w: string, m: string, name: string) {
  const id = `${u}|${d}`;
  let r = acc.get(id);
  if (!r) acc.set(id, (r = { u, d, w, m, n: 0, e: {} }));
  r.n++;
  const k = encodeName(name);
  r.e[k] = (r.e[k] ?? 0) + 1;
}

/**
 * Compacted documents (server/analytics/compact.ts): a past day's parts and member-day documents folded
 * into one set of chunks, each member-day exactly once:
 *   { _id: 'c|YYYY-MM-DD|<set>|<i>', d, w, m, c: '<set>', p: '[…]' }
 * Chunk 0 is the set's manifest and is written last: `chunks` lists the set's chunk ids, `of` the ids of
 * every document of that day the set replaces (parts, member-day documents, earlier sets). The documents
 * are removed only after the manifest is stored, so until then (or after a crash) both exist, and readers
 * apply `countedRollupDocs`: a document listed in any manifest's `of` is not counted, and a chunk counts
 * only when a manifest lists it (chunks of a set whose manifest was never written are ignored).
 */
export interface RollupDocLike {
  _id: unknown;
  c?: string;
  of?: string[];
  chunks?: string[];
}

/** The documents of a read that count (see above); `docs` must hold every document of the days read. */
export function countedRollupDocs<T extends RollupDocLike>(docs: readonly T[]): T[] {
  const replaced = new Set<string>();
  const valid = new Set<string>();
  for (const d of docs) {
    if (!Array.isArray(d.of)) continue;
    for (const id of d.of) replaced.add(id);
    for (const id of d.chunks ?? []) valid.add(id);
  }
  if (!replaced.size && !valid.size) return docs.filter((d) => typeof d.c !== 'string');
  return docs.filter((d) => !replaced.has(String(d._id)) && (typeof d.c !== 'string' || valid.has(String(d._id))));
}

/**
 * Every counted member-day row of the rollup on days [fromKey, toKey] (parts and documents of one member-day
 * are separate rows: callers add them up). Reads the range once; documents are held until the end of the
 * read because a manifest may come after the documents it replaces.
 */
export async function readRollupRows(db: Db, fromKey: string, toKey: string, onRow: (r: MemberDayRow) => void): Promise<void> {
  const docs: Array<Record<string, unknown> & RollupDocLike> = [];
  const cursor = db
    .collection(ROLLUP)
    .find({ d: { $gte: fromKey, $lte: toKey } }, { projection: { u: 1, d: 1, w: 1, m: 1, e: 1, n: 1, p: 1, c: 1, of: 1, chunks: 1 }, batchSize: 20_000 });
  for await (const doc of cursor) docs.push(doc as Record<string, unknown> & RollupDocLike);
  for (const doc of countedRollupDocs(docs)) for (const r of expandRollupDoc(doc)) onRow(r);
}

/** The member-day rows of a rollup document of either shape. */
export function expandRollupDoc(doc: Record<string, unknown>): MemberDayRow[] {
  const d = doc.d as string;
  const w = doc.w as string;
  const m = doc.m as string;
  if (typeof doc.p === 'string') {
    return (JSON.parse(doc.p) as Array<[string, number, Record<string, number>]>).map(([u, n, e]) => ({ u, d, w, m, n, e }));
  }
  return [{ u: (doc.u as ObjectId).toHexString(), d, w, m, n: doc.n as number, e: (doc.e ?? {}) as Record<string, number> }];
}

// ------------------------------------------------------------------ day → members

export function packIds(ids: Iterable<string>): Binary {
  return new Binary(Buffer.from([...ids].join(''), 'hex'));
}

export function unpackIds(b: Binary): string[] {
  const hex = Buffer.from(b.buffer).toString('hex');
  const out = new Array<string>(hex.length / 24);
  for (let i = 0; i < out.length; i++) out[i] = hex.slice(i * 24, i * 24 + 24);
  return out;
}

function membersOf(doc: { b?: Binary; m?: string[] } | null): string[] | null {
  if (!doc) return null;
  if (doc.b) return unpackIds(doc.b);
  return doc.m ?? [];
}

/** The member ids of one day document (`coll` is DAY_ACTIVE or DAY_EVENT_ACTIVE); null when there is none. */
export async function readDayMembers(db: Db, coll: string, id: string): Promise<string[] | null> {
  return membersOf(await db.collection<DayDoc>(coll).findOne({ _id: id }, { projection: { b: 1, m: 1 } }));
}

/** The member ids of the day documents with these ids (`coll` is DAY_ACTIVE or DAY_EVENT_ACTIVE); absent ones are left out. */
export async function readDayMembersIn(db: Db, coll: string, ids: string[]): Promise<Map<string, string[]>> {
  const docs = await db
    .collection<DayDoc>(coll)
    .find({ _id: { $in: ids } }, { projection: { b: 1, m: 1 } })
    .toArray();
  return new Map(docs.map((d) => [d._id, membersOf(d) ?? []]));
}

/**
 * The UTC days among `days` ('YYYY-MM-DD') on which a member was active, newest first: one `_id $in` find
 * of the day documents, each member set searched as packed bytes (no decoding to strings). For a member's
 * recent activity (server/search/relations.ts): the raw events are then read only on those days.
 */
export async function memberActiveDays(db: Db, userHex: string, days: string[]): Promise<string[]> {
  if (!/^[0-9a-f]{24}$/i.test(userHex) || days.length === 0) return [];
  const needle = Buffer.from(userHex, 'hex');
  const docs = await db
    .collection<DayDoc>(DAY_ACTIVE)
    .find({ _id: { $in: days } }, { projection: { b: 1, m: 1 } })
    .toArray();
  const has = (d: DayDoc) => {
    if (!d.b) return (d.m ?? []).includes(userHex.toLowerCase());
    const buf = Buffer.from(d.b.buffer);
    for (let i = buf.indexOf(needle); i !== -1; i = buf.indexOf(needle, i + 1)) if (i % 12 === 0) return true;
    return false;
  };
  return docs
    .filter(has)
    .map((d) => d._id)
    .sort()
    .reverse();
}

interface DayDoc {
  _id: string;
  d: string;
  k?: string;
  b?: Binary;
  n?: number;
  /** earlier versions: member ids as an array */
  m?: string[];
}

/**
 * Adds members to a day document: read, union, replace. Not atomic: only the queue's drainer calls
 * it, under the queue lock (one writer), and the rebuild replaces the collections whole.
 */
async function addDayMembers(db: Db, coll: string, id: string, fields: { d: string; k?: string }, add: Set<string>): Promise<void> {
  const c = db.collection<DayDoc>(coll);
  const doc = await c.findOne({ _id: id });
  const members = new Set(membersOf(doc) ?? []);
  const before = members.size;
  for (const u of add) members.add(u);
  if (doc?.b && members.size === before) return;
  await c.replaceOne({ _id: id }, { ...fields, b: packIds(members), n: members.size }, { upsert: true });
}

function foldDays(rows: Iterable<MemberDayRow>) {
  const all = new Map<string, { d: string; k?: string; m: Set<string> }>();
  const byName = new Map<string, { d: string; k?: string; m: Set<string> }>();
  for (const r of rows) {
    let a = all.get(r.d);
    if (!a) all.set(r.d, (a = { d: r.d, m: new Set() }));
    a.m.add(r.u);
    for (const k of Object.keys(r.e)) {
      const id = `${r.d}|${k}`;
      let b = byName.get(id);
      if (!b) byName.set(id, (b = { d: r.d, k, m: new Set() }));
      b.m.add(r.u);
    }
  }
  return { all, byName };
}

/**
 * Adds stored events to the rollups. Called by the queue's drainer only (one at a time, under the
 * queue lock): writes one part per day to ROLLUP (insert-only) and rewrites the touched day
 * documents with their new members.
 */
export async function applyToRollup(db: Db, events: EventForRollup[]): Promise<{ memberDays: number }> {
  if (!events.length) return { memberDays: 0 };
  const rows = [...foldEvents(events).values()];
  const perDay = new Map<string, MemberDayRow[]>();
  for (const r of rows) {
    const list = perDay.get(r.d);
    if (list) list.push(r);
    else perDay.set(r.d, [r]);
  }
  const parts: RollupPart[] = [...perDay].map(([d, list]) => ({
    _id: `p|${d}|${new ObjectId().toHexString()}`,
    d,
    w: list[0]!.w,
    m: list[0]!.m,
    p: JSON.stringify(list.map((r) => [r.u, r.n, r.e])),
  }));
  await db.collection<RollupPart>(ROLLUP).insertMany(parts, { ordered: false });
  // after the parts, so that a reader who saw the old token cannot store counts without them (day-counts.ts)
  await invalidateDayCounts(db, perDay.keys());
  const days = foldDays(rows);
  const writes: Array<() => Promise<void>> = [
    ...[...days.all].map(
      ([id, v]) =>
        () =>
          addDayMembers(db, DAY_ACTIVE, id, { d: v.d }, v.m),
    ),
    ...[...days.byName].map(
      ([id, v]) =>
        () =>
          addDayMembers(db, DAY_EVENT_ACTIVE, id, { d: v.d, k: v.k }, v.m),
    ),
  ];
  for (let i = 0; i < writes.length; i += 8) await Promise.all(writes.slice(i, i + 8).map((w) => w()));
  bumpGeneration(db);
  // the events are stored and counted now: the dashboard's counts and engagement tiles (coalesced live event)
  recordsChanged(db, 'activity_events');
  return { memberDays: rows.length };
}

/** One member-day of the rollup with its parts added up (null when there is none). Scans the day: for tests and tools. */
export async function readMemberDay(db: Db, userHex: string, day: string): Promise<MemberDayRow | null> {
  let out: MemberDayRow | null = null;
  await readRollupRows(db, day, day, (r) => {
    if (r.u !== userHex) return;
    if (!out) out = { ...r, n: 0, e: {} };
    out.n += r.n;
    for (const [k, c] of Object.entries(r.e)) out.e[k] = (out.e[k] ?? 0) + c;
  });
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
  await db
    .collection(tmp)
    .drop()
    .catch(() => undefined);
  // Batches queued before the read starts are stored events the read includes: drop them after.
  const queued = await queuedIds(db);
  const acc = new Map<string, MemberDayRow>();
  let events = 0;
  const cursor = db.collection('activity_events').find({}, { projection: { _id: 0, userId: 1, name: 1, day: 1, week: 1, month: 1 }, batchSize: 10_000 });
  for await (const ev of cursor) {
    if (!ev.userId || typeof ev.day !== 'string' || typeof ev.name !== 'string') continue;
    addEvent(acc, (ev.userId as ObjectId).toHexString(), ev.day, ev.week, ev.month, ev.name);
    if (++events % 200_000 === 0) onProgress?.(`read ${events.toLocaleString('en-US')} events`);
  }
  onProgress?.(`read ${events.toLocaleString('en-US')} events → ${acc.size.toLocaleString('en-US')} member-days; writing`);
  const coll = db.collection<RollupDoc>(tmp);
  let batch: RollupDoc[] = [];
  let written = 0;
  for (const [id, r] of acc) {
    batch.push({ _id: id, u: new ObjectId(r.u), d: r.d, w: r.w, m: r.m, n: r.n, e: r.e });
    if (batch.length === 5_000) {
      await coll.insertMany(batch, { ordered: false });
      written += batch.length;
      batch = [];
      if (written % 100_000 === 0) onProgress?.(`wrote ${written.toLocaleString('en-US')} member-days`);
    }
  }
  if (batch.length) await coll.insertMany(batch, { ordered: false });
  const indexes = indexesFor(ROLLUP_INDEXES);
  if (indexes.length) await coll.createIndexes(indexes);
  else await db.createCollection(tmp).catch(() => undefined);
  // Day → members collections, from the same fold (as the drain folds a step).
  const days = foldDays(acc.values());
  const tmpDay = `${DAY_ACTIVE}_rebuild`;
  const tmpDayEv = `${DAY_EVENT_ACTIVE}_rebuild`;
  await db
    .collection(tmpDay)
    .drop()
    .catch(() => undefined);
  await db
    .collection(tmpDayEv)
    .drop()
    .catch(() => undefined);
  const dayDocs = [...days.all].map(([id, v]) => ({ _id: id, d: v.d, b: packIds(v.m), n: v.m.size }));
  // _id = 'YYYY-MM-DD' (all events) or 'YYYY-MM-DD|name' (per event name), as applyToRollup writes them.
  for (let i = 0; i < dayDocs.length; i += 50) await db.collection(tmpDay).insertMany(dayDocs.slice(i, i + 50) as never[]);
  const evDocs = [...days.byName].map(([id, v]) => ({ _id: id, d: v.d, k: v.k, b: packIds(v.m), n: v.m.size }));
  for (let i = 0; i < evDocs.length; i += 50) await db.collection(tmpDayEv).insertMany(evDocs.slice(i, i + 50) as never[]);
  if (!dayDocs.length) await db.createCollection(tmpDay).catch(() => undefined);
  if (!evDocs.length) await db.createCollection(tmpDayEv).catch(() => undefined);
  for (const [from, to] of [
    [tmp, ROLLUP],
    [tmpDay, DAY_ACTIVE],
    [tmpDayEv, DAY_EVENT_ACTIVE],
  ] as const) {
    await db
      .collection(to)
      .drop()
      .catch(() => undefined);
    await db.collection(from).rename(to);
  }
  await dropQueued(db, queued);
  await clearDayCounts(db);
  for (const c of RETIRED)
    await db
      .collection(c)
      .drop()
      .catch(() => undefined);
  bumpGeneration(db);
  return { events, docs: acc.size, ms: Date.now() - t0 };
}
