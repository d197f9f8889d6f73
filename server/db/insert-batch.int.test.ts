/**
 * FerretDB's insert batch size (`--test-batch-size`, scripts/lib/ferretdb.mjs INSERT_BATCH_SIZE = 500;
 * upstream 100): documents per INSERT statement and transaction. A larger batch must not change what an
 * insert answers or stores: a batch that fails (a duplicate `_id` or a duplicate on a unique index) is
 * retried document by document by FerretDB's handler, whatever its size. Seeded random inserts — sizes
 * across the batch boundaries, duplicates at random places (of stored documents and within the same
 * insert), ordered and unordered — run on an engine started as every engine of the app is (500) and on
 * one at upstream's 100, and must give the same inserted counts, write errors (index and code) and
 * stored documents; an ordered insert must stop at its first failure (MongoDB's rule: upstream inserted up
 * to one more batch past it, patch `acube-insert-ordered-stop`). INSERT_BATCH_SEED=n replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBulkWriteError, type Document } from 'mongodb';
// @ts-expect-error -- plain ESM helper without types (scripts run before npm ci)
import { INSERT_BATCH_SIZE } from '../../scripts/lib/ferretdb.mjs';
import { startEngine, type Engine } from '../../test/engine';
import { Rng } from '../lib/prng';

const SEED = Number(process.env.INSERT_BATCH_SEED ?? Math.floor(Math.random() * 2 ** 31));
// INSERT_BATCH_PORT: the first of the two ports the test starts its engines on (default: one derived from the pid).
const BASE_PORT = Number(process.env.INSERT_BATCH_PORT ?? 28000 + 2 * (process.pid % 200));

let ours: Engine;
let upstream: Engine;

beforeAll(async () => {
  ours = await startEngine(BASE_PORT, 'insert-batch-ours', []);
  upstream = await startEngine(BASE_PORT + 1, 'insert-batch-upstream', ['--test-batch-size=100']);
}, 120_000);

afterAll(async () => {
  for (const e of [ours, upstream]) await e?.close();
});

interface Outcome {
  inserted: number;
  errors: Array<[number, number]>;
  stored: Document[];
}

async function run(e: Engine, coll: string, setup: Document[], docs: Document[], ordered: boolean): Promise<Outcome> {
  const c = e.client.db('insert_batch').collection(coll);
  await c.createIndex({ key: 1 }, { unique: true, name: 'key_unique' });
  await c.createIndex({ g: 1, key: 1 }, { name: 'g_key' });
  if (setup.length) await c.insertMany(setup);
  let inserted = 0;
  let errors: Array<[number, number]> = [];
  try {
    inserted = (await c.insertMany(docs, { ordered })).insertedCount;
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    inserted = err.insertedCount;
    const we = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    errors = we.map((w) => [w.index, w.code] as [number, number]);
  }
  const stored = await c.find({}).sort({ _id: 1 }).toArray();
  return { inserted, errors, stored };
}

describe(`insert batch size ${INSERT_BATCH_SIZE} vs upstream's 100 (seed ${SEED})`, () => {
  it('every engine of the app is started with the larger batch', () => {
    expect(INSERT_BATCH_SIZE).toBe(500);
    expect(ours.args).toContain(`--test-batch-size=${INSERT_BATCH_SIZE}`);
    expect(upstream.args).toContain('--test-batch-size=100');
    expect(upstream.args).not.toContain(`--test-batch-size=${INSERT_BATCH_SIZE}`);
  });

  it('gives the same counts, write errors and stored documents', async () => {
    const r = new Rng(SEED);
    const SIZES = [1, 99, 100, 101, 499, 500, 501, 999, 1000, 1001, 1300];
    let dupCases = 0;
    for (let n = 0; n < 16; n++) {
      const size = n < SIZES.length ? SIZES[n]! : r.int(1, 1300);
      const ordered = r.int(0, 1) === 1;
      const setup = Array.from({ length: r.int(0, 30) }, (_, i) => ({ _id: `s${i}`, key: `k-s${i}`, g: r.int(0, 3) }));
      const docs: Document[] = Array.from({ length: size }, (_, i) => ({ _id: `d${i}`, key: `k-d${i}`, g: r.int(0, 3), n: i }));
      // duplicates at random places: a stored _id, a stored key, an earlier document's _id or key
      for (let k = r.int(0, 4); k > 0; k--) {
        const at = r.int(0, size - 1);
        const kind = r.int(0, 3);
        if (kind === 0 && setup.length) docs[at]!._id = r.pick(setup)._id;
        else if (kind === 1 && setup.length) docs[at]!.key = r.pick(setup).key;
        else if (kind === 2 && at > 0) docs[at]!._id = docs[r.int(0, at - 1)]!._id;
        else if (at > 0) docs[at]!.key = docs[r.int(0, at - 1)]!.key;
      }
      const coll = `c${n}`;
      // each engine gets its own copies (the driver adds _id to documents that have none)
      const outcome = (e: Engine) =>
        run(
          e,
          coll,
          setup,
          docs.map((d) => ({ ...d })),
          ordered,
        );
      const a = await outcome(ours);
      const b = await outcome(upstream);
      const what = `case ${n}: ${size} documents, ${ordered ? 'ordered' : 'unordered'}, seed ${SEED}`;
      if (ordered) {
        // MongoDB's rule: an ordered insert stops at its first failed document
        expect(a.errors.length, what).toBeLessThanOrEqual(1);
        expect(a.inserted, what).toBe(a.errors.length ? a.errors[0]![0] : size);
      }
      expect(a.errors, what).toEqual(b.errors);
      expect(a.inserted, what).toBe(b.inserted);
      expect(a.stored, what).toEqual(b.stored);
      expect(a.stored.length, what).toBe(setup.length + a.inserted);
      if (a.errors.length) dupCases++;
    }
    // the cases must exercise the failure path, or they prove little
    expect(dupCases).toBeGreaterThan(3);
  }, 120_000);
});
