/**
 * Conditional updates are atomic (our FerretDB patch acube-nslock-*: update and findAndModify hold a lock per
 * collection for their read-modify-write). Upstream FerretDB 1.24 let two concurrent {_id, version: n}
 * updates both succeed, and handed out one `$inc` counter value twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/db';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('atomic');
});
afterAll(() => t.drop());

describe('atomic read-modify-write', () => {
  it('of 20 concurrent compare-and-set updates of one version, exactly one wins', async () => {
    const c = t.db.collection<{ _id: string; version: number; by?: number }>('cas');
    for (let round = 0; round < 5; round++) {
      await c.deleteMany({});
      await c.insertOne({ _id: 'doc', version: 1 });
      const res = await Promise.all(Array.from({ length: 20 }, (_, i) => c.updateOne({ _id: 'doc', version: 1 }, { $set: { version: 2, by: i } })));
      expect(res.reduce((a, r) => a + r.modifiedCount, 0)).toBe(1);
      const fam = await Promise.all(
        Array.from({ length: 20 }, (_, i) => c.findOneAndUpdate({ _id: 'doc', version: 2 }, { $set: { version: 3, by: i } }, { returnDocument: 'after' })),
      );
      expect(fam.filter(Boolean)).toHaveLength(1);
    }
  });

  it('50 concurrent $inc on one counter give 50 distinct values', async () => {
    const c = t.db.collection<{ _id: string; n: number }>('counter');
    await c.insertOne({ _id: 'seq', n: 0 });
    const got = await Promise.all(Array.from({ length: 50 }, () => c.findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } }, { returnDocument: 'after' })));
    expect(new Set(got.map((d) => d!.n)).size).toBe(50);
    expect((await c.findOne({ _id: 'seq' }))!.n).toBe(50);
  });
});
