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
 * `activity_events` keeps no keyword index: its keywords are event-name tokens (a few dozen, each
 * common), found by walking the `ts` index with the keyword test done inside SQLite, and its insert
 * rate is the ingestion target (≥ 5,000 events/s).
 */
export type IndexPolicy = 'all' | 'embedded';

export function defaultIndexPolicy(): IndexPolicy {
  return usesEmbeddedDb() ? 'embedded' : 'all';
}

/** Collections whose single-field keyword index is skipped on the embedded database (write-heavy). */
const EMBEDDED_NO_KEYWORD_INDEX = new Set(['activity_events']);

export function indexesFor(specs: IndexDescription[], policy: IndexPolicy = defaultIndexPolicy(), collection = ''): IndexDescription[] {
  if (policy === 'all') return specs;
  return specs.filter((s) => {
    if (s.unique || Object.keys(s.key).length > 1) return true;
    return s.name === 'search_kw' && !EMBEDDED_NO_KEYWORD_INDEX.has(collection);
  });
}
