/** Sessions that end (issue 17, item 5): sign-out, password change, role change and the absolute lifetime. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { makeAdmin, openTestDb, TEST_PASSWORD, callerFor, type TestDb } from '../../test/db';
import { loadOperator, pruneSessionRevocations, revokeSession, sessionExpired, type SessionIdentity } from './session';
import { collections, type AdminDoc } from '../db/collections';
import { createCaller } from '../trpc/root';
import { createContextInner } from '../trpc/init';

let t: TestDb;
let sup: AdminDoc;
beforeAll(async () => {
  t = await openTestDb('sessions');
  sup = await makeAdmin(t.db, 'super_admin');
});
afterAll(() => t.drop());

const now = () => Math.floor(Date.now() / 1000);
function cookieOf(a: AdminDoc, over: Partial<SessionIdentity> = {}): SessionIdentity {
  return { adminId: a._id.toHexString(), sessionVersion: a.sessionVersion, authTime: now(), sid: randomUUID(), ...over };
}
const fresh = async (a: AdminDoc) => (await collections.admins(t.db).findOne({ _id: a._id }))!;

describe('sessions that end', () => {
  it('sign-out revokes that session only: a copy of its cookie is refused, another browser stays in', async () => {
    const a = await makeAdmin(t.db, 'viewer');
    const laptop = cookieOf(a);
    const phone = cookieOf(a);
    expect(await loadOperator(t.db, laptop)).not.toBeNull();
    await revokeSession(t.db, laptop);
    expect(await loadOperator(t.db, laptop)).toBeNull();
    expect(await loadOperator(t.db, { ...laptop })).toBeNull();
    expect(await loadOperator(t.db, phone)).not.toBeNull();
  });

  it("another instance's sign-out is refused here within two seconds, even when its clock is behind", async () => {
    const a = await makeAdmin(t.db, 'viewer');
    const c1 = cookieOf(a);
    const c2 = cookieOf(a);
    expect(await loadOperator(t.db, c1)).not.toBeNull(); // this instance has synced its list now
    // what revokeSession on another instance writes, one with a clock a minute behind
    const expiresAt = new Date(Date.now() + 3_600_000);
    await collections.sessionRevocations(t.db).insertOne({ _id: c1.sid!, adminId: c1.adminId, revokedAt: new Date(), expiresAt });
    await collections.sessionRevocations(t.db).insertOne({ _id: c2.sid!, adminId: c2.adminId, revokedAt: new Date(Date.now() - 60_000), expiresAt });
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await loadOperator(t.db, c1)).toBeNull();
    expect(await loadOperator(t.db, c2)).toBeNull();
    expect(await loadOperator(t.db, cookieOf(a))).not.toBeNull();
  });

  it("changing one's own password ends every session of that operator", async () => {
    const a = await makeAdmin(t.db, 'analyst');
    const other = cookieOf(a);
    const caller = createCaller(createContextInner({ db: t.db, session: cookieOf(a), ip: '127.0.0.1', userAgent: 'vitest' }));
    const r = await caller.me.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'a new long password 123' });
    expect(r).toEqual({ ok: true, signedOut: true });
    expect(await loadOperator(t.db, other)).toBeNull();
    expect(await loadOperator(t.db, cookieOf(await fresh(a)))).not.toBeNull();
  });

  it('a role change (demotion) ends the sessions of the demoted operator', async () => {
    const a = await makeAdmin(t.db, 'admin');
    const before = cookieOf(a);
    expect((await loadOperator(t.db, before))?.role.key).toBe('admin');
    await callerFor(t.db, sup).admins.setRole({ id: a._id.toHexString(), role: 'viewer' });
    expect(await loadOperator(t.db, before)).toBeNull();
    expect((await loadOperator(t.db, cookieOf(await fresh(a))))?.role.key).toBe('viewer');
  });

  it('a password reset and a deactivation end the sessions too', async () => {
    const a = await makeAdmin(t.db, 'moderator');
    const c1 = cookieOf(a);
    await callerFor(t.db, sup).admins.resetPassword({ id: a._id.toHexString() });
    expect(await loadOperator(t.db, c1)).toBeNull();
    const c2 = cookieOf(await fresh(a));
    expect(await loadOperator(t.db, c2)).not.toBeNull();
    await callerFor(t.db, sup).admins.deactivate({ id: a._id.toHexString() });
    expect(await loadOperator(t.db, c2)).toBeNull();
  });

  it('the absolute lifetime (12 h by default) cannot be extended by renewal', async () => {
    const a = await makeAdmin(t.db, 'viewer');
    expect(await loadOperator(t.db, cookieOf(a, { authTime: now() - 11 * 3600 }))).not.toBeNull();
    expect(await loadOperator(t.db, cookieOf(a, { authTime: now() - 12 * 3600 - 5 }))).toBeNull();
    // a sign-in time in the future is not a way around it
    expect(await loadOperator(t.db, cookieOf(a, { authTime: now() + 3600 }))).toBeNull();
    expect(sessionExpired(1_000, 12, 1_000_000 + 12 * 3_600_000)).toBe(false);
    expect(sessionExpired(1_000, 12, 1_000_000 + 12 * 3_600_000 + 1)).toBe(true);
    expect(sessionExpired(Number.NaN, 12)).toBe(true);
  });

  it('expired revocations are pruned, live ones kept', async () => {
    const a = await makeAdmin(t.db, 'viewer');
    const old = cookieOf(a, { authTime: now() - 13 * 3600 });
    const live = cookieOf(a);
    await revokeSession(t.db, old);
    await revokeSession(t.db, live);
    expect(await pruneSessionRevocations(t.db)).toBeGreaterThanOrEqual(1);
    expect(await collections.sessionRevocations(t.db).countDocuments({ _id: live.sid! })).toBe(1);
    expect(await collections.sessionRevocations(t.db).countDocuments({ _id: old.sid! })).toBe(0);
  });
});

describe('request budget on tRPC', () => {
  it('an operator past the per-minute budget gets TOO_MANY_REQUESTS; another operator does not', async () => {
    const { resetBudgets } = await import('../http/limits');
    resetBudgets();
    const a = await makeAdmin(t.db, 'viewer');
    const b = await makeAdmin(t.db, 'viewer');
    const ca = callerFor(t.db, a);
    let code = 'OK';
    let n = 0;
    for (; n < 1_300 && code === 'OK'; n++)
      code = await ca.me.get().then(
        () => 'OK',
        (e) => (e as { code: string }).code,
      );
    expect(code).toBe('TOO_MANY_REQUESTS');
    expect(n).toBe(1_201); // RATE_LIMIT_TRPC_PER_MIN default 1,200
    expect((await callerFor(t.db, b).me.get()).email).toBe(b.email);
    resetBudgets();
  }, 60_000);
});
