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
import type { CacheTier } from '../db/cache';
import { homeSummary } from '../analytics/service';
import { MEMBER_DIRECTORY_TAG } from '../analytics/members';
import { backupHealthSummary } from '../backup/service';
import { QUALITY_SUMMARY, storedQualitySummary } from '../quality/service';
import { adminActivity, contentSummary, moderationQueues, pendingActions, platformCounts, systemStatus } from './service';

export interface WidgetDef<T> {
  title: string;
  permission: Permission;
  load(db: Db, operator: Operator): Promise<T>;
  /** Cache tier of the widget's data (server/db/cache.ts); the tile shows its age. */
  tier: CacheTier;
  /** Collections the data depends on (writes through this process refresh it). */
  tags: string[];
  /** The data depends on the role (visible collections, masking): cached per set of permissions. */
  perRole?: boolean;
  /**
   * When the figures were computed, if not when this widget read them (a summary a maintenance job stored);
   * null: never computed. Absent: the cache's time.
   */
  computedAtOf?(data: T): Date | null;
  /**
   * Part of the data is older than when the widget computed it (null: it is not): the tile then shows this
   * time (answered from a stored snapshot that is catching up, e.g. the member directory after a start).
   */
  asOfOf?(data: T): Date | null;
}
const widget = <T>(w: WidgetDef<T>) => w;

const PLATFORM = [
  'users',
  'psychologists',
  'session_bookings',
  'events',
  'event_registrations',
  'blogs',
  'careers',
  'volunteers',
  'contacts',
  'activity_events',
];

/** Order here is the order on the page. */
export const WIDGETS = {
  counts: widget({
    title: 'Platform records',
    permission: 'dashboard.view',
    tier: 'dashboard',
    tags: PLATFORM,
    perRole: true,
    load: (db, op) => platformCounts(db, op.role),
  }),
  systemStatus: widget({ title: 'System status', permission: 'system.read', tier: 'hot', tags: [], load: (db) => systemStatus(db) }),
  adminActivity: widget({ title: 'Admin activity', permission: 'audit.read', tier: 'hot', tags: ['audit_logs'], load: (db) => adminActivity(db) }),
  pendingActions: widget({
    title: 'Pending actions',
    permission: 'moderation.manage',
    tier: 'hot',
    tags: ['contacts', 'session_bookings', 'volunteers'],
    perRole: true,
    load: (db, op) => pendingActions(db, op.role),
  }),
  moderationQueues: widget({
    title: 'Moderation queues',
    permission: 'moderation.manage',
    tier: 'hot',
    tags: ['contacts', 'volunteers'],
    perRole: true,
    load: (db, op) => moderationQueues(db, op.role),
  }),
  analytics: widget({
    title: 'Engagement',
    permission: 'analytics.read',
    tier: 'dashboard',
    // member_directory: a fresh process answers from the stored member directory; recomputed once it caught up
    tags: ['activity_events', MEMBER_DIRECTORY_TAG],
    load: (db) => homeSummary(db),
    asOfOf: (d) => d.cohortAsOf,
  }),
  backupHealth: widget({ title: 'Backup health', permission: 'backup.read', tier: 'hot', tags: ['backups'], load: (db) => backupHealthSummary(db) }),
  // The checks read every platform collection (minutes at 25×): the maintenance job `data-quality` computes and
  // stores them; the tile reads the stored summary (one `_id` lookup) and shows when it was computed.
  dataQuality: widget({
    title: 'Data quality',
    permission: 'data.validate',
    tier: 'hot',
    tags: [QUALITY_SUMMARY],
    load: (db) => storedQualitySummary(db),
    computedAtOf: (d) => d.computedAt,
  }),
  content: widget({
    title: 'Content',
    permission: 'content.edit',
    tier: 'dashboard',
    tags: ['blogs', 'careers', 'events'],
    perRole: true,
    load: (db, op) => contentSummary(db, op.role),
  }),
};

export type WidgetKey = keyof typeof WIDGETS;
type DataOf<K extends WidgetKey> = Awaited<ReturnType<(typeof WIDGETS)[K]['load']>>;
export type WidgetResult = {
  [K in WidgetKey]: { key: K; title: string; permission: Permission } & ({ ok: true; data: DataOf<K>; computedAt: Date | null } | { ok: false; error: string });
}[WidgetKey];
