import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/db';
import { bulkWriteChunked, UPDATES_PER_COMMAND } from './bulk';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('bulk');
});
afterAll(() => t.drop());

describe('bulkWriteChunked', () => {
  // One bulkWrite of 300 matching updates never answers on FerretDB 1.24 (see bulk.ts); chunked, it does.
  it('applies 300 updates to existing documents and 100 upserts, all counted', async () => {
    const coll = t.db.collection<{ _id: string; n: number }>('chunked');
    await coll.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `k${i}`, n: 0 })));
    const ops = [
      ...Array.from({ length: 300 }, (_, i) => ({ updateOne: { filter: { _id: `k${i}` }, update: { $inc: { n: 1 } } } })),
      ...Array.from({ length: 100 }, (_, i) => ({ updateOne: { filter: { _id: `new${i}` }, update: { $inc: { n: 1 } }, upsert: true } })),
    ];
    expect(ops.length).toBeGreaterThan(UPDATES_PER_COMMAND * 2);
    const r = await bulkWriteChunked(coll, ops);
    expect(r).toEqual({ matched: 300, modified: 300, upserted: 100 });
    expect(await coll.countDocuments({ n: 1 })).toBe(400);
  }, 30_000);
});
