/**
 * A short-lived result cache keyed by database, query name and input. Writes through this
 * process (ingestion, rebuild) bump a generation so fresh data shows at once; writes by other
 * processes show within the TTL.
 */
import type { Db } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { forgetMemberDirectory } from './members';
import { singleFlight } from '../lib/single-flight';

export const CACHE_TTL_MS = 60_000;
const cache = new LRUCache<string, { value: unknown }>({ max: 500, ttl: CACHE_TTL_MS });
// The generations (not the values) on globalThis: the member directory's catch-up may run in the instrumentation
// bundle's copy of this module and must drop what the route bundles computed. The values stay per bundle, as
// before: the start-up warm-up's results (possibly of a database that was then reseeded) are not the routes'.
const g = globalThis as unknown as { __acubeAnalyticsGenerations?: Map<string, number> };
const generations: Map<string, number> = (g.__acubeAnalyticsGenerations ??= new Map());

export function bumpGeneration(db: Db): void {
  generations.set(db.databaseName, (generations.get(db.databaseName) ?? 0) + 1);
}

// Concurrent misses of one key share one computation: when an entry expires under load, a hundred
// dashboards asking at once must not run the same 30-day read a hundred times.
const inFlight = new Map<string, Promise<unknown>>();

export async function cached<T>(db: Db, name: string, input: unknown, compute: () => Promise<T>): Promise<T> {
  const key = `${db.databaseName}|${generations.get(db.databaseName) ?? 0}|${name}|${JSON.stringify(input)}`;
  const hit = cache.get(key);
  if (hit) return hit.value as T;
  return singleFlight(inFlight, key, async () => {
    const value = await compute();
    cache.set(key, { value });
    return value;
  });
}

/** Drops cached results and the member directory (tests, benchmarks' cold runs). */
export function clearAnalyticsCache(): void {
  cache.clear();
  inFlight.clear();
  forgetMemberDirectory();
}

/** Drops cached results only (the member directory stays warm). */
export function clearResultCache(): void {
  cache.clear();
}
