/** Next.js start-up hook: backup crash recovery and the in-process backup scheduler (Node.js runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.BACKUP_SCHEDULER === 'off') return;
  const { startScheduler } = await import('./server/backup/scheduler');
  await startScheduler();
}
