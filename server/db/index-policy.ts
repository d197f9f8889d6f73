import type { IndexDescription } from 'mongodb';
import { usesEmbeddedDb } from '../env';

/**
 * Which indexes a database gets: 'all' on MongoDB; on the embedded FerretDB ('embedded') every unique
 * and every compound index, and of the single-field non-unique ones only the keyword indexes.
 *
 * Why: our FerretDB build (scripts/lib/ferretdb-patches.mjs) serves filters and sorts from indexes.
 * A compound index there is an SQLite expression index on (type class, value) pairs: it serves
 * equality, ranges and sorting and costs inserts almost nothing (activity events: ~2,880 vs ~2,900
 * documents/s with four of them, machine busy). A single-field non-unique index is a multikey side
 * table kept by triggers (one row per array element): it is what makes keyword (`_kw`) search an index
 * lookup, but it costs inserts ~40 %. So single-field ones are skipped where a compound index serves
 * the same queries (audit_logs' `at_desc`, the analytics rollups' `d`, the backup lists), and
 * `activity_events` keeps only its `ts` and `name` indexes: its keywords are event-name tokens,
 * resolved to event names first (server/search/service.ts), and its insert rate is the ingestion target
 * (≥ 5,000 events/s).
 */
export type IndexPolicy = 'all' | 'embedded';

export function defaultIndexPolicy(): IndexPolicy {
  return usesEmbeddedDb() ? 'embedded' : 'all';
}

/**
 * Indexes left out on the embedded database, per write-heavy collection: activity_events keeps the
 * search indexes on `ts` and `name` (insertMany ~6,000 events/s vs ~7,400 with unique indexes only)
 * and skips its keyword side table and `userId_ts` (no query of the app uses it; on MongoDB it is kept).
 */
const EMBEDDED_SKIP: Record<string, ReadonlySet<string>> = {
  activity_events: new Set(['search_kw', 'userId_ts']),
};

export function indexesFor(specs: IndexDescription[], policy: IndexPolicy = defaultIndexPolicy(), collection = ''): IndexDescription[] {
  if (policy === 'all') return specs;
  return specs.filter((s) => {
    if (s.name && EMBEDDED_SKIP[collection]?.has(s.name)) return false;
    if (s.unique || Object.keys(s.key).length > 1) return true;
    return s.name === 'search_kw';
  });
}
