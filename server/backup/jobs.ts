/**
 * Background jobs (backup, restore, verify) with progress in MongoDB so any page, on any
 * instance, can poll it. The work runs inside the app process; a job whose heartbeat
 * stops (the process died) is marked failed by recovery.
 */
import type { Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import { bk, type JobDoc, type JobKind } from './model';
import { publish } from '../live/bus';
import { notify, type NotificationKind } from '../notifications/service';
import { recordsChanged } from '../live/tiles';
import { requestDirectoryReconcile } from '../analytics/members';

export type Progress = JobDoc['progress'];
export type ProgressFn = (p: Partial<Progress>) => void;

const running = new Map<string, Promise<void>>();

/** What a live `job` event carries (the Backups page merges it into its job list; `result` comes with a refetch). */
export function jobLiveData(j: JobDoc) {
  return {
    id: j._id,
    kind: j.kind,
    status: j.status,
    backupId: j.backupId,
    mode: j.mode ?? null,
    collections: j.collections,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    progress: j.progress,
    error: j.error,
  };
}

/** Publishes the job's current state to holders of backup.read (live progress, server/live). Never throws. */
export async function announceJob(db: Db, jobId: string): Promise<JobDoc | null> {
  try {
    const j = await bk.jobs(db).findOne({ _id: jobId });
    if (j) await publish(db, { type: 'job', permission: 'backup.read', data: jobLiveData(j) });
    return j;
  } catch (e) {
    console.error('[live] job announcement failed:', e instanceof Error ? e.message : e);
    return null;
  }
}

const DONE_TITLES: Record<JobKind, [string, string]> = {
  backup: ['Your backup finished', 'Your backup failed'],
  restore: ['Your restore finished', 'Your restore failed'],
  verify: ['Backup verification passed', 'Backup verification failed'],
};

/** The bell: the operator who started a job hears how it ended; a failed job nobody started (a schedule) goes to backup.create holders. */
async function notifyJobDone(db: Db, j: JobDoc): Promise<void> {
  const ok = j.status === 'succeeded';
  const kind = `${j.kind}.${ok ? 'finished' : 'failed'}` as NotificationKind;
  const title = DONE_TITLES[j.kind][ok ? 0 : 1];
  const body = ok ? `${j.collections.length} collection(s)${j.mode ? `, ${j.mode}` : ''}.` : (j.error ?? 'Unknown error').slice(0, 300);
  const href = j.backupId ? `/backups?backup=${j.backupId}` : '/backups';
  if (j.by) await notify(db, { kind, title, body, href, adminId: j.by.id });
  else if (!ok) await notify(db, { kind, title: title.replace('Your', 'A scheduled'), body, href, permission: 'backup.create' });
}
export const STALE_JOB_MS = 2 * 60_000;

export async function createJob(
  db: Db,
  init: { kind: JobKind; backupId: string | null; collections: string[]; by: JobDoc['by']; mode?: JobDoc['mode'] },
): Promise<string> {
  const now = new Date();
  const _id = new ObjectId().toHexString();
  await bk.jobs(db).insertOne({
    _id,
    ...init,
    status: 'running',
    startedAt: now,
    heartbeatAt: now,
    finishedAt: null,
    progress: { phase: 'starting', collection: null, collectionsDone: 0, collectionsTotal: init.collections.length, docsDone: 0, docsTotal: 0 },
    result: null,
    error: null,
  });
  void announceJob(db, _id);
  return _id;
}

/**
 * Live progress announcements are at most this frequent. Each one is delivered to every open stream of an
 * operator who may read backups, and one delivery costs the app ~1 ms of CPU (tRPC's SSE producer and the
 * web-stream pipeline to the socket): with 300 such streams open, the 400 ms writes announced as they
 * happen cost a third of a core for as long as a backup runs (scripts/bench/idle-streams.ts).
 */
export const ANNOUNCE_MS = 1_500;

/**
 * A progress reporter that writes at most every 400 ms (and always on flush); the live announcement follows
 * a write at most every ANNOUNCE_MS, and a write that was not announced is announced when the interval ends
 * (the announcement reads the job, so it carries the newest state). flush() writes and announces at once.
 */
export function progressWriter(db: Db, jobId: string, opts: { announceMs?: number } = {}) {
  const announceMs = opts.announceMs ?? ANNOUNCE_MS;
  const state: Partial<Progress> = {};
  let last = 0;
  let announcedAt = 0;
  let trailing: ReturnType<typeof setTimeout> | null = null;
  let pending: Promise<unknown> = Promise.resolve();
  const announce = () => {
    if (trailing) clearTimeout(trailing);
    trailing = null;
    announcedAt = Date.now();
    return announceJob(db, jobId);
  };
  const write = (force: boolean) => {
    last = Date.now();
    const set: Record<string, unknown> = { heartbeatAt: new Date() };
    for (const [k, v] of Object.entries(state)) set[`progress.${k}`] = v;
    pending = pending.then(() =>
      bk
        .jobs(db)
        .updateOne({ _id: jobId, status: 'running' }, { $set: set })
        .then(() => {
          const wait = announcedAt + announceMs - Date.now();
          if (force || wait <= 0) return announce();
          trailing ??= setTimeout(() => void (pending = pending.then(announce)), wait);
          trailing.unref?.();
        })
        .catch(() => undefined),
    );
    return pending;
  };
  const fn: ProgressFn & { flush(): Promise<unknown> } = Object.assign(
    (p: Partial<Progress>) => {
      Object.assign(state, p);
      if (Date.now() - last > 400) void write(false);
    },
    { flush: () => write(true) },
  );
  return fn;
}

/**
 * A finished job changed the backup list (backup health tile); a restore that wrote (merge or replace)
 * also changed the collections it restored: their tiles refresh, and a restore of members makes every
 * instance rebuild its member directory from a full scan.
 */
function jobChangedRecords(db: Db, j: JobDoc) {
  const restored = j.kind === 'restore' && j.mode !== 'preview' ? j.collections : [];
  recordsChanged(db, 'backups', ...restored);
  if (restored.includes('users'))
    void requestDirectoryReconcile(db).catch((e) => console.error('[backup] member directory:', e instanceof Error ? e.message : e));
}

export async function finishJob(db: Db, jobId: string, outcome: { ok: true; result: unknown } | { ok: false; error: string }) {
  await bk.jobs(db).updateOne(
    { _id: jobId },
    {
      $set: {
        status: outcome.ok ? 'succeeded' : 'failed',
        finishedAt: new Date(),
        heartbeatAt: new Date(),
        result: outcome.ok ? outcome.result : null,
        error: outcome.ok ? null : outcome.error,
        'progress.phase': outcome.ok ? 'done' : 'failed',
      },
    },
  );
  const j = await announceJob(db, jobId);
  if (j) jobChangedRecords(db, j);
  if (j) await notifyJobDone(db, j).catch((e) => console.error('[notifications] job:', e instanceof Error ? e.message : e));
}

/** Runs work in the background; the returned job id is what the page polls. */
export function runInBackground(db: Db, jobId: string, work: () => Promise<unknown>): void {
  const p = (async () => {
    try {
      const result = await work();
      await finishJob(db, jobId, { ok: true, result: result ?? null });
    } catch (e) {
      console.error(`[backup] job ${jobId} failed:`, e instanceof Error ? e.message : e);
      await finishJob(db, jobId, { ok: false, error: e instanceof Error ? e.message : String(e) }).catch(() => undefined);
    } finally {
      running.delete(jobId);
    }
  })();
  running.set(jobId, p);
}

/** For tests and scripts: resolves when a job started in this process has finished. */
export async function waitForJob(db: Db, jobId: string): Promise<JobDoc> {
  await running.get(jobId);
  const j = await bk.jobs(db).findOne({ _id: jobId });
  if (!j) throw new Error(`job ${jobId} not found`);
  return j;
}

/** Marks jobs whose process stopped beating as failed. */
export async function failStaleJobs(db: Db, now = new Date()): Promise<number> {
  const r = await bk
    .jobs(db)
    .updateMany(
      { status: 'running', heartbeatAt: { $lt: new Date(now.getTime() - STALE_JOB_MS) } },
      { $set: { status: 'failed', finishedAt: now, error: 'Interrupted: the server stopped while this job was running.', 'progress.phase': 'failed' } },
    );
  return r.modifiedCount;
}

export function heartbeat(db: Db, jobId: string): () => void {
  const t = setInterval(() => {
    bk.jobs(db)
      .updateOne({ _id: jobId }, { $set: { heartbeatAt: new Date() } })
      .catch(() => undefined);
  }, 20_000);
  t.unref?.();
  return () => clearInterval(t);
}
