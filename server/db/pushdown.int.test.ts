/**
 * Differential property test of the FerretDB pushdown patches (scripts/lib/ferretdb-patches.mjs):
 * random collections and random finds/counts run on the patched engine with pushdown on and with
 * pushdown off (`--test-disable-pushdown`, FerretDB's own flag: every document is read and filtered
 * and sorted in Go, as upstream does), and must give the same documents in the same order.
 *
 * Seeded: PUSHDOWN_SEED=<n> replays a run, PUSHDOWN_CASES=<n> changes its size. A failure shrinks the
 * collection to a minimal one that still disagrees and prints it with the query, indexes and seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON, Binary, Double, Int32, Long, MongoClient, ObjectId, type Document } from 'mongodb';
import { startEngine, type Engine } from '../../test/engine';
import { Rng } from '../lib/prng';

const SEED = Number(process.env.PUSHDOWN_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.PUSHDOWN_CASES ?? 2400);
const QUERIES_PER_COLLECTION = 120;
// PUSHDOWN_PORT: the first of the two ports the test starts its engines on (default: one derived from the pid).
const BASE_PORT = Number(process.env.PUSHDOWN_PORT ?? 27500 + (process.pid % 400));

let on: Engine;
let off: Engine;

beforeAll(async () => {
  on = await startEngine(BASE_PORT, 'pushdown-on', []);
  off = await startEngine(BASE_PORT + 1, 'pushdown-off', ['--test-disable-pushdown']);
}, 120_000);

afterAll(async () => {
  for (const e of [on, off]) await e?.close();
});

// ---- random values -------------------------------------------------------------------------------

const STRINGS = [
  '',
  'a',
  'a b',
  'a!',
  'ab',
  'A',
  'b',
  'book',
  'booking',
  'bookings',
  'é',
  'ée',
  'z',
  '10',
  '9',
  'Zoë',
  '日本',
  '<a&b>',
  'x"y',
  'line\nbreak',
  'tab\tx',
  'ﬀ',
  '😀',
];
const FIELDS = ['a', 'b', 'c', 'tags'] as const;

function scalar(r: Rng): unknown {
  switch (r.int(0, 12)) {
    case 0:
      return new Int32(r.int(-3, 3));
    case 1:
      return new Double(r.pick([0, 1, 1.5, -2, 2, 3, 1e15, -0.5, 2.0000001]));
    case 2:
      return Long.fromNumber(r.pick([0, 1, 2, 3, 9007199254740993, -1]));
    case 3:
    case 4:
      return r.pick(STRINGS);
    case 5:
      return new Date(Date.UTC(2024, 0, 1) + r.int(-3, 3) * 86_400_000 + r.pick([0, 1, 999]));
    case 6:
      return new ObjectId(`65${r.pick(['0', '1', 'f'])}${'0'.repeat(20)}${r.int(0, 9)}`);
    case 7:
      return r.chance(0.5);
    case 8:
      return null;
    case 9:
      return new Int32(r.int(0, 2));
    case 10:
      return r.pick(['book', 'booking', 'a', 'b']);
    default:
      return new Double(r.int(0, 3));
  }
}

function value(r: Rng, depth = 0): unknown {
  const k = r.int(0, 20);
  if (k <= 13 || depth > 1) return scalar(r);
  // FerretDB v1 refuses nested arrays; arrays hold scalars and documents
  if (k <= 17) return Array.from({ length: r.int(0, 3) }, () => (r.chance(0.15) ? { x: scalar(r) } : scalar(r)));
  return { x: scalar(r), ...(r.chance(0.5) ? { y: scalar(r) } : {}) };
}

function makeId(r: Rng, i: number): unknown {
  switch (
    r.weighted([
      ['oid', 12],
      ['int', 3],
      ['str', 3],
      ['obj', 1],
      ['bin', 1],
    ] as const)
  ) {
    case 'int':
      return new Int32(i);
    case 'str':
      return `id-${String(i).padStart(4, '0')}`;
    case 'obj':
      return { k: i % 3, n: i };
    case 'bin':
      return new Binary(Buffer.from([i % 7, i % 256]));
    default:
      return new ObjectId(`66${i.toString(16).padStart(22, '0')}`);
  }
}

function makeDocs(r: Rng): Document[] {
  const n = r.int(20, 220);
  const docs: Document[] = [];
  // a field has a "profile": mostly one type (like real collections), sometimes anything
  const profile = Object.fromEntries(
    FIELDS.map((f) => [
      f,
      r.weighted([
        ['mixed', 2],
        ['str', 2],
        ['num', 2],
        ['date', 1],
        ['arr', f === 'tags' ? 4 : 1],
      ] as const),
    ]),
  );
  for (let i = 0; i < n; i++) {
    const d: Document = { _id: makeId(r, i) };
    for (const f of FIELDS) {
      if (r.chance(0.1)) continue; // missing
      const p = profile[f];
      if (p === 'mixed' || r.chance(0.05)) d[f] = value(r);
      else if (p === 'str') d[f] = r.pick(STRINGS);
      else if (p === 'num') d[f] = r.chance(0.5) ? new Int32(r.int(-2, 5)) : new Double(r.int(-2, 5) + r.pick([0, 0.5]));
      else if (p === 'date') d[f] = new Date(Date.UTC(2024, 0, 1) + r.int(0, 5) * 3_600_000);
      else d[f] = Array.from({ length: r.int(0, 4) }, () => (r.chance(0.8) ? r.pick(['book', 'booking', 'a', 'b', 'p:book', 'z']) : scalar(r)));
    }
    docs.push(d);
  }
  return docs;
}

function makeIndexes(r: Rng): Document[] {
  const out: Document[] = [];
  for (const f of FIELDS) {
    if (r.chance(0.6)) {
      const dir = r.chance(0.5) ? 1 : -1;
      out.push({ key: { [f]: dir, _id: dir }, name: `cx_${f}` });
    }
    if (r.chance(0.5)) out.push({ key: { [f]: 1 }, name: `mk_${f}` });
  }
  if (r.chance(0.3)) out.push({ key: { a: 1, b: -1 }, name: 'ab' });
  return out;
}

function condition(r: Rng, depth = 0): Document {
  const f = r.weighted([
    ['a', 3],
    ['b', 3],
    ['c', 2],
    ['tags', 3],
    ['_id', 1],
  ] as const);
  const v = () => (f === '_id' ? makeId(r, r.int(0, 220)) : r.chance(0.85) ? scalar(r) : value(r));
  switch (r.int(0, 14)) {
    case 0:
    case 1:
    case 2:
      return { [f]: v() };
    case 3:
      return { [f]: { $eq: v() } };
    case 4:
    case 5:
      return { [f]: { $in: Array.from({ length: r.int(0, 4) }, v) } };
    case 6:
      return { [f]: { [r.pick(['$gt', '$gte', '$lt', '$lte'])]: v() } };
    case 7:
      return { [f]: { $gte: v(), $lt: v() } };
    case 8:
      return { [f]: { $ne: v() } };
    case 9:
      return { [f]: { $exists: r.chance(0.5) } };
    case 10:
      return {
        [f]: { $regex: `^${r.pick(['b', 'bo', 'book', 'a', 'p:', 'x\\"', 'a\\ b', '[ab]', 'bo*k', 'é'])}`, ...(r.chance(0.2) ? { $options: 'i' } : {}) },
      };
    case 11:
      return { [f]: { $nin: [v(), v()] } };
    case 12:
      return depth < 2 ? { $or: Array.from({ length: r.int(1, 3) }, () => condition(r, depth + 1)) } : { [f]: v() };
    case 13:
      return depth < 2 ? { $and: Array.from({ length: r.int(1, 3) }, () => condition(r, depth + 1)) } : { [f]: v() };
    default:
      return { [f]: { $in: [v(), null] } };
  }
}

interface Query {
  filter: Document;
  sort: Document | null;
  skip: number;
  limit: number;
  count: boolean;
  /** Count with the `count` command (pushed down to SQLite when exact) instead of countDocuments. */
  countCmd: boolean;
}

