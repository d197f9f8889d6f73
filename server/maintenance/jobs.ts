/**
 * Maintenance jobs (issue 16), each a function of the database that returns what it did. Scheduling,
 * locking and recording are in ./runner.ts.
 *
 * - audit-retention: audit entries older than AUDIT_RETENTION_DAYS (default 365) are first archived into a
 *   backup of audit_logs (trigger 'archive', never removed by backup retention), the archive is checked to
 *   hold at least as many entries as will be removed, and only then are they removed. A failed archive
 *   removes nothing.
 * - prune: expired sign-in rate-limit counters, expired backup locks, finished backup jobs older than 30
 *   days, live events older than a day (the newest kept: it carries the sequence), notifications older than
 *   90 days, System page series older than 48 h. (Sessions are signed JWTs: nothing stored to prune.)
 * - contact-watch: contact messages that arrived since the last look become one "new contact message"
 *   notification for moderators (holders of moderation.manage).
 * - index-upkeep: the index set of server/db/indexes.ts made current (missing ones created, retired ones
 *   dropped). Runs as the start-up migration step (instrumentation.ts) and on demand.
 * - analytics-compaction: past days of analytics_user_days folded into one set per day
 *   (server/analytics/compact.ts); every metric reads the same before and after. Then the event counts of the
 *   last 100 days are stored (server/analytics/day-counts.ts), so feature usage's first read adds up days.
 * - member-directory: the full reconcile of the incremental member directory (server/analytics/members.ts):
 *   every instance rebuilds it at its next refresh (from the snapshot this run stores, or a full scan).
 * - member-snapshot: this instance's member directory, brought up to date, stored in the database, so a process
 *   that starts answers from it at once instead of scanning every member (~25 s at 100,000) before its first
 *   retention, lifecycle or dashboard answer; runs at start when no usable snapshot is stored.
 * - data-quality: the data-quality checks of every platform collection (server/quality/service.ts), stored for
 *   the dashboard tile, which reads only the stored summary (the checks read whole collections: minutes at 25×).
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collections } from '../db/collections';
import { ensureIndexes } from '../db/indexes';
import { bk } from '../backup/model';
import { startBackup } from '../backup/service';
import { waitForJob } from '../backup/jobs';
import { liveEvents } from '../live/bus';
import { notify, pruneNotifications } from '../notifications/service';
import { pruneSeries } from '../system/series';
import { recordsChanged } from '../live/tiles';
import { compactRollup } from '../analytics/compact';
import { readDayCounts } from '../analytics/day-counts';
import { dayIndexOfDate, dayKeyOfIndex } from '../analytics/periods';

/** Days of event counts the compaction job stores ahead of the first feature-usage read (the default range is 12 weeks). */
const DAY_COUNTS_AHEAD = 100;
import { hasUsableSnapshot, reconcileMemberDirectory, storeMemberSnapshot } from '../analytics/members';
import { refreshQualitySummary, storedQualitySummary } from '../quality/service';
import type { Trigger } from './runner';

export const MAINTENANCE_JOB_KEYS = [
  'audit-retention',
  'prune',
  'contact-watch',
  'analytics-compaction',
  'member-directory',
  // before data-quality: start-up runs go in this order, and the data-quality checks take minutes at 25×
  'member-snapshot',
  'data-quality',
  'index-upkeep',
] as const;
export type MaintenanceJobKey = (typeof MAINTENANCE_JOB_KEYS)[number];

export interface MaintenanceJob {
  key: MaintenanceJobKey;
  label: string;
  description: string;
  /** Cron in UTC; null: start-up and "run now" only. */
  cron: string | null;
  /** `trigger` 'manual' is a person waiting on "Run now"; the others run with no one waiting (and may yield). */
  run(db: Db, now: Date, ctx?: { trigger: Trigger }): Promise<Record<string, unknown>>;
  /**
   * True when this job should run as soon as an instance starts (trigger 'startup') because what it produces
   * is missing and its schedule may be hours away. Asked only while the job has never run (a failed run is
   * not repeated at every start: it notified already), and asked again under a lock (runner.ts).
   */
  neededAtStart?(db: Db): Promise<boolean>;
}

export function auditRetentionDays(): number {
  return z.coerce
    .number()
    .int()
    .min(1)
    .max(36_500)
    .catch(365)
    .parse(process.env.AUDIT_RETENTION_DAYS ?? 365);
}

export async function runAuditRetention(db: Db, now = new Date(), days = auditRetentionDays()) {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const old = await collections.auditLogs(db).countDocuments({ at: { $lt: cutoff } });
  if (!old) return { days, cutoff, removed: 0, archiveId: null };
  const { jobId, backupId } = await startBackup(
    db,
    { collections: ['audit_logs'], note: `Audit retention: archive before removing ${old} entries older than ${cutoff.toISOString().slice(0, 10)}` },
    null,
    'archive',
  );
  const job = await waitForJob(db, jobId);
  if (job.status !== 'succeeded') throw new Error(`The archive backup failed, nothing was removed: ${job.error ?? 'unknown error'}`);
  const archive = await bk.backups(db).findOne({ _id: backupId });
  const held = archive?.collections.find((c) => c.name === 'audit_logs')?.count ?? 0;
  if (archive?.status !== 'complete' || held < old)
    throw new Error(`The archive ${backupId} holds ${held} audit entries, fewer than the ${old} to remove; nothing was removed.`);
  const removedAt = new Date();
  const r = await collections.auditLogs(db).deleteMany({ at: { $lt: cutoff } });
  if (r.deletedCount) recordsChanged(db, 'audit_logs'); // cached audit pages (and other instances')
  return { days, cutoff, removed: r.deletedCount, archiveId: backupId, archivedAt: archive.finishedAt, removedAt };
}

