/**
 * Runs maintenance jobs on the scheduler every instance arms (croner, as the backup scheduler), one instance
 * at a time through MongoDB locks (server/backup/locks.ts: unique _id, lease, compare-and-set takeover):
 * - a run-once marker per job and scheduled minute: of the instances that fire at 03:30, one runs;
 * - a running lock per job (lease renewed while it works): a "run now" while it runs answers CONFLICT.
 * Each run is recorded in `maintenance_runs` (last run: start, end, duration, result, details, error, who),
 * announced on the live bus to holders of system.read, and a failure notifies them (the bell).
 */
import type { Db } from 'mongodb';
import { Cron } from 'croner';
import { AppError } from '../errors';
import { writeAudit } from '../audit/service';
import { releaseLock, renewLock, tryLock } from '../db/locks';
import { publishQuietly } from '../live/bus';
import { notify } from '../notifications/service';
import { instanceId } from '../system/series';
import { MAINTENANCE_JOBS, MAINTENANCE_JOB_KEYS, type MaintenanceJobKey } from './jobs';

export type Trigger = 'schedule' | 'manual' | 'startup';
export interface RunRecord {
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  result: 'success' | 'failure';
  details: Record<string, unknown> | null;
  error: string | null;
  trigger: Trigger;
  by: string | null;
  instance: string;
}
interface RunStateDoc {
  _id: MaintenanceJobKey;
  last: RunRecord | null;
  running: { startedAt: Date; trigger: Trigger; instance: string } | null;
}
export const maintenanceRuns = (db: Db) => db.collection<RunStateDoc>('maintenance_runs');

const LEASE_MS = 10 * 60_000;

