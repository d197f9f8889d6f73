/**
 * Next.js start-up hook (Node.js runtime only): the client-address hook, backup crash recovery and the in-process backup
 * scheduler, and loading the analytics member directory in the background so the first
 * retention or lifecycle request does not pay for a users scan; the analytics rollup queue's sweeper.
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
  getDb().then(
    (db) => {
      warmMemberDirectory(db);
      startRollupWorker(db);
    },
    () => undefined,
  );
  if (process.env.BACKUP_SCHEDULER === 'off') return;
  const { startScheduler } = await import('./server/backup/scheduler');
  await startScheduler();
}
