import { ObjectId, type Db } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { singleFlight } from '../lib/single-flight';
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
};
const CACHES_KEY = Symbol.for('acube.operatorCaches');
const g = globalThis as unknown as { [CACHES_KEY]?: Caches };
const caches: Caches = (g[CACHES_KEY] ??= {
  admin: new LRUCache({ max: 1_000, ttl: CACHE_MS }),
  role: new LRUCache({ max: 500, ttl: CACHE_MS }),
});
const adminCache = caches.admin;
const roleCache = caches.role;

// Concurrent misses for the same key share one query (a burst of requests and streams of one operator
// would otherwise each read the same document when the entry expires).
const IN_FLIGHT_KEY = Symbol.for('acube.operatorInFlight');
const gf = globalThis as unknown as { [IN_FLIGHT_KEY]?: Map<string, Promise<unknown>> };
const inFlight = (gf[IN_FLIGHT_KEY] ??= new Map());
const once = <T>(key: string, load: () => Promise<T>): Promise<T> => singleFlight(inFlight, key, load);

export function invalidateOperatorCache(): void {
  inFlight.clear();
  adminCache.clear();
  roleCache.clear();
}

/** Built-in roles from the table in permissions.ts, custom roles from the `roles` collection. */
export async function resolveRole(db: Db, key: string): Promise<ResolvedRole | null> {
  if (isBuiltinRole(key)) return builtinRole(key);
  const ck = `${db.databaseName}:${key}`;
  const hit = roleCache.get(ck);
  if (hit) return hit.role;
  return once(`role|${ck}`, async () => {
    const doc = await collections.roles(db).findOne({ key });
    const role: ResolvedRole | null = doc ? { key: doc.key, label: doc.label, builtin: false, permissions: doc.permissions.filter(isPermission) } : null;
    roleCache.set(ck, { role });
    return role;
  });
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
  // this instance refuses it from now on; others at their next sync
  const m = mirrorOf(db);
  m.ids.add(identity.sid);
  m.local.add(identity.sid);
}

/** Removes revocations whose sessions have expired anyway (no TTL indexes on the embedded database). */
export async function pruneSessionRevocations(db: Db): Promise<number> {
  const r = await collections.sessionRevocations(db).deleteMany({ expiresAt: { $lte: new Date() } });
  return r.deletedCount;
}

/**
 * The revocation list, mirrored in each process: one query every CACHE_MS brings the revocations made since the
 * last one (by any instance), so checking a session costs no database call however many sessions and live
 * streams there are (a per-session lookup was one query per session every two seconds). Another instance's
 * sign-out shows within CACHE_MS, as before. Revocations are stamped by the revoking instance's clock: the
 * incremental read looks back SKEW_MS before the previous one, and the whole list is re-read every
 * FULL_RELOAD_MS (which also forgets pruned entries).
 */
const SKEW_MS = 5 * 60_000;
const FULL_RELOAD_MS = 10 * 60_000;
interface RevocationMirror {
  ids: Set<string>;
  /** Revoked by this instance since the last full read (kept across it: the read may have started before the write). */
  local: Set<string>;
  syncedAt: number;
  since: Date | null;
  fullAt: number;
  syncing: Promise<void> | null;
}
const MIRRORS_KEY = Symbol.for('acube.revocationMirrors');
const gm = globalThis as unknown as { [MIRRORS_KEY]?: Map<string, RevocationMirror> };
const mirrors = (gm[MIRRORS_KEY] ??= new Map());

function mirrorOf(db: Db): RevocationMirror {
  let m = mirrors.get(db.databaseName);
  if (!m) mirrors.set(db.databaseName, (m = { ids: new Set(), local: new Set(), syncedAt: 0, since: null, fullAt: 0, syncing: null }));
  return m;
}

async function syncRevocations(db: Db, m: RevocationMirror): Promise<void> {
  const started = new Date();
  const full = m.since === null || started.getTime() - m.fullAt > FULL_RELOAD_MS;
  const filter = full ? {} : { revokedAt: { $gte: new Date(m.since!.getTime() - SKEW_MS) } };
  const docs = await collections
    .sessionRevocations(db)
    .find(filter, { projection: { _id: 1 } })
    .toArray();
  if (full) {
    m.ids = new Set([...docs.map((d) => d._id), ...m.local]);
    m.local.clear();
    m.fullAt = started.getTime();
  } else for (const d of docs) m.ids.add(d._id);
  m.since = started;
  m.syncedAt = Date.now();
}

async function isRevoked(db: Db, sid: string): Promise<boolean> {
  const m = mirrorOf(db);
  if (Date.now() - m.syncedAt >= CACHE_MS) {
    m.syncing ??= syncRevocations(db, m).finally(() => {
      m.syncing = null;
    });
    await m.syncing;
  }
  return m.ids.has(sid);
}

/**
 * The part of loadOperator that needs no query: the session exists, is within its absolute lifetime and
 * has not been revoked (the in-process mirror). Live streams check this every few seconds and read the
 * operator (admin and role) less often, and always before they deliver anything (server/live/stream.ts).
 */
export async function sessionStillValid(db: Db, identity: SessionIdentity | null | undefined): Promise<boolean> {
  if (!identity || !ObjectId.isValid(identity.adminId)) return false;
  if (identity.authTime !== undefined && sessionExpired(identity.authTime, env().SESSION_ABSOLUTE_HOURS)) return false;
  return !(identity.sid && (await isRevoked(db, identity.sid)));
}

export async function loadOperator(db: Db, identity: SessionIdentity | null | undefined): Promise<Operator | null> {
  if (!identity || !ObjectId.isValid(identity.adminId)) return null;
  if (identity.authTime !== undefined && sessionExpired(identity.authTime, env().SESSION_ABSOLUTE_HOURS)) return null;
  if (identity.sid && (await isRevoked(db, identity.sid))) return null;
  const ck = `${db.databaseName}:${identity.adminId}`;
  let entry = adminCache.get(ck);
  if (!entry) {
    const adminId = identity.adminId;
    entry = await once(`admin|${ck}`, async () => {
      const e = { admin: await collections.admins(db).findOne({ _id: new ObjectId(adminId) }) };
      adminCache.set(ck, e);
      return e;
    });
  }
  const admin = entry.admin;
  if (!admin || admin.status !== 'active' || admin.sessionVersion !== identity.sessionVersion) return null;
  const role = await resolveRole(db, admin.role);
  if (!role) return null;
  return { admin, role };
}
