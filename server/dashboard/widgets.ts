/**
 * Dashboard widgets: each needs ONE permission, and `dashboard.list` / `dashboard.widget` serve only the
 * caller's widgets, loaded on the server under that permission.
 *
 * Adding a widget takes a few lines:
 *   1. here: `myWidget: widget({ title: 'My widget', permission: 'some.permission', load: (db, op) => mySummary(db) })`
 *   2. components/dashboard/widgets.tsx: add `myWidget: (data) => <MyWidget data={data} />` to RENDERERS
 *      (the data type is inferred from `load`, so the renderer is type-checked).
 */
import type { Db } from 'mongodb';
import type { Operator } from '../auth/session';
import type { Permission } from '../permissions';
import { LRUCache } from 'lru-cache';
import { homeSummary } from '../analytics/service';
import { backupHealthSummary } from '../backup/service';
import { dataQualitySummary } from '../quality/service';
import { adminActivity, contentSummary, moderationQueues, pendingActions, platformCounts, systemStatus } from './service';

export interface WidgetDef<T> {
  title: string;
  permission: Permission;
  load(db: Db, operator: Operator): Promise<T>;
}
const widget = <T>(w: WidgetDef<T>) => w;

// The data-quality scan reads every platform collection; on a dashboard it is kept for a minute.
const qualityCache = new LRUCache<string, Awaited<ReturnType<typeof dataQualitySummary>>>({ max: 20, ttl: 60_000 });
async function cachedQuality(db: Db) {
  const hit = qualityCache.get(db.databaseName);
  if (hit) return hit;
  const fresh = await dataQualitySummary(db);
  qualityCache.set(db.databaseName, fresh);
  return fresh;
}

/** Order here is the order on the page. */
export const WIDGETS = {
  counts: widget({ title: 'Platform records', permission: 'dashboard.view', load: (db, op) => platformCounts(db, op.role) }),
  systemStatus: widget({ title: 'System status', permission: 'system.read', load: (db) => systemStatus(db) }),
  adminActivity: widget({ title: 'Admin activity', permission: 'audit.read', load: (db) => adminActivity(db) }),
  pendingActions: widget({ title: 'Pending actions', permission: 'moderation.manage', load: (db) => pendingActions(db) }),
  moderationQueues: widget({ title: 'Moderation queues', permission: 'moderation.manage', load: (db, op) => moderationQueues(db, op.role) }),
  analytics: widget({ title: 'Engagement', permission: 'analytics.read', load: (db) => homeSummary(db) }),
  backupHealth: widget({ title: 'Backup health', permission: 'backup.read', load: (db) => backupHealthSummary(db) }),
  dataQuality: widget({ title: 'Data quality', permission: 'data.validate', load: (db) => cachedQuality(db) }),
  content: widget({ title: 'Content', permission: 'content.edit', load: (db) => contentSummary(db) }),
};

export type WidgetKey = keyof typeof WIDGETS;
type DataOf<K extends WidgetKey> = Awaited<ReturnType<(typeof WIDGETS)[K]['load']>>;
export type WidgetResult = {
  [K in WidgetKey]: { key: K; title: string; permission: Permission } & ({ ok: true; data: DataOf<K> } | { ok: false; error: string });
}[WidgetKey];
