import type { IndexDescription } from 'mongodb';
import { usesEmbeddedDb } from '../env';

/**
 * Which indexes a database gets. 'all' everywhere but on the embedded database; there
 * 'constraints': unique indexes only. FerretDB 1.24's SQLite backend serves no query from a
 * secondary index: it pushes down only a filter that is exactly `{_id: <value>}` and sorts in
 * memory (internal/backends/sqlite/collection.go, query.go), so a non-unique index there costs
 * every write and speeds up nothing (activity_events' five took an insert of 500 events from
 * ~53 ms to ~115 ms). On MongoDB the same indexes serve search, sorting and analytics.
 */
export type IndexPolicy = 'all' | 'constraints';

export function defaultIndexPolicy(): IndexPolicy {
  return usesEmbeddedDb() ? 'constraints' : 'all';
}

export function indexesFor(specs: IndexDescription[], policy: IndexPolicy = defaultIndexPolicy()): IndexDescription[] {
  return policy === 'all' ? specs : specs.filter((s) => s.unique);
}
