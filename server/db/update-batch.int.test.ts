/**
 * The `acube-update-batch` FerretDB patch (scripts/ferretdb-patches/acube_update.go): an update command
 * writes the documents it modifies in batches of up to 100, one SQLite transaction each, instead of one
 * transaction per document. What must not change is what a client sees:
 *   - every matched document is updated, once, with n / nModified as before (seeded random updateMany
 *     over more documents than a batch, checked against the same update computed here);
 *   - a write that fails part-way keeps upstream's partial result: the documents before the failing one
 *     (in the order the command reads them) are updated, the failing one and those after are not, and the
 *     error is reported (a duplicate key in the second batch: without the one-by-one fallback the whole
 *     batch would be lost; an invalid $inc in Go: without the last flush the documents read before it in
 *     that batch would be lost).
 * UPDATE_BATCH_SEED=n replays the random part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection, Document } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { Rng } from '../lib/prng';

const SEED = Number(process.env.UPDATE_BATCH_SEED ?? Math.floor(Math.random() * 2 ** 31));

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('update_batch');
});
afterAll(() => t?.drop());

interface Doc {
  _id: number;
  g: number;
  n: number;
  s?: string;
  u?: number;
}

async function fresh(name: string, docs: Doc[]): Promise<Collection<Doc>> {
  const c = t.db.collection<Doc>(name);
  await c.drop().catch(() => undefined);
  for (let i = 0; i < docs.length; i += 500) await c.insertMany(docs.slice(i, i + 500));
  return c;
}

const all = (c: Collection<Doc>) => c.find({}).sort({ _id: 1 }).toArray();

describe('acube-update-batch', () => {
  it(`updates every matched document once, n and nModified as MongoDB (seed ${SEED})`, async () => {
    const r = new Rng(SEED);
    const docs: Doc[] = Array.from({ length: r.int(150, 450) }, (_, i) => ({ _id: i, g: r.int(0, 3), n: r.int(0, 5) }));
    const c = await fresh('random', docs);
    const model = new Map(docs.map((d) => [d._id, { ...d } as Doc]));
    for (let round = 0; round < 10; round++) {
      const g = r.int(0, 3);
      const lo = r.int(0, docs.length);
      const filter: Document = r.chance(0.5) ? { g } : { _id: { $gte: lo }, g: { $ne: g } };
      const match = (d: Doc) => (filter.g === g ? d.g === g : d._id >= lo && d.g !== g);
      // (no no-op updates: FerretDB 1.24 counts a `$inc: 0` or an `$unset` of a missing field in nModified,
      // where MongoDB does not — upstream's behaviour, the same with and without the patch)
      const inc = r.int(1, 3);
      const set = `v${round}`;
      const update: Document = { $inc: { n: inc } };
      update[r.chance(0.5) ? '$set' : '$max'] = { s: set };
      const res = await c.updateMany(filter, update);
      let matched = 0;
      let modified = 0;
      for (const d of model.values()) {
        if (!match(d)) continue;
        matched++;
        const before = JSON.stringify(d);
        d.n += inc;
        d.s = set; // ($max of a missing field sets it; v<round> sorts after every earlier value up to v9)
        if (JSON.stringify(d) !== before) modified++;
      }
      expect({ round, matched: res.matchedCount, modified: res.modifiedCount }).toEqual({ round, matched, modified });
    }
    const got = await all(c);
    expect(got).toEqual([...model.values()].map((d) => ({ _id: d._id, g: d.g, n: d.n, ...(d.s === undefined ? {} : { s: d.s }) })));
  });

  it('a duplicate key in the second batch: the documents before it are updated, it and those after are not', async () => {
    // u = 0, 2, 4, … ; one more document holds 301, so $inc u: 1 collides at the 151st document (u 300 -> 301)
    const docs: Doc[] = Array.from({ length: 250 }, (_, i) => ({ _id: i, g: 0, n: 0, u: 2 * i }));
    docs.push({ _id: 1000, g: 1, n: 0, u: 301 });
    const c = await fresh('dup', docs);
    await c.createIndex({ u: 1 }, { unique: true, name: 'u_unique' });
    const err = await c.updateMany({}, { $inc: { u: 1 } }).then(
      () => null,
      (e: Error) => e,
    );
    // (FerretDB 1.24 reports a unique index refusing an update as InternalError, code 1, not E11000)
    expect(err?.message).toMatch(/UNIQUE constraint failed/);
    const got = await all(c);
    for (const d of got) {
      const want = d._id < 150 ? 2 * d._id + 1 : d._id === 1000 ? 301 : 2 * d._id;
      expect({ _id: d._id, u: d.u }).toEqual({ _id: d._id, u: want });
    }
  });

  it('an invalid $inc on a later document: the documents read before it are written, then the error', async () => {
    const docs: Doc[] = Array.from({ length: 250 }, (_, i) => ({ _id: i, g: 0, n: i }));
    (docs[130] as unknown as { n: string }).n = 'not a number';
    const c = await fresh('invalid', docs);
    const err = await c.updateMany({}, { $inc: { n: 1000 } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).not.toBeNull();
    const got = await all(c);
    for (const d of got) {
      const want = d._id === 130 ? 'not a number' : d._id < 130 ? d._id + 1000 : d._id;
      expect({ _id: d._id, n: d.n }).toEqual({ _id: d._id, n: want });
    }
  });

  it('an update that leaves the unique fields alone (one statement per batch) keeps them and changes the rest', async () => {
    const docs: Doc[] = Array.from({ length: 333 }, (_, i) => ({ _id: i, g: i % 3, n: i, u: 1000 - i }));
    const c = await fresh('one_statement', docs);
    await c.createIndex({ u: 1 }, { unique: true, name: 'u_unique' });
    await c.createIndex({ g: 1, n: 1 }, { name: 'g_n' });
    const res = await c.updateMany({ g: { $in: [0, 2] } }, { $inc: { n: 5000 }, $set: { s: 'x' } });
    expect(res.matchedCount).toBe(222);
    expect(res.modifiedCount).toBe(222);
    const got = await all(c);
    expect(got).toEqual(docs.map((d) => (d.g === 1 ? d : { ...d, n: d.n + 5000, s: 'x' })));
    // the non-unique index answers with the new values
    expect(await c.countDocuments({ g: 2, n: { $gte: 5000 } })).toBe(111);
  });

  it('an update of a unique field is written in the order the command reads the documents', async () => {
    // read order (insertion) is _id 1 then _id 0: 0 -> 1 collides with _id 0 still at 1, as upstream does;
    // written in _id order it would succeed
    const c = await fresh('order', [
      { _id: 1, g: 0, n: 0, u: 0 },
      { _id: 0, g: 0, n: 0, u: 1 },
    ]);
    await c.createIndex({ u: 1 }, { unique: true, name: 'u_unique' });
    const err = await c.updateMany({}, { $inc: { u: 1 } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/UNIQUE constraint failed/);
    expect((await all(c)).map((d) => d.u)).toEqual([1, 0]);
  });

  it('updateOne and findOneAndUpdate still change one document', async () => {
    const c = await fresh('one', [
      { _id: 1, g: 0, n: 0 },
      { _id: 2, g: 0, n: 0 },
    ]);
    expect((await c.updateOne({ g: 0 }, { $inc: { n: 1 } })).modifiedCount).toBe(1);
    const after = await c.findOneAndUpdate({ g: 0, n: 0 }, { $inc: { n: 5 } }, { returnDocument: 'after' });
    expect(after?.n).toBe(5);
    expect((await all(c)).map((d) => d.n)).toEqual([1, 5]);
  });
});