function makeQuery(r: Rng): Query {
  const parts = Array.from(
    {
      length: r.weighted([
        [0, 1],
        [1, 6],
        [2, 3],
      ] as const),
    },
    () => condition(r),
  );
  const filter = parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : r.chance(0.5) ? { $and: parts } : Object.assign({}, ...parts);
  let sort: Document | null = null;
  if (r.chance(0.85)) {
    const f = r.pick(['a', 'b', 'c', 'tags', '_id']);
    const dir = r.chance(0.5) ? 1 : -1;
    sort = f === '_id' ? { _id: dir } : { [f]: dir, _id: r.chance(0.9) ? dir : -dir };
  }
  return { filter, sort, skip: r.chance(0.3) ? r.int(1, 30) : 0, limit: r.chance(0.7) ? r.int(1, 60) : 0, count: r.chance(0.25), countCmd: r.chance(0.6) };
}

// ---- running and comparing -----------------------------------------------------------------------

const show = (x: unknown) => BSON.EJSON.stringify(x, { relaxed: false });

async function runOne(client: MongoClient, coll: string, q: Query): Promise<string[]> {
  const c = client.db('pushdown').collection(coll);
  if (q.count && q.countCmd) {
    const res = await client
      .db('pushdown')
      .command({ count: coll, query: q.filter, ...(q.skip ? { skip: q.skip } : {}), ...(q.limit ? { limit: q.limit } : {}) });
    return [String(res.n)];
  }
  if (q.count) return [String(await c.countDocuments(q.filter, q.skip || q.limit ? { skip: q.skip, limit: q.limit || undefined } : {}))];
  let cur = c.find(q.filter);
  if (q.sort) cur = cur.sort(q.sort);
  if (q.skip) cur = cur.skip(q.skip);
  if (q.limit) cur = cur.limit(q.limit);
  return (await cur.toArray()).map(show);
}

