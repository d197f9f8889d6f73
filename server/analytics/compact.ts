/**
 * Compaction of analytics_user_days (a maintenance job, issue 16). The drain writes one part per day and
 * drain step, so a busy day collects many parts, and a member-day active across steps is in several of
 * them; a rebuild writes one document per member-day. Compaction folds every document of a past day into
 * one set of chunks in which each member-day appears once with its counts added up (rollup.ts:
 * countedRollupDocs). One document per day (chunked at CHUNK member-days to stay far below the 16 MB
 * document limit) rather than one per member-day: FerretDB decodes every document in Go, so a feature-usage
 * read of a day costs per document; a day's chunk is read and parsed once.
 *
 * Safety:
 * - Only days strictly before today (UTC). The drain only inserts parts, so a late event of a past day
 *   drained while a day is compacted lands in a new part that is not in the manifest's `of`: it is counted
 *   beside the set and folded in by the next run.
 * - Crash-safe: the set's other chunks are written first, then its manifest (chunk 0, listing the chunks
 *   and every document it replaces), then the replaced documents are deleted. Readers ignore replaced
 *   documents and unlisted chunks, so every intermediate state reads the same numbers; a re-run deletes
 *   what a crashed run left (replaced documents, chunks without a manifest) and compacts nothing twice.
 * - One run at a time: the maintenance runner's lock. `npm run analytics:rebuild` replaces the collection
 *   whole; do not run it while this job runs (as with ingestion, see rebuildRollup).
 */
import { ObjectId, type Db } from 'mongodb';
import { countedRollupDocs, expandRollupDoc, ROLLUP, type MemberDayRow, type RollupDocLike } from './rollup';
import { dayKeyOfIndex, dayIndexOfDate } from './periods';
import { invalidateDayCounts } from './day-counts';

/** Member-days per chunk (~100 bytes each as JSON). */
export const CHUNK = 20_000;
const DELETE_BATCH = 500;

interface Shape extends RollupDocLike {
  _id: string;
  d: string;
}

export interface CompactionResult {
  /** past days that had more than one document or leftovers */
  days: number;
  /** rollup documents before and after (whole collection) */
  docsBefore: number;
  docsAfter: number;
  /** member-days written into compacted sets */
  memberDays: number;
  /** leftovers of an interrupted run removed */
  leftovers: number;
  ms: number;
}

/** What one day holds: the documents that count, and those that are dead (replaced, or chunks of a set without manifest). */
function classify(docs: Shape[]) {
  const counted = countedRollupDocs(docs);
  const live = new Set(counted.map((d) => d._id));
  const dead = docs.filter((d) => !live.has(d._id)).map((d) => d._id);
  const sets = new Set(counted.map((d) => (typeof d.c === 'string' ? d.c : '')));
  const compact = sets.size === 1 && !sets.has('');
  return { counted, dead, compact };
}

async function deleteIds(db: Db, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    n += (await db.collection<{ _id: string }>(ROLLUP).deleteMany({ _id: { $in: ids.slice(i, i + DELETE_BATCH) } })).deletedCount;
  }
  return n;
}

/** Compacts one day; returns the member-days written (0: nothing to do) and leftovers removed. */
export async function compactDay(
  db: Db,
  day: string,
  ids?: string[],
  opts: { crashAfterManifest?: boolean } = {},
): Promise<{ memberDays: number; leftovers: number }> {
  const coll = db.collection<Shape & Record<string, unknown>>(ROLLUP);
  let docs: Array<Shape & Record<string, unknown>> = [];
  if (!ids) docs = await coll.find({ d: day }).toArray();
  else for (let i = 0; i < ids.length; i += 1_000) docs.push(...(await coll.find({ _id: { $in: ids.slice(i, i + 1_000) } }).toArray()));
  const { counted, dead, compact } = classify(docs);
  if (compact) return { memberDays: 0, leftovers: dead.length ? await deleteIds(db, dead) : 0 };
  if (!counted.length) return { memberDays: 0, leftovers: dead.length ? await deleteIds(db, dead) : 0 };
  const rows = new Map<string, MemberDayRow>();
  for (const doc of counted) {
    for (const r of expandRollupDoc(doc as unknown as Record<string, unknown>)) {
      const row = rows.get(r.u);
      if (!row) rows.set(r.u, { ...r, e: { ...r.e } });
      else {
        row.n += r.n;
        for (const [k, c] of Object.entries(r.e)) row.e[k] = (row.e[k] ?? 0) + c;
      }
    }
  }
  const list = [...rows.values()].sort((a, b) => (a.u < b.u ? -1 : 1));
  const set = new ObjectId().toHexString();
  const chunkIds: string[] = [];
  for (let i = 0; i * CHUNK < Math.max(list.length, 1); i++) chunkIds.push(`c|${day}|${set}|${i}`);
  const w = list[0]?.w ?? (counted[0] as { w?: string }).w ?? '';
  const m = list[0]?.m ?? (counted[0] as { m?: string }).m ?? '';
  const chunk = (i: number) => ({
    _id: chunkIds[i]!,
    d: day,
    w,
    m,
    c: set,
    p: JSON.stringify(list.slice(i * CHUNK, (i + 1) * CHUNK).map((r) => [r.u, r.n, r.e])),
  });
  // Every document of the day read now is replaced (the counted ones by their content, dead ones trivially).
  const of = docs.map((d) => d._id);
  for (let i = chunkIds.length - 1; i >= 1; i--) await coll.insertOne(chunk(i));
  await coll.insertOne({ ...chunk(0), of, chunks: chunkIds });
  if (opts.crashAfterManifest) throw new Error('simulated crash after the manifest');
  await deleteIds(db, of);
  // the counts are the same, but one added up while the documents were being replaced is not trusted
  await invalidateDayCounts(db, [day]);
  return { memberDays: list.length, leftovers: dead.length };
}

/**
 * Compacts every day before today (UTC) that has more than one rollup document or leftovers of an
 * interrupted run. One read of the collection's ids and shape fields finds them; each day is then read by
 * `_id $in` (FerretDB serves it from the primary key).
 */
export async function compactRollup(db: Db, now = new Date()): Promise<CompactionResult> {
  const t0 = Date.now();
  const today = dayKeyOfIndex(dayIndexOfDate(now));
  const byDay = new Map<string, Shape[]>();
  let docsBefore = 0;
  const cursor = db.collection<Shape>(ROLLUP).find({ d: { $lt: today } }, { projection: { _id: 1, d: 1, c: 1, of: 1, chunks: 1 }, batchSize: 20_000 });
  for await (const d of cursor) {
    docsBefore++;
    const list = byDay.get(d.d);
    if (list) list.push(d);
    else byDay.set(d.d, [d]);
  }
  const todayAndLater = await db.collection(ROLLUP).countDocuments({ d: { $gte: today } });
  let days = 0;
  let memberDays = 0;
  let leftovers = 0;
  for (const [day, docs] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { compact, dead } = classify(docs);
    if (compact && !dead.length) continue;
    days++;
    const r = await compactDay(
      db,
      day,
      docs.map((d) => d._id),
    );
    memberDays += r.memberDays;
    leftovers += r.leftovers;
  }
  const docsAfter = await db.collection(ROLLUP).countDocuments({});
  return { days, docsBefore: docsBefore + todayAndLater, docsAfter, memberDays, leftovers, ms: Date.now() - t0 };
}
