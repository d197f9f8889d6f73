import { ObjectId, type Db } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { collections, type AdminDoc } from '../db/collections';
import { builtinRole, isBuiltinRole, isPermission, type ResolvedRole } from '../permissions';

/** What a signed-in browser carries (inside the NextAuth JWT): who, and which session generation. */
export interface SessionIdentity {
  adminId: string;
  sessionVersion: number;
}

export interface Operator {
  admin: AdminDoc;
  role: ResolvedRole;
}

// Role lookups hit the database; the cache keeps them for a couple of seconds at most,
// and writes in this process invalidate it at once.
const CACHE_MS = 2_000;
// The caches live on globalThis: Next.js may load this module once per route bundle (the tRPC
// route and the pages), and an invalidation in one copy must reach the others in the same process.
type Caches = {
  admin: LRUCache<string, { admin: AdminDoc | null }>;
  role: LRUCache<string, { role: ResolvedRole | null }>;
};
const CACHES_KEY = Symbol.for('acube.operatorCaches');
const g = globalThis as unknown as { [CACHES_KEY]?: Caches };
const caches: Caches = (g[CACHES_KEY] ??= {
  admin: new LRUCache({ max: 1_000, ttl: CACHE_MS }),
  role: new LRUCache({ max: 500, ttl: CACHE_MS }),
});
const adminCache = caches.admin;
const roleCache = caches.role;

export function invalidateOperatorCache(): void {
  adminCache.clear();
  roleCache.clear();
}

/** Built-in roles from the table in permissions.ts, custom roles from the `roles` collection. */
export async function resolveRole(db: Db, key: string): Promise<ResolvedRole | null> {
  if (isBuiltinRole(key)) return builtinRole(key);
  const ck = `${db.databaseName}:${key}`;
  const hit = roleCache.get(ck);
  if (hit) return hit.role;
  const doc = await collections.roles(db).findOne({ key });
  const role: ResolvedRole | null = doc
    ? { key: doc.key, label: doc.label, builtin: false, permissions: doc.permissions.filter(isPermission) }
    : null;
  roleCache.set(ck, { role });
  return role;
}

/**
 * The operator behind a session, read from the database (briefly cached): null when the
 * admin is gone, deactivated, or the session was revoked (sessionVersion moved on).
 */
export async function loadOperator(db: Db, identity: SessionIdentity | null | undefined): Promise<Operator | null> {
  if (!identity || !ObjectId.isValid(identity.adminId)) return null;
  const ck = `${db.databaseName}:${identity.adminId}`;
  let entry = adminCache.get(ck);
  if (!entry) {
    entry = { admin: await collections.admins(db).findOne({ _id: new ObjectId(identity.adminId) }) };
    adminCache.set(ck, entry);
  }
  const admin = entry.admin;
  if (!admin || admin.status !== 'active' || admin.sessionVersion !== identity.sessionVersion) return null;
  const role = await resolveRole(db, admin.role);
  if (!role) return null;
  return { admin, role };
}
