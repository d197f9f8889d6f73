/** The guard rails of role management, each through the tRPC caller (as the browser calls them). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { collections, type AdminDoc } from '../db/collections';
import { verifyPassword } from '../auth/password';

let t: TestDb;
let sup: AdminDoc;
beforeAll(async () => {
  t = await openTestDb('guard');
  sup = await makeAdmin(t.db, 'super_admin');
});
afterAll(() => t.drop());

async function code(p: Promise<unknown>) {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
}
const lastAudit = (action: string) => collections.auditLogs(t.db).find({ action }).sort({ at: -1, _id: -1 }).limit(1).next();

describe('roles', () => {
  it('creates a custom role, audits before/after, and lists it with the built-ins', async () => {
    const r = await callerFor(t.db, sup).roles.create({ key: 'support', label: 'Support', permissions: ['dashboard.view', 'moderation.manage'] });
    expect(r).toMatchObject({ key: 'support', builtin: false, adminCount: 0 });
    const list = await callerFor(t.db, sup).roles.list();
    expect(list.slice(0, 6).every((x) => x.builtin)).toBe(true);
    expect(list.map((x) => x.key)).toContain('support');
    const a = await lastAudit('roles.create');
    expect(a).toMatchObject({ result: 'success', target: { type: 'role', id: 'support' } });
    expect(a!.details).toEqual({
      before: null,
      after: { key: 'support', label: 'Support', description: '', permissions: ['dashboard.view', 'moderation.manage'] },
    });
  });

  it('a custom role key cannot collide with a built-in or an existing key', async () => {
    expect(await code(callerFor(t.db, sup).roles.create({ key: 'viewer', label: 'X', permissions: [] }))).toBe('CONFLICT');
    expect(await code(callerFor(t.db, sup).roles.create({ key: 'support', label: 'X', permissions: [] }))).toBe('CONFLICT');
    expect(await code(callerFor(t.db, sup).roles.create({ key: 'Bad Key', label: 'X', permissions: [] }))).toBe('BAD_REQUEST');
    expect(await code(callerFor(t.db, sup).roles.create({ key: 'okkey', label: 'X', permissions: ['no.such' as never] }))).toBe('BAD_REQUEST');
  });

  it('built-in roles cannot be edited or deleted', async () => {
    expect(await code(callerFor(t.db, sup).roles.update({ key: 'viewer', permissions: ['export'] }))).toBe('FORBIDDEN');
    expect(await code(callerFor(t.db, sup).roles.delete({ key: 'admin' }))).toBe('FORBIDDEN');
    const a = await lastAudit('roles.update');
    expect(a!.result).not.toBe('success');
    expect(a!.error).toMatch(/read-only/);
  });

  it('nobody grants a permission they do not hold', async () => {
    // a role manager without backup.delete: can create roles inside its own permissions only
    await callerFor(t.db, sup).roles.create({
      key: 'role_mgr',
      label: 'Role manager',
      permissions: ['dashboard.view', 'roles.read', 'roles.manage', 'export'],
    });
    const mgr = await makeAdmin(t.db, 'role_mgr');
    const c = callerFor(t.db, mgr);
    expect(await code(c.roles.create({ key: 'sneaky', label: 'S', permissions: ['backup.delete'] }))).toBe('FORBIDDEN');
    expect(await code(c.roles.create({ key: 'fine', label: 'F', permissions: ['export'] }))).toBe('OK');
    expect(await code(c.roles.update({ key: 'fine', permissions: ['export', 'backup.delete'] }))).toBe('FORBIDDEN');
    expect(await code(c.roles.update({ key: 'fine', permissions: [] }))).toBe('OK');
    expect((await c.roles.get({ key: 'fine' })).permissions).toEqual([]);
    // an admin manager cannot hand out a role stronger than its own
    await callerFor(t.db, sup).roles.create({ key: 'adm_mgr', label: 'Admin manager', permissions: ['dashboard.view', 'admins.read', 'admins.manage'] });
    const am = callerFor(t.db, await makeAdmin(t.db, 'adm_mgr'));
    expect(await code(am.admins.create({ email: 'x1@test.local', name: 'X', role: 'super_admin' }))).toBe('FORBIDDEN');
    expect(await code(am.admins.create({ email: 'x2@test.local', name: 'X', role: 'viewer' }))).toBe('FORBIDDEN'); // viewer has data reads
    expect(await code(am.admins.create({ email: 'x3@test.local', name: 'X', role: 'adm_mgr' }))).toBe('OK');
    // nor demote or deactivate someone stronger
    expect(await code(am.admins.setRole({ id: sup._id.toHexString(), role: 'adm_mgr' }))).toBe('FORBIDDEN');
    expect(await code(am.admins.deactivate({ id: sup._id.toHexString() }))).toBe('FORBIDDEN');
  });

  it('a role manager cannot edit a role whose holders hold permissions it lacks (no stripping a stronger admin)', async () => {
    await callerFor(t.db, sup).roles.create({ key: 'ops_lead', label: 'Ops lead', permissions: ['dashboard.view', 'roles.read', 'backup.delete'] });
    await makeAdmin(t.db, 'ops_lead');
    await callerFor(t.db, sup).roles.create({ key: 'role_mgr2', label: 'Role manager 2', permissions: ['dashboard.view', 'roles.read', 'roles.manage'] });
    const mgr = callerFor(t.db, await makeAdmin(t.db, 'role_mgr2'));
    // removing permissions, or only relabelling, is still managing the holders
    expect(await code(mgr.roles.update({ key: 'ops_lead', permissions: ['dashboard.view'] }))).toBe('FORBIDDEN');
    expect(await code(mgr.roles.update({ key: 'ops_lead', label: 'Demoted' }))).toBe('FORBIDDEN');
    expect(await collections.roles(t.db).findOne({ key: 'ops_lead' })).toMatchObject({
      label: 'Ops lead',
      permissions: ['dashboard.view', 'roles.read', 'backup.delete'],
    });
    expect((await lastAudit('roles.update'))!.error).toMatch(/holder/);
    // a role whose holders hold only what the editor holds may be edited
    await callerFor(t.db, sup).roles.create({ key: 'reader', label: 'Reader', permissions: ['dashboard.view', 'roles.read'] });
    await makeAdmin(t.db, 'reader');
    expect(await code(mgr.roles.update({ key: 'reader', permissions: ['dashboard.view'] }))).toBe('OK');
    // the super admin (holding everything) still may
    expect(await code(callerFor(t.db, sup).roles.update({ key: 'ops_lead', permissions: ['dashboard.view', 'roles.read'] }))).toBe('OK');
  });

  it('a role in use cannot be deleted; an unused one can, audited', async () => {
    expect(await code(callerFor(t.db, sup).roles.delete({ key: 'role_mgr' }))).toBe('CONFLICT');
    expect(await code(callerFor(t.db, sup).roles.delete({ key: 'fine' }))).toBe('OK');
    expect(await collections.roles(t.db).findOne({ key: 'fine' })).toBeNull();
    expect((await lastAudit('roles.delete'))!.details).toMatchObject({ before: { key: 'fine' }, after: null });
  });

  it('editing a custom role takes effect on its holders’ next request', async () => {
    await callerFor(t.db, sup).roles.create({ key: 'editme', label: 'Edit me', permissions: ['dashboard.view'] });
    const a = callerFor(t.db, await makeAdmin(t.db, 'editme'));
    expect(await code(a.audit.list({}))).toBe('FORBIDDEN');
    await callerFor(t.db, sup).roles.update({ key: 'editme', permissions: ['dashboard.view', 'audit.read'] });
    expect(await code(a.audit.list({}))).toBe('OK');
    expect((await lastAudit('roles.update'))!.details).toEqual({
      before: { key: 'editme', label: 'Edit me', description: '', permissions: ['dashboard.view'] },
      after: { key: 'editme', label: 'Edit me', description: '', permissions: ['audit.read', 'dashboard.view'] },
    });
  });
});

describe('admins', () => {
  it('creates an admin with a one-time initial password that signs in, audited without the password', async () => {
    const r = await callerFor(t.db, sup).admins.create({ email: 'New.Person@Test.local', name: 'New Person', role: 'support' });
    expect(r.admin).toMatchObject({ email: 'new.person@test.local', role: 'support', status: 'active', createdByLabel: sup.email });
    expect(r.initialPassword.length).toBeGreaterThanOrEqual(20);
    const doc = await collections.admins(t.db).findOne({ email: 'new.person@test.local' });
    expect(await verifyPassword(doc!.passwordHash, r.initialPassword)).toBe(true);
    const a = await lastAudit('admins.create');
    expect(JSON.stringify(a)).not.toContain(r.initialPassword);
    expect(a!.details).toMatchObject({ before: null, after: { role: 'support' } });
    expect(await code(callerFor(t.db, sup).admins.create({ email: 'new.person@test.local', name: 'Dup', role: 'viewer' }))).toBe('CONFLICT');
    expect(await code(callerFor(t.db, sup).admins.create({ email: 'n2@test.local', name: 'N', role: 'nope' }))).toBe('BAD_REQUEST');
  });

  it('lists with search, role and status filters, never exposing password hashes', async () => {
    const c = callerFor(t.db, sup);
    const all = await c.admins.list({});
    expect(all.total).toBeGreaterThan(3);
    expect(JSON.stringify(all)).not.toContain('argon2');
    const found = await c.admins.list({ q: 'new.PERSON' });
    expect(found.items.map((x) => x.email)).toEqual(['new.person@test.local']);
    expect((await c.admins.list({ q: '.*' })).total).toBe(0); // regex is escaped
    expect((await c.admins.list({ role: 'support' })).items.every((x) => x.role === 'support')).toBe(true);
    expect((await c.admins.list({ status: 'deactivated' })).total).toBe(0);
  });

  it('an admin cannot change their own role or deactivate themselves', async () => {
    const c = callerFor(t.db, sup);
    expect(await code(c.admins.setRole({ id: sup._id.toHexString(), role: 'viewer' }))).toBe('FORBIDDEN');
    expect(await code(c.admins.deactivate({ id: sup._id.toHexString() }))).toBe('FORBIDDEN');
    expect((await collections.admins(t.db).findOne({ _id: sup._id }))!.role).toBe('super_admin');
    // a guard-rail refusal is recorded as denied, like a missing permission
    expect(await lastAudit('admins.deactivate')).toMatchObject({ result: 'denied', target: { id: sup._id.toHexString() } });
  });

  it('the last active super admin cannot be demoted or deactivated', async () => {
    // a caller holding every permission through a custom role (so the self rule does not apply)
    const { PERMISSIONS } = await import('../permissions');
    await collections.roles(t.db).insertOne({
      key: 'everything',
      label: 'Everything',
      description: '',
      permissions: [...PERMISSIONS],
      createdAt: new Date(),
      updatedAt: new Date(),
      createdBy: null,
    } as never);
    const all = callerFor(t.db, await makeAdmin(t.db, 'everything'));
    expect(await collections.admins(t.db).countDocuments({ role: 'super_admin', status: 'active' })).toBe(1);
    expect(await code(all.admins.setRole({ id: sup._id.toHexString(), role: 'admin' }))).toBe('PRECONDITION_FAILED');
    expect(await code(all.admins.deactivate({ id: sup._id.toHexString() }))).toBe('PRECONDITION_FAILED');
    expect(await collections.admins(t.db).findOne({ _id: sup._id })).toMatchObject({ role: 'super_admin', status: 'active' });
    expect(await lastAudit('admins.deactivate')).toMatchObject({ result: 'failure', target: { id: sup._id.toHexString() } });
    // with a second active super admin, either may be demoted or deactivated
    const sup2 = await makeAdmin(t.db, 'super_admin');
    expect(await code(all.admins.deactivate({ id: sup2._id.toHexString() }))).toBe('OK');
    // a deactivated super admin does not count as the other one
    expect(await code(all.admins.setRole({ id: sup._id.toHexString(), role: 'admin' }))).toBe('PRECONDITION_FAILED');
    await all.admins.reactivate({ id: sup2._id.toHexString() });
    expect(await code(all.admins.setRole({ id: sup2._id.toHexString(), role: 'admin' }))).toBe('OK');
    expect((await lastAudit('admins.setRole'))!.details).toMatchObject({ before: { role: 'super_admin' }, after: { role: 'admin' } });
  });

  it('role change, deactivation, reset and revoke end sessions on the next request', async () => {
    const c = callerFor(t.db, sup);
    const victim = await makeAdmin(t.db, 'admin');
    const v = callerFor(t.db, victim);
    expect(await code(v.audit.list({}))).toBe('OK');
    await c.admins.setRole({ id: victim._id.toHexString(), role: 'viewer' });
    expect(await code(v.audit.list({}))).toBe('UNAUTHORIZED'); // same session, next request: signed out
    const demoted = callerFor(t.db, (await collections.admins(t.db).findOne({ _id: victim._id }))!);
    expect(await code(demoted.audit.list({}))).toBe('FORBIDDEN'); // signed in again: the new role applies
    expect((await demoted.me.get()).role).toBe('viewer');
    expect((await lastAudit('admins.setRole'))!.details).toMatchObject({ before: { role: 'admin' }, after: { role: 'viewer' }, sessionsRevoked: true });
    const v0 = demoted;

    await c.admins.deactivate({ id: victim._id.toHexString() });
    expect(await code(v0.me.get())).toBe('UNAUTHORIZED');
    await c.admins.reactivate({ id: victim._id.toHexString() });
    expect(await code(v0.me.get())).toBe('UNAUTHORIZED'); // the old session was revoked by the deactivation
    const fresh = (await collections.admins(t.db).findOne({ _id: victim._id }))!;
    const v2 = callerFor(t.db, fresh);
    expect(await code(v2.me.get())).toBe('OK');
    await c.admins.revokeSessions({ id: victim._id.toHexString() });
    expect(await code(v2.me.get())).toBe('UNAUTHORIZED');

    const fresh3 = (await collections.admins(t.db).findOne({ _id: victim._id }))!;
    const r = await c.admins.resetPassword({ id: victim._id.toHexString() });
    expect(await code(callerFor(t.db, fresh3).me.get())).toBe('UNAUTHORIZED');
    const after = (await collections.admins(t.db).findOne({ _id: victim._id }))!;
    expect(await verifyPassword(after.passwordHash, r.newPassword)).toBe(true);
    expect(JSON.stringify(await lastAudit('admins.resetPassword'))).not.toContain(r.newPassword);
  });

  it('a plain admin (admins.read only) can list but not manage', async () => {
    const a = callerFor(t.db, await makeAdmin(t.db, 'admin'));
    expect(await code(a.admins.list({}))).toBe('OK');
    expect(await code(a.admins.create({ email: 'z@test.local', name: 'Z', role: 'viewer' }))).toBe('FORBIDDEN');
    expect(await code(a.roles.matrix())).toBe('OK');
    expect(await code(a.roles.create({ key: 'zz', label: 'Z', permissions: [] }))).toBe('FORBIDDEN');
  });
});
