/**
 * maxTimeMS on user-shaped queries (issue 17, item 6): a search that runs too long is stopped by the
 * database (MongoDB, and the embedded FerretDB with our count patch) and the operator reads
 * "narrow your search"; the count command honours maxTimeMS on the embedded database too.
 */
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
vi.hoisted(() => {
  process.env.USER_QUERY_MAX_TIME_MS = '100';
});
import { TRPCError } from '@trpc/server';
import { ObjectId } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { countMatching } from './count';
import { isTimeLimitError } from './limits';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('maxtime');
  const now = Date.now();
  const docs = Array.from({ length: 30_000 }, (_, i) => ({
    _id: new ObjectId(),
    title: `Post number ${i} about sleep and focus`,
    author: `Author ${i % 50}`,
    excerpt: 'x'.repeat(40),
    tags: ['sleep'],
    createdAt: new Date(now - i * 60_000),
  }));
  for (let k = 0; k < docs.length; k += 10_000) await t.db.collection('blogs').insertMany(docs.slice(k, k + 10_000));
}, 120_000);
afterAll(() => t.drop());

describe('query time limits', () => {
  it('the count command stops at maxTimeMS (code 50)', async () => {
    const err = await countMatching(t.db, 'blogs', { title: { $regex: 'number 29999 ' } }, { maxTimeMS: 5 }).catch((e) => e);
    expect(isTimeLimitError(err)).toBe(true);
    // without a limit the same count completes
    expect(await countMatching(t.db, 'blogs', { title: { $regex: 'number 29999 ' } })).toBe(1);
  });

  it('a search that runs past USER_QUERY_MAX_TIME_MS answers BAD_REQUEST "narrow your search"', async () => {
    const sup = callerFor(t.db, await makeAdmin(t.db, 'super_admin'));
    const err = await sup.search
      .query({ collection: 'blogs', where: { op: 'and', conditions: [{ field: 'title', operator: 'contains', value: 'number 29999 ' }] }, count: 'exact' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(/Narrow your search/);
    // a narrow one still answers
    const ok = await sup.search.query({ collection: 'blogs', sort: [{ field: 'createdAt', dir: 'desc' }], pageSize: 5, count: 'none' });
    expect(ok.rows).toHaveLength(5);
  });
});
