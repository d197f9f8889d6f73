/**
 * The System page (issue 16): request metrics over the last hours from the shared series (./series.ts),
 * the slowest procedures, collection sizes / document counts / indexes, the cache tiers with hit rates,
 * the database server's version, and the alerts (p95 > 1 s, error rate > 1 %, last backup older than 26 h)
 * that the dashboard shows to the roles that can act on them.
 */
import type { Db } from 'mongodb';
import { cached, cacheStats, CACHE_TIERS, type CacheTier } from '../db/cache';
import { can, type Permission, type ResolvedRole } from '../permissions';
import { backupHealthSummary } from '../backup/service';
import { readSeries } from './series';

export const ALERT_THRESHOLDS = { p95Ms: 1_000, errorRate: 0.01, backupAgeHours: 26, minRequests: 20 } as const;

export interface SystemAlert {
  key: 'latency' | 'errors' | 'backup';
  message: string;
  /** Who can act on it (and so sees it on the dashboard). */
  permission: Permission;
  href: string;
}

export async function computeAlerts(db: Db, now = Date.now()): Promise<SystemAlert[]> {
  const out: SystemAlert[] = [];
  const last = await readSeries(db, 1, now);
  if (last.total.requests >= ALERT_THRESHOLDS.minRequests) {
    if ((last.total.p95Ms ?? 0) > ALERT_THRESHOLDS.p95Ms)
      out.push({
        key: 'latency',
        message: `Requests are slow: p95 ${last.total.p95Ms} ms over the last hour (threshold ${ALERT_THRESHOLDS.p95Ms} ms).`,
        permission: 'system.read',
        href: '/system',
      });
    if (last.total.errorRate > ALERT_THRESHOLDS.errorRate)
      out.push({
        key: 'errors',
        message: `Server errors: ${(last.total.errorRate * 100).toFixed(1)} % of requests over the last hour (threshold ${ALERT_THRESHOLDS.errorRate * 100} %).`,
        permission: 'system.read',
        href: '/system',
      });
  }
  const b = await backupHealthSummary(db);
  const age = b.lastSuccess ? (now - new Date(b.lastSuccess).getTime()) / 3_600_000 : null;
  if (age === null || age > ALERT_THRESHOLDS.backupAgeHours)
    out.push({
      key: 'backup',
      message:
        age === null
          ? 'There is no successful backup.'
          : `The last successful backup is ${Math.floor(age)} h old (threshold ${ALERT_THRESHOLDS.backupAgeHours} h).`,
      permission: 'backup.create',
      href: '/backups',
    });
  return out;
}

/** The alerts this role can act on (the dashboard banner); cached briefly, computed once for all roles. */
export async function alertsFor(db: Db, role: ResolvedRole): Promise<SystemAlert[]> {
  const all = await cached(db, 'hot', 'system.alerts', ['backups'], () => computeAlerts(db));
  return all.value.filter((a) => can(role, a.permission));
}

interface CollStats {
  count?: number;
  size?: number;
  storageSize?: number;
  totalIndexSize?: number;
  nindexes?: number;
}

/** Per collection: documents, data and index size, index names. Cached (collStats may scan on the embedded database). */
export async function collectionStats(db: Db) {
  const r = await cached(db, 'counts', 'system.collections', [], async () => {
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => !n.startsWith('system.'))
      .sort();
    const rows = [];
    for (const name of names) {
      const [stats, indexes] = await Promise.all([
        db.command({ collStats: name }, { timeoutMS: 10_000 }).catch(() => null) as Promise<CollStats | null>,
        db
          .collection(name)
          .listIndexes()
          .toArray()
          .catch(() => []),
      ]);
      rows.push({
        name,
        count: stats?.count ?? null,
        sizeBytes: stats?.size ?? null,
        storageBytes: stats?.storageSize ?? null,
        indexBytes: stats?.totalIndexSize ?? null,
        indexes: indexes.map((i) => String(i.name)),
      });
    }
    return rows;
  });
  return { rows: r.value, computedAt: r.computedAt };
}

export async function serverInfo(db: Db) {
  const info = await db.command({ buildInfo: 1 }).catch(() => null);
  return {
    version: (info?.version as string | undefined) ?? 'unknown',
    ferretdbVersion: (info?.ferretdbVersion as string | undefined) ?? null,
    node: process.version,
    uptimeSeconds: Math.round(process.uptime()),
  };
}

export function cacheTiers() {
  const s = cacheStats();
  return (Object.keys(CACHE_TIERS) as CacheTier[]).map((tier) => {
    const { hits, misses, size, ttlMs } = s[tier];
    return { tier, hits, misses, size, ttlMs, hitRate: hits + misses ? hits / (hits + misses) : null };
  });
}

export async function systemOverview(db: Db, hours: number) {
  const [series, collections, server, alerts] = await Promise.all([readSeries(db, hours), collectionStats(db), serverInfo(db), computeAlerts(db)]);
  return {
    hours,
    series: series.points,
    total: series.total,
    instances: series.instances,
    slowest: series.procedures.slice(0, 15),
    collections,
    server,
    caches: cacheTiers(),
    alerts,
    thresholds: ALERT_THRESHOLDS,
  };
}
