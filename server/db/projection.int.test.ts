/**
 * The `acube-projection-fast` FerretDB patch (scripts/ferretdb-patches/acube_projection.go): an inclusion
 * projection of top-level fields is applied in one pass instead of upstream's copy-and-rebuild. Seeded
 * random documents (mixed types, nested documents, arrays, binaries, fields in random order and missing)
 * and random projections of that shape are checked two ways:
 *   - against the same projection plus a dotted path the documents never have (`zz.none`): that one
 *     takes upstream's code (the patch only handles top-level names) and includes nothing more, so the
 *     raw BSON of both answers must be byte for byte the same (values, types and field order);
 *   - against MongoDB's rule computed here: `_id` first unless excluded, then the projected fields the
 *     document has, in the document's order.
 * PROJECTION_SEED=n replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary, BSON, Double, Int32, Long, ObjectId, type Document } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { Rng } from '../lib/prng';

const SEED = Number(process.env.PROJECTION_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FIELDS = ['a', 'b', 'c', 'name', 'ts', 'props', 'tags', 'n'];

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('projection');
});
afterAll(() => t?.drop());

function scalar(r: Rng): unknown {
  switch (r.int(0, 10)) {
    case 0:
      return new Int32(r.int(-5, 5));
    case 1:
      return new Double(r.pick([0, 1.5, -2, 1e20]));
    case 2:
      return Long.fromNumber(r.int(-3, 3));
    case 3:
      return r.pick(['', 'x', 'héllo', 'a "quoted" <tag>', 'ünï', '1']);
    case 4:
      return new Date(Date.UTC(2026, r.int(0, 11), r.int(1, 28)));
    case 5:
      return null;
    case 6:
      return r.chance(0.5);
    case 7:
      return new ObjectId();
    case 8:
      return new Binary(Buffer.from([r.int(0, 255), r.int(0, 255)]));
    case 9:
      return new Double(-0.25); // (no Decimal128: FerretDB 1.24 drops the connection on one)
    default:
      return r.pick(['booking.created', 'page.view']);
  }
}

function value(r: Rng, depth = 0, inArray = false): unknown {
  // (no array directly in an array: FerretDB 1.24 refuses nested arrays)
  if (depth < 2 && !inArray && r.chance(0.15)) return Array.from({ length: r.int(0, 3) }, () => value(r, depth + 1, true));
  if (depth < 2 && r.chance(0.15)) {
    const d: Document = {};
    for (const k of FIELDS.slice(0, r.int(0, 3))) d[k] = value(r, depth + 1);
    return d;
  }
  return scalar(r);
}

function randomDoc(r: Rng, i: number): Document {
  const keys = FIELDS.filter(() => r.chance(0.7));
  // random field order
  for (let j = keys.length - 1; j > 0; j--) {
    const k = r.int(0, j);
    [keys[j], keys[k]] = [keys[k]!, keys[j]!];
  }
  const doc: Document = { _id: r.chance(0.5) ? new ObjectId() : `id${i}` };
  for (const k of keys) doc[k] = value(r);
  return doc;
}

function randomProjection(r: Rng): Document {
  const p: Document = {};
  const keys = FIELDS.filter(() => r.chance(0.35));
  const id = r.int(0, 4); // 0: not named, 1: 1, 2: true, 3: 0, 4: false
  if (keys.length === 0 && id === 0) keys.push(r.pick(FIELDS)); // `{}` is no projection at all
  if (id && r.chance(0.5)) p._id = [0, 1, true, 0, false][id];
  for (const k of keys) p[k] = r.chance(0.5) ? 1 : true;
  if (id && !('_id' in p)) p._id = [0, 1, true, 0, false][id];
  // `{_id: 0}` alone is an exclusion projection (upstream's path): keep one, it is still compared
  return p;
}

/** MongoDB's top-level inclusion projection, for the stored document `doc`. */
function expected(doc: Document, projection: Document): Document {
  const named = Object.keys(projection).filter((k) => k !== '_id');
  const keepId = projection._id === undefined || Boolean(projection._id);
  if (named.length === 0 && !keepId) {
    // exclusion of _id only
    const { _id, ...rest } = doc;
    void _id;
    return rest;
  }
  const out: Document = {};
  if (keepId) out._id = doc._id;
  for (const k of Object.keys(doc)) if (k !== '_id' && named.includes(k)) out[k] = doc[k];
  return out;
}

const canonical = (d: Document) => BSON.EJSON.stringify(d, { relaxed: false });

describe('FerretDB acube-projection-fast patch (seeded)', () => {
  it(`top-level inclusion projections equal upstream's path and MongoDB's rule (seed ${SEED})`, async () => {
    const r = new Rng(SEED);
    const coll = t.db.collection('docs');
    const docs = Array.from({ length: 120 }, (_, i) => randomDoc(r, i));
    await coll.insertMany(docs);
    let compared = 0;
    for (let q = 0; q < 60; q++) {
      const projection = randomProjection(r);
      const fast = (await coll.find({}, { projection, sort: { _id: 1 }, raw: true }).toArray()) as unknown as Buffer[];
      const slow = (await coll.find({}, { projection: { ...projection, 'zz.none': 1 }, sort: { _id: 1 }, raw: true }).toArray()) as unknown as Buffer[];
      const full = await coll.find({}, { sort: { _id: 1 }, promoteValues: false }).toArray();
      const named = Object.keys(projection).some((k) => k !== '_id');
      const context = `seed ${SEED}, projection ${JSON.stringify(projection)}`;
      expect(fast.length, context).toBe(docs.length);
      for (let i = 0; i < fast.length; i++) {
        const got = BSON.deserialize(fast[i]!, { promoteValues: false });
        // upstream's path (only where the extra dotted path keeps it an inclusion projection)
        if (named || projection._id === undefined || projection._id) {
          expect(
            Buffer.from(fast[i]!).equals(Buffer.from(slow[i]!)),
            `${context}: ${canonical(got)} vs ${canonical(BSON.deserialize(slow[i]!, { promoteValues: false }))}`,
          ).toBe(true);
        }
        expect(canonical(got), context).toBe(canonical(expected(full[i]!, projection)));
        compared++;
      }
    }
    expect(compared).toBe(60 * docs.length);
  }, 120_000);
});
