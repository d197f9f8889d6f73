import { ObjectId, type Db } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { collections, type AdminDoc } from '../db/collections';
import { env } from '../env';
import { builtinRole, isBuiltinRole, isPermission, type ResolvedRole } from '../permissions';

/** What a signed-in browser carries (inside the NextAuth JWT): who, and which session generation. */
export interface SessionIdentity {
  adminId: string;
  sessionVersion: number;
  /**
   * When the operator signed in (seconds since the epoch). Every session cookie carries it; sessions older
   * than SESSION_ABSOLUTE_HOURS are refused however often they were renewed. Optional only for in-process
   * callers (tests, scripts) that build an identity by hand; `sessionIdentity()` refuses cookies without it.
   */
  authTime?: number;
  /** This session's id (random, set at sign-in): what sign-out puts on the revocation list. */
  sid?: string;
}

/** True when a session that began at `authTime` (seconds) has outlived the absolute lifetime. */
export function sessionExpired(authTime: number, absoluteHours: number, now = Date.now()): boolean {
  return !Number.isFinite(authTime) || now - authTime * 1000 > absoluteHours * 3_600_000 || authTime * 1000 > now + 60_000;
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
  revoked?: LRUCache<string, boolean>;
};
const CACHES_KEY = Symbol.for('acube.operatorCaches');
const g = globalThis as unknown as { [CACHES_KEY]?: Caches };
const caches: Caches = (g[CACHES_KEY] ??= {
  admin: new LRUCache({ max: 1_000, ttl: CACHE_MS }),
  role: new LRUCache({ max: 500, ttl: CACHE_MS }),
});
caches.revoked ??= new LRUCache({ max: 10_000, ttl: CACHE_MS });
const revokedCache = caches.revoked;
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
  const role: ResolvedRole | null = doc ? { key: doc.key, label: doc.label, builtin: false, permissions: doc.permissions.filter(isPermission) } : null;
  roleCache.set(ck, { role });
  return role;
}

/**
 * The operator behind a session, read from the database (briefly cached): null when the
 * admin is gone, deactivated, or the session was revoked (sessionVersion moved on).
 */
/**
 * Sign-out: this session's id goes on the revocation list, so a copy of the cookie is refused from its next
 * request on, in every app instance (the list is in the database). Other browsers of the same operator stay
 * signed in; password changes, resets, role changes and deactivation end them all (sessionVersion).
 */
export async function revokeSession(db: Db, identity: SessionIdentity): Promise<void> {
  if (!identity.sid || !identity.authTime) return;
  const expiresAt = new Date(identity.authTime * 1000 + env().SESSION_ABSOLUTE_HOURS * 3_600_000);
  await collections
    .sessionRevocations(db)
    .updateOne({ _id: identity.sid }, { $setOnInsert: { adminId: identity.adminId, revokedAt: new Date(), expiresAt } }, { upsert: true });
  revokedCache.delete(`${db.databaseName}:${identity.sid}`);
}

/** Removes revocations whose sessions have expired anyway (no TTL indexes on the embedded database). */
export async function pruneSessionRevocations(db: Db): Promise<number> {
  const r = await collections.sessionRevocations(db).deleteMany({ expiresAt: { $lte: new Date() } });
  return r.deletedCount;
}

async function isRevoked(db: Db, sid: string): Promise<boolean> {
  const ck = `${db.databaseName}:${sid}`;
  const hit = revokedCache.get(ck);
  if (hit !== undefined) return hit;
  // a find by _id (an index lookup on both servers); countDocuments is an aggregation that FerretDB runs in Go
  const revoked = (await collections.sessionRevocations(db).findOne({ _id: sid }, { projection: { _id: 1 } })) !== null;
  // Only "not revoked" answers expire (a revocation is final); another instance's sign-out shows within CACHE_MS.
  revokedCache.set(ck, revoked, revoked ? { ttl: 0 } : undefined);
  return revoked;
}

export async function loadOperator(db: Db, identity: SessionIdentity | null | undefined): Promise<Operator | null> {
  if (!identity || !ObjectId.isValid(identity.adminId)) return null;
  if (identity.authTime !== undefined && sessionExpired(identity.authTime, env().SESSION_ABSOLUTE_HOURS)) return null;
  if (identity.sid && (await isRevoked(db, identity.sid))) return null;
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