async function outcome(client: MongoClient, coll: string, q: Query): Promise<{ ok: true; rows: string[] } | { ok: false; error: string }> {
  try {
    return { ok: true, rows: await runOne(client, coll, q) };
  } catch (e) {
    return { ok: false, error: (e as { codeName?: string; message?: string }).codeName ?? String((e as Error).message).slice(0, 80) };
  }
}

/** Same answer? Without a sort, order is not defined: compare as sets (and subsets when limited). */
async function agree(coll: string, q: Query): Promise<{ same: boolean; a: unknown; b: unknown }> {
  const [a, b] = await Promise.all([outcome(on.client, coll, q), outcome(off.client, coll, q)]);
  if (!a.ok || !b.ok) return { same: !a.ok && !b.ok && a.error === b.error, a, b };
  if (q.sort || q.count) return { same: JSON.stringify(a.rows) === JSON.stringify(b.rows), a: a.rows, b: b.rows };
  if (!q.skip && !q.limit) return { same: JSON.stringify([...a.rows].sort()) === JSON.stringify([...b.rows].sort()), a: a.rows, b: b.rows };
  // unsorted page: any page of the full answer is right
  const all = await outcome(off.client, coll, { ...q, skip: 0, limit: 0 });
  const set = new Set(all.ok ? all.rows : []);
  const expect = Math.max(0, Math.min(q.limit || Infinity, set.size - q.skip));
  return { same: a.rows.length === expect && a.rows.every((x) => set.has(x)) && new Set(a.rows).size === a.rows.length, a: a.rows, b: b.rows };
}

async function load(coll: string, docs: Document[], indexes: Document[]) {
  for (const e of [on, off]) {
    const c = e.client.db('pushdown').collection(coll);
    await c.drop().catch(() => undefined);
    if (docs.length) await c.insertMany(docs.map((d) => ({ ...d })));
    else await e.client.db('pushdown').createCollection(coll);
    if (indexes.length) await c.createIndexes(indexes as never);
  }
}