export async function runMaintenanceJob(
  db: Db,
  key: MaintenanceJobKey,
  opts: { trigger: Trigger; scheduledAt?: Date; by?: { id: string; email: string } | null; now?: Date; owner?: string },
): Promise<{ status: 'ran' | 'skipped'; record?: RunRecord }> {
  const job = MAINTENANCE_JOBS[key];
  const owner = opts.owner ?? `${instanceId()}:${Math.random().toString(36).slice(2, 8)}`;
  if (opts.trigger === 'schedule') {
    const at = (opts.scheduledAt ?? new Date()).toISOString().slice(0, 16);
    if (!(await tryLock(db, `maint:${key}:${at}`, owner, 2 * 86_400_000))) return { status: 'skipped' };
  }
  const runKey = `maint-run:${key}`;
  if (!(await tryLock(db, runKey, owner, LEASE_MS))) {
    if (opts.trigger === 'manual') throw new AppError('CONFLICT', `"${job.label}" is running already.`);
    return { status: 'skipped' };
  }
  const renew = setInterval(() => void renewLock(db, runKey, owner, LEASE_MS).catch(() => undefined), 60_000);
  renew.unref?.();
  const startedAt = new Date();
  let record: RunRecord;
  try {
    await maintenanceRuns(db).updateOne({ _id: key }, { $set: { running: { startedAt, trigger: opts.trigger, instance: instanceId() } } }, { upsert: true });
    let details: Record<string, unknown> | null = null;
    let error: string | null = null;
    try {
      details = await job.run(db, opts.now ?? startedAt, { trigger: opts.trigger });
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
    const finishedAt = new Date();
    record = {
      startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      result: error ? 'failure' : 'success',
      details,
      error,
      trigger: opts.trigger,
      by: opts.by?.email ?? null,
      instance: instanceId(),
    };
    await maintenanceRuns(db).updateOne({ _id: key }, { $set: { last: record, running: null } }, { upsert: true });
  } finally {
    clearInterval(renew);
    await releaseLock(db, runKey, owner).catch(() => undefined);
  }
  publishQuietly(db, { type: 'maintenance', permission: 'system.read', data: { key, result: record.result, finishedAt: record.finishedAt } });
  if (record.result === 'failure') {
    await notify(db, {
      kind: 'maintenance.failed',
      title: `Maintenance failed: ${job.label}`,
      body: record.error,
      href: '/system',
      permission: 'system.read',
    }).catch((e) => console.error('[maintenance] notification:', e instanceof Error ? e.message : e));
  }
  // Manual runs are audited by the mutation that started them; scheduled ones when they failed or removed audit entries.
  if (opts.trigger !== 'manual' && (record.result === 'failure' || (key === 'audit-retention' && Number(record.details?.removed) > 0))) {
    await writeAudit(db, {
      actor: null,
      action: `maintenance.${key}`,
      target: { type: 'maintenance', id: key },
      details: record.details,
      result: record.result,
      error: record.error,
    });
  }
  return { status: 'ran', record };
}

export function nextRunOf(cron: string | null, from = new Date()): Date | null {
  if (!cron) return null;
  try {
    return new Cron(cron, { timezone: 'UTC', paused: true }).nextRun(from);
  } catch {
    return null;
  }
}

export async function listMaintenance(db: Db) {
  const states = new Map((await maintenanceRuns(db).find({}).toArray()).map((s) => [s._id, s]));
  return MAINTENANCE_JOB_KEYS.map((k) => {
    const j = MAINTENANCE_JOBS[k];
    const s = states.get(k);
    return { key: k, label: j.label, description: j.description, cron: j.cron, nextRun: nextRunOf(j.cron), last: s?.last ?? null, running: s?.running ?? null };
  });
}

/** Records the start-up index step (server/db/client.ts) as the index-upkeep job's last run. */
export async function recordStartupRun(db: Db, info: { startedAt: Date; finishedAt: Date; error: string | null }): Promise<void> {
  const record: RunRecord = {
    ...info,
    durationMs: info.finishedAt.getTime() - info.startedAt.getTime(),
    result: info.error ? 'failure' : 'success',
    details: null,
    trigger: 'startup',
    by: null,
    instance: instanceId(),
  };
  await maintenanceRuns(db).updateOne({ _id: 'index-upkeep' }, { $set: { last: record, running: null } }, { upsert: true });
}

const g = globalThis as unknown as { __acubeMaintenance?: Cron[] };

/** Arms every scheduled job in this process (instrumentation.ts); the locks make one instance run each time. */
export function startMaintenance(db: Db): void {
  if (g.__acubeMaintenance) return;
  g.__acubeMaintenance = MAINTENANCE_JOB_KEYS.flatMap((k) => {
    const cron = MAINTENANCE_JOBS[k].cron;
    if (!cron) return [];
    return [
      new Cron(cron, { timezone: 'UTC', protect: true }, async (self: Cron) => {
        await runMaintenanceJob(db, k, { trigger: 'schedule', scheduledAt: self.currentRun() ?? new Date() }).catch((e) =>
          console.error(`[maintenance] ${k}:`, e instanceof Error ? e.message : e),
        );
      }),
    ];
  });
  void runNeededAtStart(db).catch((e) => console.error('[maintenance] start-up runs:', e instanceof Error ? e.message : e));
}

const START_MARKER_MS = 60 * 60_000;

/**
 * Runs, once, each job whose product is missing at start (`neededAtStart`) and that never ran. Of several
 * instances starting together one runs it: a start-up marker lock (kept for an hour, not released) is taken
 * before the second check, so an instance that starts after the run sees its result, and one that starts
 * during it sees the marker. A successful run writes no audit entry and no notification (runMaintenanceJob).
 */
export async function runNeededAtStart(db: Db, owner = `${instanceId()}:${Math.random().toString(36).slice(2, 8)}`): Promise<MaintenanceJobKey[]> {
  const ran: MaintenanceJobKey[] = [];
  for (const k of MAINTENANCE_JOB_KEYS) {
    const job = MAINTENANCE_JOBS[k];
    if (!job.neededAtStart) continue;
    const needed = async () =>
      !(await maintenanceRuns(db).findOne({ _id: k, last: { $ne: null } }, { projection: { _id: 1 } })) && (await job.neededAtStart!(db));
    if (!(await needed())) continue;
    if (!(await tryLock(db, `maint-start:${k}`, owner, START_MARKER_MS))) continue;
    if (!(await needed())) continue;
    const r = await runMaintenanceJob(db, k, { trigger: 'startup', owner });
    if (r.status === 'ran') ran.push(k);
  }
  return ran;
}
