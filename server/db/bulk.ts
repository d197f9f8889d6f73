import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

/**
 * Update statements per write command. FerretDB 1.24 keeps the cursor of every matched
 * update statement open until the whole command ends, one pooled SQLite connection each
 * (a pool of 100): a command with more than ~100 updates that match existing documents
 * waits forever for a connection (reproduced: 99 fine, 150 hang). MongoDB has no such
 * limit, and 50 per command costs nothing measurable there.
 */
export const UPDATES_PER_COMMAND = 50;

export interface ChunkedResult {
  matched: number;
  modified: number;
  upserted: number;
}

/** bulkWrite in commands of at most UPDATES_PER_COMMAND operations, one after another. */
export async function bulkWriteChunked<T extends Document>(
  coll: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
  opts: { ordered?: boolean } = {},
): Promise<ChunkedResult> {
  const out: ChunkedResult = { matched: 0, modified: 0, upserted: 0 };
  for (let i = 0; i < ops.length; i += UPDATES_PER_COMMAND) {
    const r = await coll.bulkWrite(ops.slice(i, i + UPDATES_PER_COMMAND), { ordered: opts.ordered ?? false });
    out.matched += r.matchedCount;
    out.modified += r.modifiedCount;
    out.upserted += r.upsertedCount;
  }
  return out;
}