export async function runPrune(db: Db, now = new Date()) {
  const day = 86_400_000;
  const rateLimits = (await db.collection('rate_limits').deleteMany({ expire: { $lte: now } })).deletedCount;
  const locks = (await bk.locks(db).deleteMany({ expiresAt: { $lt: now } })).deletedCount;
  const jobs = (await bk.jobs(db).deleteMany({ status: { $in: ['succeeded', 'failed'] }, finishedAt: { $lt: new Date(now.getTime() - 30 * day) } }))
    .deletedCount;
  const newest = await liveEvents(db)
    .find({}, { projection: { seq: 1 } })
    .sort({ seq: -1 })
    .limit(1)
    .next();
  const live = newest ? (await liveEvents(db).deleteMany({ at: { $lt: new Date(now.getTime() - day) }, seq: { $lt: newest.seq } })).deletedCount : 0;
  const notes = await pruneNotifications(db, 90, now);
  const series = await pruneSeries(db, now);
  return { rateLimits, locks, jobs, liveEvents: live, notifications: notes, series };
}

const watchState = (db: Db) => db.collection<{ _id: string; lastSeen: Date }>('maintenance_state');

export async function runContactWatch(db: Db, now = new Date()) {
  const st = await watchState(db).findOne({ _id: 'contact-watch' });
  // The first look only sets the mark: messages from before the app watched are not news.
  if (!st) {
    await watchState(db).updateOne({ _id: 'contact-watch' }, { $set: { lastSeen: now } }, { upsert: true });
    return { new: 0, first: true };
  }
  const fresh = await db.collection('contacts').countDocuments({ createdAt: { $gt: st.lastSeen, $lte: now } });
  await watchState(db).updateOne({ _id: 'contact-watch' }, { $set: { lastSeen: now } });
  if (fresh) {
    // the messages came in from the platform, not through the app: the moderation and count tiles refresh
    recordsChanged(db, 'contacts');
    await notify(db, {
      kind: 'contact.new',
      title: fresh === 1 ? 'New contact message' : `${fresh} new contact messages`,
      body: null,
      href: '/search?c=contacts',
      permission: 'moderation.manage',
    });
  }
  return { new: fresh };
}

export async function runIndexUpkeep(db: Db) {
  const started = Date.now();
  await ensureIndexes(db);
  return { ms: Date.now() - started };
}

export const MAINTENANCE_JOBS: Record<MaintenanceJobKey, MaintenanceJob> = {
  'audit-retention': {
    key: 'audit-retention',
    label: 'Audit log retention',
    description: 'Archives audit entries older than the retention period into a backup, then removes them.',
    cron: '30 3 * * *',
    run: (db, now) => runAuditRetention(db, now),
  },
  prune: {
    key: 'prune',
    label: 'Prune expired records',
    description: 'Expired rate-limit counters and locks, old finished jobs, live events, notifications and metric series.',
    cron: '*/15 * * * *',
    run: (db, now) => runPrune(db, now),
  },
  'contact-watch': {
    key: 'contact-watch',
    label: 'New contact messages',
    description: 'Notifies moderators of contact messages that arrived since the last look.',
    cron: '* * * * *',
    run: (db, now) => runContactWatch(db, now),
  },
  'analytics-compaction': {
    key: 'analytics-compaction',
    label: 'Analytics compaction',
    description:
      'Folds the rollup parts of past days into one document set per day (each member-day once), then stores the event counts of the last 100 days for feature usage; no metric changes.',
    cron: '10 2 * * *',
    run: async (db, now) => {
      const r = await compactRollup(db, now);
      const t0 = Date.now();
      const today = dayIndexOfDate(now);
      const counted = await readDayCounts(db, dayKeyOfIndex(today - DAY_COUNTS_AHEAD), dayKeyOfIndex(today - 1));
      return { ...r, dayCounts: counted.size, dayCountsMs: Date.now() - t0 };
    },
  },
  'member-directory': {
    key: 'member-directory',
    label: 'Member directory reconcile',
    description: 'Rebuilds the analytics member directory from a full scan on every instance (between runs it refreshes incrementally).',
    cron: '40 4 * * *',
    run: (db, now) => reconcileMemberDirectory(db, now),
  },
  'member-snapshot': {
    key: 'member-snapshot',
    label: 'Member directory snapshot',
    description: 'Stores the analytics member directory in the database (after an incremental refresh), so an instance that starts answers from it at once.',
    cron: '*/10 * * * *',
    run: (db) => storeMemberSnapshot(db),
    // A fresh database (or one upgraded to this version): the next start would scan every member again.
    neededAtStart: async (db) => !(await hasUsableSnapshot(db)),
  },
  'data-quality': {
    key: 'data-quality',
    label: 'Data-quality summary',
    description: "Runs the data-quality checks of every platform collection and stores the summary the dashboard's Data quality tile shows.",
    cron: '20 */6 * * *',
    run: async (db, now, ctx) => ({ ...(await refreshQualitySummary(db, now, { background: ctx?.trigger !== 'manual' })) }),
    // A fresh database: the tile would say "Not computed yet" until the next :20 of a sixth hour.
    neededAtStart: async (db) => (await storedQualitySummary(db)).computedAt === null,
  },
  'index-upkeep': {
    key: 'index-upkeep',
    label: 'Index upkeep',
    description: 'Creates missing indexes and drops retired ones (also the start-up migration step).',
    cron: null,
    run: (db) => runIndexUpkeep(db),
  },
};
