/**
 * Live dashboard tiles (issue 16). A write that changes what a tile counts calls
 * `recordsChanged(db, collection…)`:
 * - the result caches of this process tagged with those collections are invalidated at once
 *   (server/db/cache.ts), so the next read is fresh;
 * - a `tiles` event naming the collections is published on the live bus, coalesced: the collections
 *   changed within TILES_COALESCE_MS (LIVE_TILES_COALESCE_MS, default 1 s) go out as one event per
 *   audience, so a burst of writes (a bulk moderation action, an ingestion backlog) is one event a second,
 *   not one per write;
 * - every instance's hub invalidates the same tags when the event arrives (bus.ts), before its
 *   subscribers see it, so a dashboard that refetches on the event gets fresh numbers from any instance
 *   that tails the bus.
 * High-rate collections are slower: `activity_events` changes with every drain step of continuous ingestion,
 * and the tiles built on it (counts, engagement, data quality) are the expensive ones, so its changes are
 * neither invalidated at once nor published more than once per dashboard cache age (5 min): the same
 * freshness as before, pushed instead of polled.
 * Audience: the permission that reads the collection (the registry's `read` for platform collections,
 * backup.read for backups, audit.read for the audit log), so nobody learns that a collection they cannot
 * read changed. The dashboard (components/dashboard/home.tsx) refetches the tiles whose tags the event
 * names; it polls only while the subscription is down.
 */
import type { Db } from 'mongodb';
import { CACHE_TIERS, invalidate } from '../db/cache';
import { isCollectionKey, REGISTRY } from '../registry';
import type { Permission } from '../permissions';
import { publishQuietly } from './bus';

export const TILES_COALESCE_MS = Number(process.env.LIVE_TILES_COALESCE_MS ?? 1_000);
/** Collections written continuously: their own, longer window (see above). */
export const SLOW_TAGS: Readonly<Record<string, number>> = { activity_events: CACHE_TIERS.dashboard };

/** Who may learn that `tag` changed. */
export function tagPermission(tag: string): Permission {
  if (isCollectionKey(tag)) return REGISTRY[tag].read;
  if (tag === 'backups') return 'backup.read';
  if (tag === 'audit_logs') return 'audit.read';
  if (tag === 'quality_summary') return 'data.validate'; // the data-quality job stored a new summary
  if (tag === 'member_directory') return 'analytics.read'; // the member directory caught up after a start (analytics/members.ts)
  return 'dashboard.view';
}

interface Pending {
  tags: Set<string>;
  timer: ReturnType<typeof setTimeout> | null;
}
/** Per database and window (ms): what waits to be published. */
const pending = ((globalThis as unknown as { __acubeTiles?: WeakMap<Db, Map<number, Pending>> }).__acubeTiles ??= new WeakMap());

function publishTags(db: Db, tags: Iterable<string>) {
  const byPermission = new Map<Permission, string[]>();
  for (const t of [...tags].sort()) {
    const perm = tagPermission(t);
    const list = byPermission.get(perm);
    if (list) list.push(t);
    else byPermission.set(perm, [t]);
  }
  for (const [permission, list] of byPermission) publishQuietly(db, { type: 'tiles', permission, data: { tags: list } });
}

/** Publishes what is pending now, in every window (the timers' work; tests call it to skip the wait). */
export function flushTiles(db: Db): void {
  for (const [windowMs, p] of pending.get(db) ?? []) flushWindow(db, windowMs, p);
}

function flushWindow(db: Db, windowMs: number, p: Pending) {
  if (p.timer) clearTimeout(p.timer);
  p.timer = null;
  if (!p.tags.size) return;
  const tags = [...p.tags];
  p.tags.clear();
  // slow tags were not invalidated at write time: now (this process; the others when the event arrives)
  if (windowMs !== TILES_COALESCE_MS) invalidate(db, ...tags);
  publishTags(db, tags);
}

/** Records in these collections changed through this process: fresh caches now, one live event per burst. */
export function recordsChanged(db: Db, ...tags: string[]): void {
  let windows = pending.get(db);
  if (!windows) pending.set(db, (windows = new Map()));
  for (const t of tags) {
    const windowMs = SLOW_TAGS[t] ?? TILES_COALESCE_MS;
    if (windowMs === TILES_COALESCE_MS) invalidate(db, t);
    let p = windows.get(windowMs);
    if (!p) windows.set(windowMs, (p = { tags: new Set(), timer: null }));
    p.tags.add(t);
    if (!p.timer) {
      const bucket = p;
      p.timer = setTimeout(() => flushWindow(db, windowMs, bucket), windowMs);
      p.timer.unref?.();
    }
  }
}
