/**
 * Next.js start-up hook (Node.js runtime only): the client-address hook, backup crash recovery and the in-process backup
 * scheduler, and loading the analytics member directory in the background so the first
 * retention or lifecycle request does not pay for a users scan; the analytics rollup queue's sweeper;
 * the audit log's actorEmail backfill for entries written by an earlier version; the slow dashboard tiles
 * (data quality, engagement) computed into the cache.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // First: the client address of every request comes from the socket (or TRUST_PROXY hops), not from
  // whatever X-Forwarded-For the client sent (server/auth/client-ip.ts).
  const { installClientIpHook } = await import('./server/auth/client-ip');
  installClientIpHook();
  const { getDb } = await import('./server/db/client');
  const { warmMemberDirectory } = await import('./server/analytics/members');
  const { startRollupWorker } = await import('./server/analytics/queue');
  const { backfillActorEmail } = await import('./server/audit/list');
  const { warmDashboard } = await import('./server/dashboard/get');
  const { startMessaging } = await import('./server/messaging/automation');
  getDb().then(
    (db) => {
      warmMemberDirectory(db);
      startRollupWorker(db);
      backfillActorEmail(db).then(
        (n) => n > 0 && console.log(`[audit] gave ${n} older entries their actorEmail`),
        (e) => console.error('[audit] actorEmail backfill:', e instanceof Error ? e.message : e),
      );
      warmDashboard(db).catch((e) => console.error('[dashboard] warming:', e instanceof Error ? e.message : e));
      // the outbox worker, due campaigns and the daily re-engagement rule (server/messaging/automation.ts)
      if (process.env.MESSAGING_WORKER !== 'off') startMessaging(db);
      // Issue 16: the start-up index step recorded as a maintenance run; the System page's metric series;
      // maintenance jobs armed (one instance runs each scheduled time, server/maintenance/runner.ts).
      void (async () => {
        const { startupIndexUpkeep } = await import('./server/db/client');
        const { recordStartupRun, startMaintenance } = await import('./server/maintenance/runner');
        const { startSeries } = await import('./server/system/series');
        const info = startupIndexUpkeep();
        if (info) await recordStartupRun(db, info).catch(() => undefined);
        startSeries(db);
        if (process.env.MAINTENANCE_SCHEDULER !== 'off') startMaintenance(db);
      })().catch((e) => console.error('[maintenance] start:', e instanceof Error ? e.message : e));
    },
    () => undefined,
  );
  // Scheduled publishing of content (issue 14): every instance arms it; a per-minute lock lets one run.
  if (process.env.CONTENT_SCHEDULER !== 'off') {
    const { startContentScheduler } = await import('./server/content/scheduler');
    startContentScheduler();
  }
  if (process.env.BACKUP_SCHEDULER === 'off') return;
  const { startScheduler } = await import('./server/backup/scheduler');
  await startScheduler();
}
