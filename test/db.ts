/** Integration-test helpers: a database of one's own on the test FerretDB, and callers per role. */
import { MongoClient, type Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { ensureIndexes } from '../server/db/indexes';
import { clearCaches } from '../server/db/cache';
import { insertAdmin } from '../server/auth/admins';
import { createContextInner } from '../server/trpc/init';
import { createCaller } from '../server/trpc/root';
import type { AdminDoc } from '../server/db/collections';
import { BUILTIN_ROLE_KEYS, type BuiltinRole } from '../server/permissions';

export const TEST_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';

export interface TestDb {
  client: MongoClient;
  db: Db;
  drop(): Promise<void>;
}

export async function openTestDb(prefix: string): Promise<TestDb> {
  const client = new MongoClient(TEST_URI, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(`t_${prefix}_${randomBytes(4).toString('hex')}`.slice(0, 60));
  await ensureIndexes(db);
  return {
    client,
    db,
    async drop() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function makeAdmin(db: Db, role: string, email = `${role}-${randomBytes(3).toString('hex')}@test.local`): Promise<AdminDoc> {
  return insertAdmin(db, { email, name: `Test ${role}`, role, password: TEST_PASSWORD });
}

export function callerFor(db: Db, admin: AdminDoc | null) {
  return createCaller(
    createContextInner({
      db,
      session: admin ? { adminId: admin._id.toHexString(), sessionVersion: admin.sessionVersion } : null,
      ip: '127.0.0.1',
      userAgent: 'vitest',
    }),
  );
}

export async function adminsForAllRoles(db: Db): Promise<Record<BuiltinRole, AdminDoc>> {
  const out = {} as Record<BuiltinRole, AdminDoc>;
  for (const r of BUILTIN_ROLE_KEYS) out[r] = await makeAdmin(db, r);
  return out;
}

/** Every dashboard widget of the caller with its data, the way the home page loads them (one request each). */
/**
 * The caller's widgets with their data, computed now: widget data is cached (server/db/cache.ts, tested in
 * cache.int.test.ts) and these tests write records directly and expect them counted.
 */
export async function allWidgets(caller: ReturnType<typeof callerFor>) {
  clearCaches();
  const list = await caller.dashboard.list();
  return Promise.all(list.map((w) => caller.dashboard.widget({ key: w.key })));
}
