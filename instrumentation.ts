/**
 * Next.js start-up hook (Node.js runtime only): backup crash recovery and the in-process backup
 * scheduler, and loading the analytics member directory in the background so the first
 * retention or lifecycle request does not pay for a users scan.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDb } = await import('./server/db/client');
  const { warmMemberDirectory } = await import('./server/analytics/members');
  getDb().then(warmMemberDirectory, () => undefined);
  if (process.env.BACKUP_SCHEDULER === 'off') return;
  const { startScheduler } = await import('./server/backup/scheduler');
  await startScheduler();
}
