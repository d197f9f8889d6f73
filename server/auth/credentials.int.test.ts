import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { makeAdmin, openTestDb, TEST_PASSWORD, callerFor, type TestDb } from '../../test/db';
import { verifyCredentials } from './credentials';
import { collections } from '../db/collections';
import { SIGNIN_LIMITS, emailDelayMs } from './rate-limit';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('creds');
});
afterAll(() => t.drop());

const meta = (ip = '10.0.0.1') => ({ ip, userAgent: 'vitest' });

describe('verifyCredentials', () => {
  it('accepts the right password, case-insensitive email, and records the sign-in', async () => {
    const a = await makeAdmin(t.db, 'viewer', 'Case.Test@Example.org'.toLowerCase());
    const r = await verifyCredentials(t.db, t.client, { email: 'CASE.test@example.org', password: TEST_PASSWORD }, meta());
    expect(r.ok).toBe(true);
    const after = await collections.admins(t.db).findOne({ _id: a._id });
    expect(after?.lastSignInAt).toBeInstanceOf(Date);
    const audit = await collections.auditLogs(t.db).findOne({ action: 'auth.signIn', 'actor.id': a._id.toHexString(), result: 'success' });
    expect(audit?.ip).toBe('10.0.0.1');
    expect(JSON.stringify(audit)).not.toContain(TEST_PASSWORD);
  });

  it('rejects a wrong password and an unknown email the same way, and audits both', async () => {
    const a = await makeAdmin(t.db, 'viewer');
    expect(await verifyCredentials(t.db, t.client, { email: a.email, password: 'nope' }, meta())).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyCredentials(t.db, t.client, { email: 'ghost@x.org', password: 'nope' }, meta())).toEqual({ ok: false, reason: 'invalid' });
    const fails = await collections.auditLogs(t.db).countDocuments({ action: 'auth.signIn', result: 'failure' });
    expect(fails).toBeGreaterThanOrEqual(2);
    const entry = await collections.auditLogs(t.db).findOne({ 'target.label': 'ghost@x.org' });
    expect(entry?.error).toBe('unknown_email');
    expect(JSON.stringify(entry)).not.toContain('nope');
  });

  it('rejects malformed input without touching the database', async () => {
    expect((await verifyCredentials(t.db, t.client, { email: { $gt: '' }, password: 'x' }, meta())).ok).toBe(false);
    expect((await verifyCredentials(t.db, t.client, null, meta())).ok).toBe(false);
  });

  it('refuses a deactivated admin even with the right password', async () => {
    const a = await makeAdmin(t.db, 'admin');
    await collections.admins(t.db).updateOne({ _id: a._id }, { $set: { status: 'deactivated' } });
    expect(await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta())).toEqual({ ok: false, reason: 'deactivated' });
  });

  it(`blocks an email from one IP after ${SIGNIN_LIMITS.perEmailIp.points} failures there, not from another IP`, async () => {
    const a = await makeAdmin(t.db, 'admin');
    for (let i = 0; i < SIGNIN_LIMITS.perEmailIp.points; i++) {
      const r = await verifyCredentials(t.db, t.client, { email: a.email, password: 'wrong' }, meta('10.1.0.1'));
      expect(r).toEqual({ ok: false, reason: 'invalid' });
    }
    const r = await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta('10.1.0.1'));
    expect(r).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect((r as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    // the owner, from elsewhere, still gets in (after the per-email slow-down)
    expect((await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta('10.9.9.9'))).ok).toBe(true);
    // another account from the blocked address is unaffected
    const b = await makeAdmin(t.db, 'admin');
    expect((await verifyCredentials(t.db, t.client, { email: b.email, password: TEST_PASSWORD }, meta('10.1.0.1'))).ok).toBe(true);
  });

  it('failures from many IPs do not lock an account: they slow its sign-ins down, progressively', async () => {
    const a = await makeAdmin(t.db, 'admin');
    const n = SIGNIN_LIMITS.perEmail.freeFailures + 1;
    for (let i = 0; i < n; i++) {
      expect(await verifyCredentials(t.db, t.client, { email: a.email, password: 'wrong' }, meta(`10.2.0.${i}`))).toEqual({ ok: false, reason: 'invalid' });
    }
    const started = Date.now();
    const r = await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta('10.2.1.1'));
    const took = Date.now() - started;
    expect(r.ok).toBe(true);
    expect(took).toBeGreaterThanOrEqual(emailDelayMs(n) - 20);
    // a success clears the slow-down
    const again = Date.now();
    expect((await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta('10.2.1.1'))).ok).toBe(true);
    expect(Date.now() - again).toBeLessThan(emailDelayMs(n));
  });

  it(`locks an IP after ${SIGNIN_LIMITS.perIp.points} failures across emails`, async () => {
    for (let i = 0; i < SIGNIN_LIMITS.perIp.points; i++) {
      await verifyCredentials(t.db, t.client, { email: `spray${i}@x.org`, password: 'wrong' }, meta('10.66.0.1'));
    }
    const a = await makeAdmin(t.db, 'admin');
    expect((await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta('10.66.0.1'))).ok).toBe(false);
    expect((await verifyCredentials(t.db, t.client, { email: a.email, password: TEST_PASSWORD }, meta('10.66.0.2'))).ok).toBe(true);
  });
});

describe('audited mutations', () => {
  it('me.changePassword: success and failure are both in the audit log, without secrets', async () => {
    const a = await makeAdmin(t.db, 'viewer');
    const caller = callerFor(t.db, a);
    await expect(caller.me.changePassword({ currentPassword: 'wrong-one', newPassword: 'a brand new password' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await caller.me.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' });
    const entries = await collections.auditLogs(t.db).find({ action: 'me.changePassword', 'actor.id': a._id.toHexString() }).sort({ at: 1 }).toArray();
    expect(entries.map((e) => e.result)).toEqual(['failure', 'success']);
    expect(entries[1].target).toMatchObject({ type: 'admin', id: a._id.toHexString() });
    expect(JSON.stringify(entries)).not.toContain('brand new');
    expect((await verifyCredentials(t.db, t.client, { email: a.email, password: 'a brand new password' }, meta('10.5.5.5'))).ok).toBe(true);
  });

  it('bad input gets BAD_REQUEST with field errors', async () => {
    const a = await makeAdmin(t.db, 'viewer');
    try {
      await callerFor(t.db, a).me.changePassword({ currentPassword: 'x', newPassword: 'short' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TRPCError);
      expect((e as TRPCError).code).toBe('BAD_REQUEST');
    }
  });
});
