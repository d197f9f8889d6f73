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
    // 'all': what MongoDB gets (the test run itself says ACUBE_EMBEDDED=1, see the last test).
    await ensureIndexes(t.db, INDEXES, 'all');
    await ensureIndexes(t.db, INDEXES, 'all');
    const names = (await t.db.collection('audit_logs').listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', ...INDEXES.audit_logs.map((i) => i.name!)].sort());
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('creates an index added later to an existing collection', async () => {
    await ensureIndexes(t.db, { admins: [...INDEXES.admins, { key: { name: 1 }, name: 'name_1' }] }, 'all');
    const names = (await t.db.collection('admins').listIndexes().toArray()).map((i) => i.name);
    expect(names).toContain('name_1');
  });
});

describe("index policy 'constraints' (the embedded database)", () => {
  it('creates only unique indexes and drops the non-unique ones of ours an earlier version made', async () => {
    await ensureIndexes(t.db, { activity_events: INDEXES.activity_events! }, 'all');
    const before = (await t.db.collection('activity_events').listIndexes().toArray()).map((i) => i.name);
    expect(before).toContain('userId_ts');
    await ensureIndexes(t.db, { activity_events: INDEXES.activity_events! }, 'constraints');
    const after = (await t.db.collection('activity_events').listIndexes().toArray()).map((i) => i.name).sort();
    expect(after).toEqual(['_id_', 'eventId_unique']);
    // Idempotent, and for every collection: audit_logs has only non-unique indexes.
    await ensureIndexes(t.db, INDEXES, 'constraints');
    expect((await t.db.collection('activity_events').listIndexes().toArray()).map((i) => i.name).sort()).toEqual(['_id_', 'eventId_unique']);
    expect((await t.db.collection('audit_logs').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });
});