/** Removes documents while the engines still disagree (delta debugging), for a readable report. */
async function shrink(docs: Document[], indexes: Document[], q: Query): Promise<Document[]> {
  let cur = docs;
  let chunk = Math.ceil(cur.length / 2);
  let tries = 0;
  while (chunk >= 1 && tries < 150) {
    let removed = false;
    for (let i = 0; i < cur.length && tries < 150; i += chunk) {
      const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
      tries++;
      await load('shrink', cand, indexes);
      if (!(await agree('shrink', q)).same) {
        cur = cand;
        removed = true;
        i -= chunk;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return cur;
}

describe('FerretDB pushdown patches (differential, seeded)', () => {
  it(`${CASES} random finds and counts give the same answer with pushdown on and off (seed ${SEED})`, async () => {
    const r = new Rng(SEED);
    let cases = 0;
    let pushedSorted = 0;
    for (let ci = 0; cases < CASES; ci++) {
      const cr = r.fork(`collection-${ci}`);
      const docs = makeDocs(cr);
      const indexes = makeIndexes(cr);
      const coll = `c${ci}`;
      await load(coll, docs, indexes);
      for (let qi = 0; qi < QUERIES_PER_COLLECTION && cases < CASES; qi++, cases++) {
        const q = makeQuery(cr.fork(qi));
        if (q.sort && Object.keys(q.sort).length === 2) pushedSorted++;
        const res = await agree(coll, q);
        if (!res.same) {
          const small = await shrink(docs, indexes, q);
          const final = await (async () => {
            await load('shrink', small, indexes);
            return agree('shrink', q);
          })();
          const report = [
            `Pushdown on and off disagree (PUSHDOWN_SEED=${SEED}, collection ${ci}, query ${qi}).`,
            `indexes: ${show(indexes)}`,
            `query: ${show(q)}`,
            `documents (${small.length} of ${docs.length}): ${show(small)}`,
            `pushdown on:  ${show(final.a)}`,
            `pushdown off: ${show(final.b)}`,
          ].join('\n');
          expect.fail(report);
        }
      }
      await on.client.db('pushdown').collection(coll).drop();
      await off.client.db('pushdown').collection(coll).drop();
    }
    expect(cases).toBe(CASES);
    expect(pushedSorted).toBeGreaterThan(CASES / 4);
  }, 600_000);

  it('serves equality, ranges, keywords and sort from the indexes (SQLite plan through explain)', async () => {
    const c = on.client.db('pushdown').collection('plan');
    await c.drop().catch(() => undefined);
    await c.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ status: ['a', 'b', 'c'][i % 3], at: new Date(1e12 + i * 1000), _kw: ['w' + (i % 17), 'all'] })),
    );
    await c.createIndexes([
      { key: { status: 1, _id: 1 }, name: 'status' },
      { key: { at: -1, _id: -1 }, name: 'at' },
      { key: { _kw: 1 }, name: 'kw' },
    ]);
    const plan = async (filter: Document, sort?: Document) => {
      const ex = await on.client.db('pushdown').command({ explain: { find: 'plan', filter, ...(sort ? { sort } : {}) } });
      return { text: JSON.stringify(ex.queryPlanner), filter: ex.filterPushdown as boolean, sort: ex.sortPushdown as boolean };
    };
    const eq = await plan({ status: 'b' });
    expect(eq.text).toMatch(/USING (COVERING )?INDEX \S+_status/);
    expect(eq.filter).toBe(true);
    const range = await plan({ at: { $gte: new Date(1e12), $lt: new Date(1e12 + 50_000) } });
    expect(range.text).toMatch(/USING (COVERING )?INDEX \S+_at/);
    const kw = await plan({ _kw: 'w3' }, { at: -1, _id: -1 });
    expect(kw.text).toMatch(/_kw__mk_rv/);
    expect(kw.sort).toBe(true);
    const sorted = await plan({}, { at: -1, _id: -1 });
    expect(sorted.text).toMatch(/SCAN \S+ USING INDEX \S+_at/);
    expect(sorted.text).not.toMatch(/TEMP B-TREE/);
    // a field holding an array is never sorted by the backend (not exact)
    await c.insertOne({ status: ['a', 'z'], at: new Date(1e12) });
    const mixed = await plan({}, { status: 1, _id: 1 });
    expect(mixed.sort).toBe(false);
  });
});
