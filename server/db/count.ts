/**
 * Counting matches. On the embedded FerretDB the `count` command is answered by SQLite's count(*) when
 * the filter can be pushed down exactly (scripts/ferretdb-patches/acube_pushdown.go), while
 * countDocuments (an aggregation) decodes every matching document in Go. On MongoDB, countDocuments.
 */
import type { Collection, Db, Document, Filter } from 'mongodb';
import { usesEmbeddedDb } from '../env';

export async function countMatching<T extends Document>(
  db: Db,
  collection: string | Collection<T>,
  filter: Filter<T> = {},
  opts: { limit?: number; skip?: number; maxTimeMS?: number } = {},
): Promise<number> {
  const coll = typeof collection === 'string' ? db.collection<T>(collection) : collection;
  if (usesEmbeddedDb()) {
    const res = await db.command({
      count: coll.collectionName,
      query: filter,
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...(opts.skip ? { skip: opts.skip } : {}),
      ...(opts.maxTimeMS ? { maxTimeMS: opts.maxTimeMS } : {}),
    });
    return Number(res.n);
  }
  return coll.countDocuments(filter, {
    ...(opts.limit ? { limit: opts.limit } : {}),
    ...(opts.skip ? { skip: opts.skip } : {}),
    ...(opts.maxTimeMS ? { maxTimeMS: opts.maxTimeMS } : {}),
  });
}
