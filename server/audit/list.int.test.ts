import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allWidgets, callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { writeAudit } from './service';
import type { AdminDoc } from '../db/collections';

let t: TestDb;
let sup: AdminDoc;
beforeAll(async () => {
  t = await openTestDb('auditlist');
  sup = await makeAdmin(t.db, 'super_admin');
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    await writeAudit(t.db, {
      at: new Date(base + i * 3600_000),
      actor: { id: sup._id.toHexString(), email: i % 2 ? 'odd@x.local' : 'even@x.local', role: 'admin' },
      action: i % 3 ? 'roles.update' : 'admins.setRole',
      target: { type: i % 3 ? 'role' : 'admin', id: `t${i}`, label: `Target ${i}` },
      input: { i },
      details: { before: { n: i }, after: { n: i + 1 } },
      result: i % 5 === 0 ? 'denied' : 'success',
      error: null,
      ip: '1.2.3.4',
      userAgent: 'ua',
    });
  }
});
afterAll(() => t.drop());

describe('audit.list', () => {
  it('pages newest-first with a keyset cursor, no duplicates or gaps', async () => {
    const c = callerFor(t.db, sup);
    const seen: string[] = [];
    let cursor: { at: Date; id: string } | null = null;
    let pages = 0;
    do {
      const r: Awaited<ReturnType<typeof c.audit.list>> = await c.audit.list({
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-03T00:00:00Z'),
        limit: 7,
        cursor,
      });
      seen.push(...r.items.map((x) => (x.input as { i: number }).i.toString()));
      cursor = r.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, k) => String(29 - k)));
  });

  it('filters by actor, action, target, result and date range; details are returned', async () => {
    const c = callerFor(t.db, sup);
    const window = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-03T00:00:00Z') };
    expect((await c.audit.list({ ...window, actor: 'odd@' })).items).toHaveLength(15);
    expect((await c.audit.list({ ...window, action: 'admins.setRole' })).items).toHaveLength(10);
    expect((await c.audit.list({ ...window, result: 'denied' })).items).toHaveLength(6);
    const tgt = await c.audit.list({ ...window, target: 'Target 12' });
    expect(tgt.items.map((x) => x.target?.id)).toEqual(['t12']);
    expect(tgt.items[0]!.details).toEqual({ before: { n: 12 }, after: { n: 13 } });
    const ranged = await c.audit.list({ from: new Date('2026-01-01T05:00:00Z'), to: new Date('2026-01-01T09:00:00Z') });
    expect(ranged.items).toHaveLength(5);
    expect((await c.audit.list({ ...window, action: '.*' })).items).toHaveLength(0); // escaped
    expect(await c.audit.actions()).toEqual(expect.arrayContaining(['admins.setRole', 'roles.update']));
  });
});

describe('dashboard widgets', () => {
  it('returns exactly the widgets of the role', async () => {
    const keys = async (role: string) => (await allWidgets(callerFor(t.db, await makeAdmin(t.db, role)))).map((w) => w.key);
    expect(await keys('viewer')).toEqual(['counts']);
    expect(await keys('moderator')).toEqual(['counts', 'pendingActions', 'moderationQueues']);
    expect(await keys('content_manager')).toEqual(['counts', 'content']);
    expect(await keys('super_admin')).toEqual([
      'counts',
      'systemStatus',
      'adminActivity',
      'pendingActions',
      'moderationQueues',
      'analytics',
      'backupHealth',
      'dataQuality',
      'content',
    ]);
    expect(await keys('analyst')).toEqual(['counts', 'analytics']);
    expect(await keys('admin')).toEqual([
      'counts',
      'systemStatus',
      'adminActivity',
      'pendingActions',
      'moderationQueues',
      'analytics',
      'backupHealth',
      'dataQuality',
      'content',
    ]);
    // a widget outside the role is refused even when asked for by name
    const viewerCaller = callerFor(t.db, await makeAdmin(t.db, 'viewer'));
    await expect(viewerCaller.dashboard.widget({ key: 'backupHealth' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(viewerCaller.dashboard.widget({ key: 'noSuchWidget' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(viewerCaller.dashboard.widget({ key: '$where' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const all = await allWidgets(callerFor(t.db, sup));
    expect(all.every((w) => w.ok)).toBe(true);
    const act = all.find((w) => w.key === 'adminActivity');
    expect(act?.ok && act.key === 'adminActivity' && act.data.recent.length).toBe(8);
    const sys = all.find((w) => w.key === 'systemStatus');
    expect(sys?.ok && sys.key === 'systemStatus' && sys.data.pingMs).toBeGreaterThanOrEqual(0);
    // dashboard.get: the same widgets with data in one answer
    const moderator = callerFor(t.db, await makeAdmin(t.db, 'moderator'));
    const got = await moderator.dashboard.get();
    expect(got.map((w) => w.key)).toEqual(['counts', 'pendingActions', 'moderationQueues']);
    expect(got.every((w) => w.ok)).toBe(true);
  });

  it('masks personal fields in moderation queues for a role without personal-data access', async () => {
    await t.db.collection('contacts').insertOne({ subject: 'Help', email: 'p@x.local', status: 'new', createdAt: new Date() });
    const now = new Date();
    await t.db.collection('roles').insertOne({
      key: 'modlite',
      label: 'Mod lite',
      description: '',
      permissions: ['dashboard.view', 'moderation.manage'],
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const w = (await allWidgets(callerFor(t.db, await makeAdmin(t.db, 'modlite')))).find((x) => x.key === 'moderationQueues');
    if (!w || w.key !== 'moderationQueues' || !w.ok) throw new Error('missing widget');
    expect(w.data.contacts.items[0]).toMatchObject({ title: 'Help', sub: '••••' });
    const m = (await allWidgets(callerFor(t.db, await makeAdmin(t.db, 'moderator')))).find((x) => x.key === 'moderationQueues');
    expect(m?.ok && m.key === 'moderationQueues' && m.data.contacts.items[0]!.sub).toBe('p@x.local');
  });
});
