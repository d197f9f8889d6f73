import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/db';
import { ensureIndexes, INDEXES } from './indexes';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('idx');
});
afterAll(() => t.drop());

describe('ensureIndexes', () => {
  it('is idempotent: a second and third run on existing collections change nothing and do not fail', async () => {
    await t.db.collection('audit_logs').insertOne({ at: new Date(), action: 'x' });
    await ensureIndexes(t.db);
    await ensureIndexes(t.db);
    const names = (await t.db.collection('audit_logs').listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', ...INDEXES.audit_logs.map((i) => i.name!)].sort());
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('creates an index added later to an existing collection', async () => {
    await ensureIndexes(t.db, { admins: [...INDEXES.admins, { key: { name: 1 }, name: 'name_1' }] });
    const names = (await t.db.collection('admins').listIndexes().toArray()).map((i) => i.name);
    expect(names).toContain('name_1');
  });
});
