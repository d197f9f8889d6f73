import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import { bulkWriteChunked } from '../db/bulk';
import { SEARCH_KEYS, hasKeywords, type SearchKey } from '../registry';
import { KW_FIELD, keywordsFor } from './keywords';

/**
 * Backfills `_kw` for existing documents, in `_id` order and batches (bounded memory);
 * writes only documents whose keywords changed. Returns documents scanned / updated.
 */
export async function reindexKeywords(
  db: Db,
  collections: SearchKey[] = SEARCH_KEYS.filter(hasKeywords),
  opts: { batchSize?: number; log?: (m: string) => void } = {},
): Promise<Record<string, { scanned: number; updated: number }>> {
  const batch = opts.batchSize ?? 1000;
  const out: Record<string, { scanned: number; updated: number }> = {};
  for (const key of collections) {
    if (!hasKeywords(key)) continue;
    const coll = db.collection(key);
    let scanned = 0;
    let updated = 0;
    let ops: AnyBulkWriteOperation<Document>[] = [];
    const flush = async () => {
      if (ops.length) updated += (await bulkWriteChunked(coll, ops)).modified;
      ops = [];
    };
    for await (const doc of coll.find({}, { sort: { _id: 1 }, batchSize: batch })) {
      scanned++;
      const kw = keywordsFor(key, doc);
      const cur = doc[KW_FIELD];
      if (!Array.isArray(cur) || cur.length !== kw.length || cur.some((t, i) => t !== kw[i])) {
        ops.push({ updateOne: { filter: { _id: doc._id }, update: { $set: { [KW_FIELD]: kw } } } });
      }
      if (ops.length >= batch) await flush();
      if (scanned % 100_000 === 0) opts.log?.(`${key}: ${scanned.toLocaleString('en-US')} scanned, ${updated.toLocaleString('en-US')} updated`);
    }
    await flush();
    out[key] = { scanned, updated };
    opts.log?.(`${key}: ${scanned.toLocaleString('en-US')} scanned, ${updated.toLocaleString('en-US')} updated`);
  }
  return out;
}
