/**
 * Result caches in tiers (seed phase 14.1): each tier has its own time to live, every entry knows when
 * it was computed (so a page can say "updated 2 min ago"), concurrent misses share one computation,
 * and hits and misses are counted per tier for the metrics. Entries carry tags (usually collection
 * names); a write through this process calls `invalidate(db, tag)` so the next read is fresh. Writes by
 * other processes (the platform itself) show within the tier's TTL.
 *
 * Kept on globalThis: the tRPC route, the route handlers and the pages of one Next.js server share it.
 */
import type { Db } from 'mongodb';
import { LRUCache } from 'lru-cache';

export const CACHE_TIERS = {
  /** Lists that change with a deploy (registry-derived, role tables). */
  static: 60 * 60_000,
  /** Reference data (admin names for relations, distinct action names). */
  reference: 10 * 60_000,
  /** Dashboard statistics. */
  dashboard: 5 * 60_000,
  /** Search counts. */
  counts: 2 * 60_000,
  /** Hot lists (queues that change often). */
  hot: 30_000,
} as const;
export type CacheTier = keyof typeof CACHE_TIERS;

export interface Cached<T> {
  value: T;
  computedAt: Date;
  /** True when served from the cache. */
  hit: boolean;
}

interface Entry {
  value: unknown;
  computedAt: Date;
  tags: string[];
  gen: number;
}

interface State {
  caches: Record<CacheTier, LRUCache<string, Entry>>;
  inflight: Map<string, Promise<Entry>>;
  stats: Record<CacheTier, { hits: number; misses: number }>;
  /** Per database and tag: bumped by invalidate(); entries of an older generation are stale. */
  gens: Map<string, number>;
}

const g = globalThis as unknown as { __acubeCache?: State };

function state(): State {
  if (!g.__acubeCache) {
    const caches = {} as State['caches'];
    const stats = {} as State['stats'];
    for (const [tier, ttl] of Object.entries(CACHE_TIERS) as [CacheTier, number][]) {
      // kept 10× the tier's age so a stale value can be served while it is recomputed (staleWhileRevalidate)
      caches[tier] = new LRUCache<string, Entry>({ max: 2_000, ttl: ttl * 10 });
      stats[tier] = { hits: 0, misses: 0 };
    }
    g.__acubeCache = { caches, stats, inflight: new Map(), gens: new Map() };
  }
  return g.__acubeCache;
}

const genKey = (db: Db, tag: string) => `${db.databaseName}|${tag}`;
function generation(db: Db, tags: string[]): number {
  const s = state();
  let sum = 0;
  for (const t of tags) sum += s.gens.get(genKey(db, t)) ?? 0;
  return sum;
}

/**
 * The cached value of `key` in `tier`, or `load()`'s (stored). `tags` name what the value depends on.
 * `fresh: true` skips the cache (the caller asked to recompute) and stores the new value.
 * `staleWhileRevalidate: true` answers an entry older than the tier's age at once (with its age) and
 * recomputes it in the background, so a dashboard tile never waits once it has been computed.
 */
export async function cached<T>(
  db: Db,
  tier: CacheTier,
  key: string,
  tags: string[],
  load: () => Promise<T>,
  opts: { fresh?: boolean; staleWhileRevalidate?: boolean } = {},
): Promise<Cached<T>> {
  const s = state();
  const full = `${db.databaseName}|${key}`;
  const gen = generation(db, tags);
  const flightKey = `${tier}|${full}|${gen}`;
  const compute = () => {
    let p = opts.fresh ? undefined : s.inflight.get(flightKey);
    if (!p) {
      p = (async () => {
        const value = await load();
        const e: Entry = { value, computedAt: new Date(), tags, gen };
        s.caches[tier].set(full, e);
        return e;
      })().finally(() => s.inflight.delete(flightKey));
      s.inflight.set(flightKey, p);
    }
    return p;
  };
  const hit = opts.fresh ? undefined : s.caches[tier].get(full);
  if (hit && hit.gen === gen) {
    const age = Date.now() - hit.computedAt.getTime();
    if (age <= CACHE_TIERS[tier] || opts.staleWhileRevalidate) {
      s.stats[tier].hits++;
      if (age > CACHE_TIERS[tier]) compute().catch((e) => console.error(`[cache] refreshing ${key}:`, e instanceof Error ? e.message : e));
      return { value: hit.value as T, computedAt: hit.computedAt, hit: true };
    }
  }
  s.stats[tier].misses++;
  const e = await compute();
  return { value: e.value as T, computedAt: e.computedAt, hit: false };
}

/** Marks every cached value tagged `tag` (in this database) stale. */
export function invalidate(db: Db, ...tags: string[]): void {
  const s = state();
  for (const t of tags) s.gens.set(genKey(db, t), (s.gens.get(genKey(db, t)) ?? 0) + 1);
}

/** Hit/miss counts and sizes per tier (for the metrics and the System page). */
export function cacheStats(): Record<CacheTier, { hits: number; misses: number; size: number; ttlMs: number }> {
  const s = state();
  const out = {} as ReturnType<typeof cacheStats>;
  for (const tier of Object.keys(CACHE_TIERS) as CacheTier[]) {
    out[tier] = { ...s.stats[tier], size: s.caches[tier].size, ttlMs: CACHE_TIERS[tier] };
  }
  return out;
}

/** Empties every tier (tests, benchmarks' cold runs). */
export function clearCaches(): void {
  const s = state();
  for (const c of Object.values(s.caches)) c.clear();
}
