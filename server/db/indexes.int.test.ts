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

describe("index policy 'embedded' (our FerretDB build)", () => {
  it('keeps unique and compound indexes and the keyword indexes, drops the single-field ones of ours an earlier version made', async () => {
    await ensureIndexes(t.db, { activity_events: INDEXES.activity_events!, audit_logs: INDEXES.audit_logs!, users: INDEXES.users! }, 'all');
    const before = (await t.db.collection('audit_logs').listIndexes().toArray()).map((i) => i.name);
    expect(before).toContain('at_desc');
    await ensureIndexes(t.db, INDEXES, 'embedded');
    const names = async (c: string) => (await t.db.collection(c).listIndexes().toArray()).map((i) => i.name as string).sort();
    // activity_events: only the ts and name search indexes besides the unique one (insert cost)
    expect(await names('activity_events')).toEqual(['_id_', 'eventId_unique', 'search_name', 'search_ts']);
    // audit_logs: the single-field at_desc goes (at_id_desc serves the same order)
    expect(await names('audit_logs')).not.toContain('at_desc');
    expect(await names('audit_logs')).toContain('actorEmail_at');
    // users keeps its keyword index (a multikey side table on this engine)
    expect(await names('users')).toContain('search_kw');
    // idempotent
    await ensureIndexes(t.db, INDEXES, 'embedded');
    expect(await names('audit_logs')).toContain('at_id_desc');
  });
});
