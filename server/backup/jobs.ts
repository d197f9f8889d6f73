/**
 * Background jobs (backup, restore, verify) with progress in MongoDB so any page, on any
 * instance, can poll it. The work runs inside the app process; a job whose heartbeat
 * stops (the process died) is marked failed by recovery.
 */
import type { Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import { bk, type JobDoc, type JobKind } from './model';

export type Progress = JobDoc['progress'];
export type ProgressFn = (p: Partial<Progress>) => void;

const running = new Map<string, Promise<void>>();
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
  return _id;
}

/** A progress reporter that writes at most every 400 ms (and always on flush). */
export function progressWriter(db: Db, jobId: string) {
  const state: Partial<Progress> = {};
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const write = () => {
    last = Date.now();
    const set: Record<string, unknown> = { heartbeatAt: new Date() };
    for (const [k, v] of Object.entries(state)) set[`progress.${k}`] = v;
    pending = pending.then(() => bk.jobs(db).updateOne({ _id: jobId }, { $set: set }).catch(() => undefined));
    return pending;
  };
  const fn: ProgressFn & { flush(): Promise<unknown> } = Object.assign(
    (p: Partial<Progress>) => {
      Object.assign(state, p);
      if (Date.now() - last > 400) void write();
    },
    { flush: () => write() },
  );
  return fn;
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
  const r = await bk.jobs(db).updateMany(
    { status: 'running', heartbeatAt: { $lt: new Date(now.getTime() - STALE_JOB_MS) } },
    { $set: { status: 'failed', finishedAt: now, error: 'Interrupted: the server stopped while this job was running.', 'progress.phase': 'failed' } },
  );
  return r.modifiedCount;
}

export function heartbeat(db: Db, jobId: string): () => void {
  const t = setInterval(() => {
    bk.jobs(db).updateOne({ _id: jobId }, { $set: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, 20_000);
  t.unref?.();
  return () => clearInterval(t);
}
