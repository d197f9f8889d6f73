/**
 * distinctByIndex (server/db/distinct.ts): the sorted distinct string values of an indexed field, whatever order
 * the engine returns matching documents in. Checked on the test database (the index walked: the first match is
 * the smallest) and on a FerretDB of this build with pushdown off (`--test-disable-pushdown`: every lookup reads
 * the table in insertion order, so the first match is usually not the smallest and only the narrowing finds it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { startEngine, type Engine } from '../../test/engine';
import { distinctByIndex } from './distinct';

const PORT = Number(process.env.DISTINCT_PORT ?? 27900 + (process.pid % 90));

let t: TestDb;
let off: Engine;
beforeAll(async () => {
  t = await openTestDb('distinct');
  off = await startEngine(PORT, 'distinct-off', ['--test-disable-pushdown']);
}, 120_000);
afterAll(async () => {
  await t?.drop();
  await off?.close();
});

/** A seeded generator (mulberry32): the same documents every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['zeta', 'alpha', 'Alpha', 'beta', 'b', 'beta.x', 'auth.signIn', 'é-accent', '', ' space', 'Zulu', 'm', 'mm', 'm.m'];

async function seed(db: Db, name: string) {
  const r = rng(7);
  const docs = Array.from({ length: 600 }, (_, i) => {
    const p = r();
    // mostly strings, inserted in an order unrelated to theirs (the first match read is rarely the smallest), some other types
    const v = p < 0.8 ? WORDS[WORDS.length - 1 - Math.floor((i / 600) * WORDS.length)] : p < 0.85 ? 42 : p < 0.9 ? null : p < 0.95 ? new Date(0) : undefined;
    return v === undefined ? { i } : { i, k: v };
  });
  await db.collection(name).insertMany(docs);
  await db.collection(name).createIndex({ k: 1, i: -1 });
  await db.collection(`${name}_noindex`).insertMany([{ k: 'a' }]);
  // the expected answer: distinct strings, in MongoDB's string order (bytes of UTF-8)
  const strings = [...new Set(docs.map((d) => d.k).filter((v): v is string => typeof v === 'string'))];
  return strings.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

describe('distinctByIndex', () => {
  it('answers every distinct string value in order, walking the index', async () => {
    const want = await seed(t.db, 'things');
    expect(want.length).toBeGreaterThan(8);
    expect(await distinctByIndex(t.db, 'things', 'k')).toEqual(want);
    expect(await distinctByIndex(t.db, 'things', 'k', 3)).toEqual(want.slice(0, 3));
    expect(await distinctByIndex(t.db, 'things_noindex', 'k')).toBeNull();
  });

  it('gives the same answer when the engine returns documents in table order (pushdown off)', async () => {
    const db = off.client.db('distinct_off');
    const want = await seed(db, 'things');
    expect(await distinctByIndex(db, 'things', 'k')).toEqual(want);
  });
});
