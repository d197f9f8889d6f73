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
 * Audience: the permission that reads the collection (the registry's `read` for platform collections,
 * backup.read for backups, audit.read for the audit log), so nobody learns that a collection they cannot
 * read changed. The dashboard (components/dashboard/home.tsx) refetches the tiles whose tags the event
 * names; it polls only while the subscription is down.
 */
import type { Db } from 'mongodb';
import { invalidate } from '../db/cache';
import { isCollectionKey, REGISTRY } from '../registry';
import type { Permission } from '../permissions';
import { publishQuietly } from './bus';

export const TILES_COALESCE_MS = Number(process.env.LIVE_TILES_COALESCE_MS ?? 1_000);

/** Who may learn that `tag` changed. */
export function tagPermission(tag: string): Permission {
  if (isCollectionKey(tag)) return REGISTRY[tag].read;
  if (tag === 'backups') return 'backup.read';
  if (tag === 'audit_logs') return 'audit.read';
  return 'dashboard.view';
}

interface Pending {
  tags: Set<string>;
  timer: ReturnType<typeof setTimeout> | null;
}
const pending = ((globalThis as unknown as { __acubeTiles?: WeakMap<Db, Pending> }).__acubeTiles ??= new WeakMap());

/** Publishes what is pending now (the coalescing timer's work; tests call it to skip the wait). */
export function flushTiles(db: Db): void {
  const p = pending.get(db);
  if (!p) return;
  if (p.timer) clearTimeout(p.timer);
  p.timer = null;
  if (!p.tags.size) return;
  const byPermission = new Map<Permission, string[]>();
  for (const t of [...p.tags].sort()) {
    const perm = tagPermission(t);
    const list = byPermission.get(perm);
    if (list) list.push(t);
    else byPermission.set(perm, [t]);
  }
  p.tags.clear();
  for (const [permission, tags] of byPermission) publishQuietly(db, { type: 'tiles', permission, data: { tags } });
}

/** Records in these collections changed through this process: fresh caches now, one live event per burst. */
export function recordsChanged(db: Db, ...tags: string[]): void {
  if (!tags.length) return;
  invalidate(db, ...tags);
  let p = pending.get(db);
  if (!p) pending.set(db, (p = { tags: new Set(), timer: null }));
  for (const t of tags) p.tags.add(t);
  if (!p.timer) {
    p.timer = setTimeout(() => flushTiles(db), TILES_COALESCE_MS);
    p.timer.unref?.();
  }
}
