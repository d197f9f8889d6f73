import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/db';
import { reindexKeywords } from './reindex';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('reindex');
  await t.db.collection('blogs').insertMany([
    { title: 'Understanding Sleep', author: 'Nisha Rao', status: 'published' },
    { title: 'Old', _kw: ['stale'], status: 'draft' },
  ]);
});
afterAll(() => t.drop());

it('backfills _kw in batches and is idempotent', async () => {
  const r = await reindexKeywords(t.db, ['blogs'], { batchSize: 1 });
  expect(r.blogs).toEqual({ scanned: 2, updated: 2 });
  expect((await t.db.collection('blogs').findOne({ title: 'Understanding Sleep' }))!._kw).toEqual(['understanding', 'sleep', 'nisha', 'rao']);
  expect((await t.db.collection('blogs').findOne({ title: 'Old' }))!._kw).toEqual(['old']);
  expect((await reindexKeywords(t.db, ['blogs'])).blogs).toEqual({ scanned: 2, updated: 0 });
});
