/**
 * Distinct values of an indexed field by walking its index: one `{field: {$gt: last}}` lookup sorted by
 * (field, _id) per value, so a few dozen index seeks instead of reading the collection (a `$group` or
 * `distinct` decodes every document on the embedded database). For low-cardinality fields only; null when
 * no index leads with the field.
 */
import type { Db, Document } from 'mongodb';

export async function distinctByIndex(db: Db, collection: string, field: string, max = 1_000): Promise<string[] | null> {
  // Without an index leading with the field each step would sort the whole collection: refuse (null).
  const indexes = await db
    .collection(collection)
    .listIndexes()
    .toArray()
    .catch(() => []);
  if (!indexes.some((i) => Object.keys(i.key ?? {})[0] === field)) return null;
  const out: string[] = [];
  let last: string | null = null;
  while (out.length < max) {
    const filter: Document = last === null ? { [field]: { $gte: '' } } : { [field]: { $gt: last } };
    const next = await db
      .collection(collection)
      .find(filter, { projection: { [field]: 1 } })
      .sort({ [field]: 1, _id: 1 })
      .limit(1)
      .next();
    const v = next?.[field];
    if (typeof v !== 'string') break;
    out.push(v);
    last = v;
  }
  return out;
}
