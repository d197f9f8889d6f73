/**
 * Walks EVERY procedure of the app router with every built-in role and with no session,
 * and checks allow/deny against the permission table in server/permissions.ts.
 * A procedure added without declaring its guard fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { appRouter } from './root';
import type { ProcedureMeta } from './init';
import { BUILTIN_ROLE_KEYS, PERMISSIONS, can, type BuiltinRole, type Permission } from '../permissions';
import { collections } from '../db/collections';
import { adminsForAllRoles, callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import type { AdminDoc } from '../db/collections';

/** Inputs for procedures that need one to do anything meaningful once allowed. Default: none. */
export const WALK_INPUTS: Record<string, unknown> = {
  // search.query / search.saved.create check the collection's own read permission in the service
  // (no collection is readable by every role); search.int.test.ts walks role × collection.
  // search.record / search.related likewise: relations.int.test.ts walks role × collection, masking included.
  'search.saved.delete': { id: '000000000000000000000000' },
  'quality.check': { collection: 'contacts' },
  'quality.preview': { collection: 'contacts' },
  'quality.applyFixes': { collection: 'contacts' },
  'analytics.activeUsers': { from: '2026-01-01', to: '2026-01-31', interval: 'week' },
  'analytics.retention': { from: '2026-01-01', to: '2026-01-31', interval: 'week' },
  'analytics.lifecycle': { from: '2026-01-01', to: '2026-01-31', interval: 'week' },
  'analytics.stickiness': { from: '2026-01-01', to: '2026-01-31', interval: 'week' },
  'analytics.featureUsage': { from: '2026-01-01', to: '2026-01-31', interval: 'week' },
  'analytics.atRisk': { asOf: '2026-01-31' },
  'analytics.track': { events: [{ name: 'admin.walked' }] },
  'analytics.keys.create': { name: 'walk key' },
  'roles.get': { key: 'viewer' },
  'admins.list': {},
  'audit.list': {},
  // mutations get no input on purpose: past the guard they stop at input validation, without side effects
  'backup.get': { id: '0'.repeat(24) },
  'backup.job': { jobId: '0'.repeat(24) },
  'backup.verify': { id: '0'.repeat(24) },
  'backup.delete': { id: '0'.repeat(24) },
  'backup.restore': { id: '0'.repeat(24), mode: 'preview' },
  // issue 14: queries get real inputs (mutations, as above, stop at validation once past the guard)
  'content.list': { type: 'blogs' },
  'content.get': { type: 'blogs', id: '0'.repeat(24) },
  'content.revisions': { type: 'blogs', id: '0'.repeat(24) },
  'content.registrations': { eventId: '0'.repeat(24) },
  'content.preview': { markdown: '# walk' },
  'moderation.queue': { kind: 'contacts' },
  'moderation.item': { kind: 'contacts', id: '0'.repeat(24) },
  'messaging.templates.get': { key: 'booking.confirmed' },
  'messaging.templates.preview': { key: 'booking.confirmed' },
  'messaging.campaigns.get': { id: '0'.repeat(24) },
  'messaging.campaigns.report': { id: '0'.repeat(24) },
  'messaging.campaigns.audience': { templateKey: 'reengagement', audience: { kind: 'cohort', signupFrom: '2026-01-01', signupTo: '2026-01-02' } },
  'messaging.outbox.list': {},
  'messaging.outbox.get': { id: '0'.repeat(24) },
  'messaging.suppressions.list': {},
  'messaging.preferences.get': { memberId: '0'.repeat(24) },
  // issue 16: live.events returns its stream unread (nothing runs until iterated); system.maintenance.run
  // and notifications.markRead get no input (stop at validation once past the guard)
  'system.overview': { hours: 1 },
};

type AnyProc = { _def: { meta?: ProcedureMeta; type: string } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProc>);

async function outcome(caller: unknown, path: string): Promise<'allowed' | 'FORBIDDEN' | 'UNAUTHORIZED'> {
  const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (input: unknown) => Promise<unknown>;
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
/** One admin per permission, each holding a custom role with exactly that permission. */
const single = {} as Record<Permission, AdminDoc>;

beforeAll(async () => {
  t = await openTestDb('walk');
  admins = await adminsForAllRoles(t.db);
  const now = new Date();
  await collections.roles(t.db).insertMany(
    PERMISSIONS.map((p) => ({
      key: `only_${p.replace(/\./g, '_')}`,
      label: `Only ${p}`,
      description: '',
      permissions: [p],
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    })) as never,
  );
  for (const p of PERMISSIONS) single[p] = await makeAdmin(t.db, `only_${p.replace(/\./g, '_')}`);
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

  // A custom role with exactly one permission can call exactly the procedures needing it (plus session-only ones).
  it('custom single-permission roles: each reaches exactly the procedures of its permission', async () => {
    const wrong: string[] = [];
    for (const perm of PERMISSIONS) {
      const caller = callerFor(t.db, single[perm]);
      for (const [path, p] of procedures) {
        const meta = p._def.meta!;
        if (meta.auth === 'public') continue;
        const expected = meta.auth === 'session' || meta.permission === perm ? 'allowed' : 'FORBIDDEN';
        const got = await outcome(caller, path);
        if (got !== expected) wrong.push(`${perm} → ${path}: ${got}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000); // every permission × every procedure: a few thousand calls
});
