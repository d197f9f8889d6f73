/**
 * In-process backup scheduler (croner). Every instance arms the same cron; a run-once
 * marker in backup_locks (unique _id per scheduled time) makes exactly one instance run
 * each scheduled backup. Retention cleanup follows each scheduled backup. Settings
 * changed on another instance are picked up within a minute.
 */
import type { Db } from 'mongodb';
import { Cron } from 'croner';
import { getDb } from '../db/client';
import { writeAudit } from '../audit/service';
import { tryLock } from '../db/locks';
import { applyRetention, getSchedule, recoverOnStartup, startBackup } from './service';
import { waitForJob } from './jobs';

interface SchedState {
  cron?: Cron;
  key?: string;
  poll?: ReturnType<typeof setInterval>;
}
const g = globalThis as unknown as { __acubeBackupScheduler?: SchedState; __acubeBackupScheduleChanged?: () => void };

export async function runScheduledBackup(db: Db, scheduledAt: Date): Promise<'ran' | 'skipped'> {
  const marker = `schedule:${scheduledAt.toISOString().slice(0, 16)}`;
  if (!(await tryLock(db, marker, `pid-${process.pid}`, 7 * 86_400_000))) return 'skipped';
  try {
    const { jobId, backupId } = await startBackup(db, { note: 'Scheduled backup' }, null, 'schedule');
    const job = await waitForJob(db, jobId);
    const retention = job.status === 'succeeded' ? await applyRetention(db) : null;
    await writeAudit(db, {
      actor: null,
      action: 'backup.scheduled',
      target: { type: 'backup', id: backupId },
      details: { status: job.status, error: job.error, retention },
      result: job.status === 'succeeded' ? 'success' : 'failure',
      error: job.error,
    });
  } catch (e) {
    await writeAudit(db, { actor: null, action: 'backup.scheduled', target: null, result: 'failure', error: (e as Error).message });
  }
  return 'ran';
}

async function arm(db: Db) {
  const st = (g.__acubeBackupScheduler ??= {});
  const s = await getSchedule(db);
  const key = `${s.enabled}|${s.cron}`;
  if (st.key === key) return;
  st.cron?.stop();
  st.cron = undefined;
  st.key = key;
  if (!s.enabled) return;
  try {
    st.cron = new Cron(s.cron, { timezone: 'UTC', protect: true }, async (self: Cron) => {
      const at = self.currentRun() ?? new Date();
      await runScheduledBackup(db, at).catch((e) => console.error('[backup] scheduled run failed', e));
    });
    console.log(`[backup] schedule "${s.cron}" UTC, next run ${st.cron.nextRun()?.toISOString()}`);
  } catch (e) {
    console.error('[backup] invalid schedule', s.cron, e);
  }
}

/** Called once per server process from instrumentation.ts. */
export async function startScheduler(): Promise<void> {
  if (g.__acubeBackupScheduler?.poll) return;
  const st = (g.__acubeBackupScheduler ??= {});
  st.poll = setInterval(() => {
    getDb()
      .then(arm)
      .catch(() => undefined);
  }, 60_000);
  st.poll.unref?.();
  g.__acubeBackupScheduleChanged = () => {
    getDb()
      .then(arm)
      .catch(() => undefined);
  };
  try {
    const db = await getDb();
    const r = await recoverOnStartup(db);
    if (r.rolledBack || r.rolledForward || r.jobs || r.backups) console.log('[backup] recovery at start-up:', r);
    await arm(db);
  } catch (e) {
    console.error('[backup] scheduler start deferred (database unavailable):', (e as Error).message);
  }
}
