/**
 * Event counts per UTC day, derived from the rollup and stored (analytics_day_counts), so feature usage adds up
 * one small document per day instead of reading every member-day of its range: 12 weeks at 100,000 members read
 * ~170,000 member-day rows of the rollup (16–21 s on FerretDB before compaction). Member counts are not stored
 * here: distinct members come from the day → members documents (DAY_ACTIVE, DAY_EVENT_ACTIVE), which are sets.
 *
 *   { _id: 'YYYY-MM-DD', t: '<token>', agg?: { n: <events>, e: { 'app:opened': 3, … } } }
 *
 * A cache that must never keep a stale day, so every writer of a day's rollup changes its token afterwards:
 *   - the drain (applyToRollup), after inserting the day's part: the token changes and `agg` is dropped;
 *   - compaction, after a day's set replaced its documents (counts are the same, but a read during it is not
 *     trusted);
 *   - a rebuild removes every document after the swap.
 * A reader that finds no `agg` makes sure the day has a document (a placeholder with a new token), reads the
 * token, adds the day up from the rollup, and stores the result only if the token is still the one it read.
 * A writer that touched the day after the token was read changed it, so the result is not stored (it is still
 * answered: it holds at least what was drained before the read). Tokens are random, not counters, so a
 * placeholder made after a rebuild's removal is never mistaken for the one a reader saw before it.
 */
import { ObjectId, type Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/util';
import { bulkWriteChunked } from '../db/bulk';
import { DAY_COUNTS } from './collections';
import { dayIndexOfKey, dayKeyOfIndex } from './periods';
import { readRollupRows } from './rollup';

export { DAY_COUNTS };

/** One day's events: the total and the count per encoded event name ('.' stored as ':'). */
export interface DayCounts {
  n: number;
  e: Record<string, number>;
}

interface DayCountsDoc {
  _id: string;
  t: string;
  agg?: DayCounts;
}

const coll = (db: Db) => db.collection<DayCountsDoc>(DAY_COUNTS);
const token = () => new ObjectId().toHexString();
const IN_CHUNK = 500;

/** After a write to the rollup of these days: their stored counts no longer hold. */
export async function invalidateDayCounts(db: Db, days: Iterable<string>): Promise<void> {
  const ids = [...new Set(days)];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    await coll(db).updateMany({ _id: { $in: ids.slice(i, i + IN_CHUNK) } }, { $set: { t: token() }, $unset: { agg: '' } });
  }
}

/** After the rollup was replaced whole (rebuild): nothing stored holds. */
export async function clearDayCounts(db: Db): Promise<void> {
  await coll(db).deleteMany({});
}

async function findByIds(db: Db, ids: string[]): Promise<DayCountsDoc[]> {
  const out: DayCountsDoc[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK)
    out.push(
      ...(await coll(db)
        .find({ _id: { $in: ids.slice(i, i + IN_CHUNK) } })
        .toArray()),
    );
  return out;
}

/** Consecutive runs of day keys, as [first, last] pairs. */
function runsOf(keys: string[]): Array<[string, string]> {
  const idx = keys.map(dayIndexOfKey).sort((a, b) => a - b);
  const runs: Array<[string, string]> = [];
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    runs.push([dayKeyOfIndex(idx[i]!), dayKeyOfIndex(idx[j]!)]);
    i = j + 1;
  }
  return runs;
}

/** Adds up the rollup of days [fromKey, toKey] per day (every day of the range present, empty ones as zero). */
export async function countDaysFromRollup(db: Db, fromKey: string, toKey: string): Promise<Map<string, DayCounts>> {
  const out = new Map<string, DayCounts>();
  for (let d = dayIndexOfKey(fromKey); d <= dayIndexOfKey(toKey); d++) out.set(dayKeyOfIndex(d), { n: 0, e: {} });
  await readRollupRows(db, fromKey, toKey, (r) => {
    const day = out.get(r.d);
    if (!day) return;
    day.n += r.n;
    for (const [k, c] of Object.entries(r.e)) day.e[k] = (day.e[k] ?? 0) + c;
  });
  return out;
}

/**
 * The event counts of every day in [fromKey, toKey]: stored ones as they are, the others added up from the
 * rollup (consecutive missing days in one read) and stored for the next reader (see the module comment).
 */
export async function readDayCounts(
  db: Db,
  fromKey: string,
  toKey: string,
  /** tests: runs after the rollup was read and before the counts are stored (a writer racing the reader) */
  opts: { beforeStore?: () => Promise<void> } = {},
): Promise<Map<string, DayCounts>> {
  const keys: string[] = [];
  for (let d = dayIndexOfKey(fromKey); d <= dayIndexOfKey(toKey); d++) keys.push(dayKeyOfIndex(d));
  const out = new Map<string, DayCounts>();
  const tokens = new Map<string, string>();
  const without: string[] = [];
  for (const doc of await findByIds(db, keys)) {
    if (doc.agg) out.set(doc._id, doc.agg);
    else tokens.set(doc._id, doc.t);
  }
  for (const k of keys) if (!out.has(k) && !tokens.has(k)) without.push(k);
  if (without.length) {
    // Placeholders first, so that a write from here on changes a token this read has seen.
    await coll(db)
      .insertMany(
        without.map((k) => ({ _id: k, t: token() })),
        { ordered: false },
      )
      .catch((e: unknown) => {
        if (!isDuplicateKeyError(e)) throw e;
      });
    for (const doc of await findByIds(db, without)) {
      if (doc.agg) out.set(doc._id, doc.agg);
      else tokens.set(doc._id, doc.t);
    }
  }
  const missing = keys.filter((k) => !out.has(k));
  if (!missing.length) return out;
  const computed = new Map<string, DayCounts>();
  for (const [a, b] of runsOf(missing)) for (const [k, v] of await countDaysFromRollup(db, a, b)) computed.set(k, v);
  await opts.beforeStore?.();
  const ops = missing
    .filter((k) => tokens.has(k))
    .map((k) => ({ updateOne: { filter: { _id: k, t: tokens.get(k)! }, update: { $set: { agg: computed.get(k)! } } } }));
  await bulkWriteChunked(coll(db), ops);
  for (const k of missing) out.set(k, computed.get(k)!);
  return out;
}
