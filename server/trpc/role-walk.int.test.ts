/**
 * Walks EVERY procedure of the app router with every built-in role and with no session,
 * and checks allow/deny against the permission table in server/permissions.ts.
 * A procedure added without declaring its guard fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { appRouter } from './root';
import type { ProcedureMeta } from './init';
import { BUILTIN_ROLE_KEYS, can, type BuiltinRole } from '../permissions';
import { adminsForAllRoles, callerFor, openTestDb, type TestDb } from '../../test/db';
import type { AdminDoc } from '../db/collections';

/** Inputs for procedures that need one to do anything meaningful once allowed. Default: none. */
export const WALK_INPUTS: Record<string, unknown> = {
  'backup.get': { id: '0'.repeat(24) },
  'backup.job': { jobId: '0'.repeat(24) },
  'backup.verify': { id: '0'.repeat(24) },
  'backup.delete': { id: '0'.repeat(24) },
  'backup.restore': { id: '0'.repeat(24), mode: 'preview' },
};

type AnyProc = { _def: { meta?: ProcedureMeta; type: string } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProc>);

async function outcome(caller: unknown, path: string): Promise<'allowed' | 'FORBIDDEN' | 'UNAUTHORIZED'> {
  const fn = path.split('.').reduce<any>((o, k) => o[k], caller);
  try {
    await fn(WALK_INPUTS[path]);
    return 'allowed';
  } catch (e) {
    if (e instanceof TRPCError && (e.code === 'FORBIDDEN' || e.code === 'UNAUTHORIZED')) return e.code;
    return 'allowed'; // got past the guard: bad input, not found, etc.
  }
}

let t: TestDb;
let admins: Record<BuiltinRole, AdminDoc>;

beforeAll(async () => {
  t = await openTestDb('walk');
  admins = await adminsForAllRoles(t.db);
});
afterAll(() => t.drop());

describe('role walk', () => {
  it('finds procedures, and every one declares its guard', () => {
    expect(procedures.length).toBeGreaterThan(1);
    for (const [path, p] of procedures) {
      const meta = p._def.meta;
      expect(meta?.auth, `${path} has no declared guard`).toMatch(/^(public|session|permission)$/);
      if (meta?.auth === 'permission') expect(meta.permission, path).toBeTruthy();
    }
  });

  for (const [path, p] of procedures) {
    const meta = p._def.meta!;
    it(`${path} (${meta.auth === 'permission' ? meta.permission : meta.auth})`, async () => {
      const anon = await outcome(callerFor(t.db, null), path);
      expect(anon, 'no session').toBe(meta.auth === 'public' ? 'allowed' : 'UNAUTHORIZED');
      for (const role of BUILTIN_ROLE_KEYS) {
        const expected = meta.auth !== 'permission' || can(role, meta.permission) ? 'allowed' : 'FORBIDDEN';
        expect(await outcome(callerFor(t.db, admins[role]), path), role).toBe(expected);
      }
    });
  }
});
