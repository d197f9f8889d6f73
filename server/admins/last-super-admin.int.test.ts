/**
 * The last-super-admin guard under concurrency (issue 17): two demotions or deactivations racing each
 * other must never leave the instance without an active super admin. And the outranking check fails
 * closed when the target's role cannot be read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { collections, type AdminDoc } from '../db/collections';
import { PERMISSIONS, builtinRole } from '../permissions';
import { setAdminRole } from './service';
import type { Db } from 'mongodb';

let t: TestDb;
let all: ReturnType<typeof callerFor>;
beforeAll(async () => {
  t = await openTestDb('lastsuper');
  // A caller holding every permission through a custom role, so it is neither target nor super admin.
  await collections.roles(t.db).insertOne({
    key: 'everything',
    label: 'Everything',
    description: '',
    permissions: [...PERMISSIONS],
    createdAt: new Date(),
    updatedAt: new Date(),
    createdBy: null,
  } as never);
  all = callerFor(t.db, await makeAdmin(t.db, 'everything'));
});
afterAll(() => t.drop());

async function outcome(p: Promise<unknown>) {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
}
const activeSupers = () => collections.admins(t.db).countDocuments({ role: 'super_admin', status: 'active' });

async function twoFreshSupers(): Promise<[AdminDoc, AdminDoc]> {
  await collections.admins(t.db).updateMany({ role: 'super_admin' }, { $set: { role: 'viewer' } });
  return [await makeAdmin(t.db, 'super_admin'), await makeAdmin(t.db, 'super_admin')];
}

describe('last active super admin, concurrently', () => {
  it('two super admins demoting each other at the same time: at most one succeeds', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = await twoFreshSupers();
      const results = await Promise.all([
        outcome(callerFor(t.db, a).admins.setRole({ id: b._id.toHexString(), role: 'admin' })),
        outcome(callerFor(t.db, b).admins.setRole({ id: a._id.toHexString(), role: 'admin' })),
      ]);
      expect(results.filter((r) => r === 'OK').length, `round ${round}: ${results}`).toBeLessThanOrEqual(1);
      expect(results.every((r) => r === 'OK' || r === 'PRECONDITION_FAILED' || r === 'CONFLICT' || r === 'FORBIDDEN' || r === 'UNAUTHORIZED')).toBe(true);
      expect(await activeSupers(), `round ${round}: ${results}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('a third operator demoting and deactivating both at the same time leaves an active super admin', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = await twoFreshSupers();
      const results = await Promise.all([
        outcome(all.admins.setRole({ id: a._id.toHexString(), role: 'viewer' })),
        outcome(all.admins.deactivate({ id: b._id.toHexString() })),
      ]);
      expect(results.filter((r) => r === 'OK').length, `round ${round}: ${results}`).toBeLessThanOrEqual(1);
      expect(await activeSupers(), `round ${round}: ${results}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('a refused deactivation is undone completely (role, status and sessions)', async () => {
    const [a] = await twoFreshSupers();
    await all.admins.setRole({ id: a._id.toHexString(), role: 'viewer' }).catch(() => undefined);
    const [last] = await collections.admins(t.db).find({ role: 'super_admin', status: 'active' }).toArray();
    expect(await outcome(all.admins.deactivate({ id: last!._id.toHexString() }))).toBe('PRECONDITION_FAILED');
    expect(await collections.admins(t.db).findOne({ _id: last!._id })).toMatchObject({
      role: 'super_admin',
      status: 'active',
      sessionVersion: last!.sessionVersion,
    });
  });
});

describe('outranking check', () => {
  it('a failed lookup of the target’s role fails the change instead of skipping the check', async () => {
    await collections.roles(t.db).insertOne({
      key: 'vault_keeper',
      label: 'Vault keeper',
      description: '',
      permissions: ['dashboard.view', 'backup.delete'],
      createdAt: new Date(),
      updatedAt: new Date(),
      createdBy: null,
    } as never);
    const keeper = await makeAdmin(t.db, 'vault_keeper');
    const mgr = await makeAdmin(t.db, 'viewer');
    // An operator lacking backup.delete, against a database whose roles lookup fails.
    const operator = { admin: mgr, role: { ...builtinRole('viewer'), permissions: [...builtinRole('viewer').permissions, 'admins.manage' as const] } };
    const failing = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === 'collection') {
          return (name: string) => {
            const c = target.collection(name);
            if (name !== 'roles') return c;
            return new Proxy(c, { get: (ct, p, r) => (p === 'findOne' ? () => Promise.reject(new Error('roles unreachable')) : Reflect.get(ct, p, r)) });
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Db;
    await expect(setAdminRole(failing, operator, keeper._id.toHexString(), 'viewer')).rejects.toThrow(/roles unreachable/);
    expect((await collections.admins(t.db).findOne({ _id: keeper._id }))!.role).toBe('vault_keeper');
    // and with the database answering, the check itself refuses
    await expect(setAdminRole(t.db, operator, keeper._id.toHexString(), 'viewer')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
