/**
 * Backup service: the only code behind the tRPC router, the download/upload routes and
 * the scheduler. Long work is started as a background job and returns its job id.
 */
import type { Db } from 'mongodb';
import { BSON, ObjectId } from 'mongodb';
import { Cron } from 'croner';
import type { Readable } from 'node:stream';
import { AppError } from '../errors';
import { can, type ResolvedRole } from '../permissions';
import { defaultStorage, type BackupStorage } from './storage';
import {
  bk,
  backupableCollections,
  CREDENTIAL_COLLECTIONS,
  DEFAULT_SCHEDULE,
  holdsCredentials,
  isBackupable,
  type BackupDoc,
  type JobDoc,
  type ScheduleDoc,
} from './model';
import { lockCollections } from '../db/locks';
import { createJob, failStaleJobs, heartbeat, jobLiveData, progressWriter, runInBackground } from './jobs';
import { ArchiveLimitError, recoverRestores, restoreBackup, runBackup, scanArchive, verifyBackup, type RestoreReport } from './engine';
import type { CreateInput, RestoreInput, ScheduleInput } from './schema';

export type Actor = { id: string; email: string } | null;

let storageOverride: BackupStorage | null = null;
/** Tests point the service at their own directory. */
export function setBackupStorage(s: BackupStorage | null) {
  storageOverride = s;
}
export function storage(): BackupStorage {
  return storageOverride ?? defaultStorage();
}

function dto(b: BackupDoc) {
  return {
    id: b._id,
    status: b.status,
    trigger: b.trigger,
    note: b.note,
    by: b.by?.email ?? null,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt,
    durationMs: b.durationMs,
    collections: b.collections.map((c) => ({ name: c.name, count: c.count, rawBytes: c.rawBytes, crc: c.crc })),
    /** Holds `admins` or `analytics_api_keys`: downloading it needs backup.download.credentials. */
    holdsCredentials: holdsCredentials(b.collections),
    totalDocs: b.totalDocs,
    rawBytes: b.rawBytes,
    sizeBytes: b.sizeBytes,
    sha256: b.sha256,
    verifiedAt: b.verifiedAt,
    verifyStatus: b.verifyStatus,
    verifyError: b.verifyError,
    error: b.error,
    jobId: b.jobId,
  };
}
export type BackupDto = ReturnType<typeof dto>;

/** A job as the API returns it: what live events carry, plus its result. */
function jobDto(j: JobDoc) {
  return { ...jobLiveData(j), result: j.result as RestoreReport | Record<string, unknown> | null };
}
export type JobDto = ReturnType<typeof jobDto>;

async function mustGet(db: Db, id: string): Promise<BackupDoc> {
  const b = await bk.backups(db).findOne({ _id: id });
  if (!b) throw new AppError('NOT_FOUND', 'No such backup.');
  return b;
}

/** Collections the operator may choose: the allowlist, present in this database. */
export async function availableCollections(db: Db): Promise<string[]> {
  return backupableCollections(db);
}

/** Starts a backup in the background. */
export async function startBackup(db: Db, input: CreateInput, actor: Actor, trigger: BackupDoc['trigger'] = 'manual') {
  const all = await backupableCollections(db);
  const collections = input.collections?.length ? [...new Set(input.collections)] : all;
  const bad = collections.filter((c) => !isBackupable(c));
  if (bad.length) throw new AppError('BAD_REQUEST', `These collections cannot be backed up: ${bad.join(', ')}`);
  const backupId = new ObjectId().toHexString();
  const jobId = await createJob(db, { kind: 'backup', backupId, collections, by: actor });
  let locks;
  try {
    locks = await lockCollections(db, collections, jobId);
  } catch (e) {
    await bk.jobs(db).updateOne({ _id: jobId }, { $set: { status: 'failed', finishedAt: new Date(), error: (e as Error).message } });
    throw e;
  }
  const progress = progressWriter(db, jobId);
  runInBackground(db, jobId, async () => {
    const stop = heartbeat(db, jobId);
    try {
      const b = await runBackup(db, storage(), { id: backupId, collections, trigger, note: input.note, by: actor, jobId, progress });
      await progress.flush();
      return { backupId: b._id, totalDocs: b.totalDocs, sizeBytes: b.sizeBytes };
    } finally {
      stop();
      await locks.release();
    }
  });
  return { jobId, backupId };
}

export async function listBackups(db: Db, limit = 50) {
  const rows = await bk.backups(db).find({}).sort({ createdAt: -1 }).limit(limit).toArray();
  return rows.map(dto);
}

export async function getBackup(db: Db, id: string) {
  const b = await mustGet(db, id);
  return {
    ...dto(b),
    sourceDb: b.sourceDb,
    serverVersion: b.serverVersion,
    indexes: Object.fromEntries(
      b.collections.map((c) => [
        c.name,
        (BSON.EJSON.parse(c.indexesJson, { relaxed: true }) as { name: string; key: unknown; unique?: boolean }[]).map(
          (ix: { name: string; key: unknown; unique?: boolean }) => ({ name: ix.name, key: JSON.stringify(ix.key), unique: !!ix.unique }),
        ),
      ]),
    ),
  };
}

export async function getJob(db: Db, jobId: string) {
  const j = await bk.jobs(db).findOne({ _id: jobId });
  if (!j) throw new AppError('NOT_FOUND', 'No such job.');
  return jobDto(j);
}

export async function activeJobs(db: Db) {
  const rows = await bk
    .jobs(db)
    .find({ $or: [{ status: 'running' }, { finishedAt: { $gt: new Date(Date.now() - 10 * 60_000) } }] })
    .sort({ startedAt: -1 })
    .limit(10)
    .toArray();
  return rows.map(jobDto);
}

export async function startVerify(db: Db, id: string, actor: Actor) {
  const b = await mustGet(db, id);
  if (b.status !== 'complete') throw new AppError('PRECONDITION_FAILED', `This backup is ${b.status}; only complete backups can be verified.`);
  const jobId = await createJob(db, { kind: 'verify', backupId: id, collections: b.collections.map((c) => c.name), by: actor });
  const progress = progressWriter(db, jobId);
  runInBackground(db, jobId, async () => {
    const r = await verifyBackup(db, storage(), b, progress);
    // The last progress write lands before the job is marked done (else "succeeded · verifying · 0/2").
    await progress.flush();
    if (!r.ok) throw new Error(`Verification failed: ${r.error}`);
    return r;
  });
  return { jobId };
}

/** Starts a restore. `replace` needs backup.restore.replace and the typed confirmation. */
export async function startRestore(db: Db, input: RestoreInput, actor: Actor, role: ResolvedRole) {
  const b = await mustGet(db, input.id);
  if (b.status !== 'complete') throw new AppError('PRECONDITION_FAILED', `This backup is ${b.status} and cannot be restored.`);
  const names = b.collections.map((c) => c.name);
  const chosen = input.collections?.length ? [...new Set(input.collections)] : names;
  const missing = chosen.filter((c) => !names.includes(c) || !isBackupable(c));
  if (missing.length) throw new AppError('BAD_REQUEST', `Not in this backup: ${missing.join(', ')}`);
  if (input.mode === 'replace') {
    if (!can(role, 'backup.restore.replace')) throw new AppError('FORBIDDEN', 'Replace-restore needs the permission "backup.restore.replace".');
    const typed = (input.confirm ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (typed !== [...chosen].sort().join(',')) {
      throw new AppError('BAD_REQUEST', `To confirm, type the collection names that will be replaced: ${chosen.join(', ')}`);
    }
  }
  const jobId = await createJob(db, { kind: 'restore', backupId: b._id, collections: chosen, by: actor, mode: input.mode });
  let locks: Awaited<ReturnType<typeof lockCollections>> | null = null;
  if (input.mode !== 'preview') {
    try {
      locks = await lockCollections(db, chosen, jobId);
    } catch (e) {
      await bk.jobs(db).updateOne({ _id: jobId }, { $set: { status: 'failed', finishedAt: new Date(), error: (e as Error).message } });
      throw e;
    }
  }
  const progress = progressWriter(db, jobId);
  runInBackground(db, jobId, async () => {
    const stop = heartbeat(db, jobId);
    try {
      const report = await restoreBackup(db, storage(), b, {
        mode: input.mode,
        collections: chosen,
        progress,
        beforeReplace: async (cols) => {
          progress({ phase: 'safety backup' });
          const safety = await runBackup(db, storage(), {
            collections: cols,
            trigger: 'safety',
            note: `Automatic safety backup before replacing ${cols.join(', ')} from ${b._id}`,
            by: actor,
          });
          return safety._id;
        },
      });
      await progress.flush();
      return report;
    } finally {
      stop();
      await locks?.release();
    }
  });
  return { jobId };
}

export async function deleteBackup(db: Db, id: string) {
  const b = await mustGet(db, id);
  if (b.status === 'running') throw new AppError('CONFLICT', 'This backup is still running.');
  await storage().remove(b.file);
  await bk.backups(db).deleteOne({ _id: id });
  return { id, file: b.file };
}

/**
 * Retention: keep at most `retentionCount` complete backups and none older than
 * `retentionDays`, but never delete the newest verified backup. Failed backups older
 * than a day, and stale temp files, go too.
 */
async function retentionPlan(db: Db, now: Date) {
  const s = await getSchedule(db);
  // Archives (audit retention) hold the only copy of removed entries: never removed by backup retention.
  const complete = await bk
    .backups(db)
    .find({ status: 'complete', trigger: { $ne: 'archive' } })
    .sort({ createdAt: -1 })
    .toArray();
  const newestVerified = complete.find((b) => b.verifyStatus === 'ok');
  const cutoff = now.getTime() - s.retentionDays * 86_400_000;
  const doomed = complete.filter((b, i) => b._id !== newestVerified?._id && (i >= s.retentionCount || b.createdAt.getTime() < cutoff));
  const failed = await bk
    .backups(db)
    .find({ status: 'failed', createdAt: { $lt: new Date(now.getTime() - 86_400_000) } })
    .toArray();
  return { s, complete, doomed, failed };
}

/** What "Apply retention now" would delete, so the confirmation can name it. Changes nothing. */
export async function retentionPreview(db: Db, now = new Date()) {
  const { s, complete, doomed, failed } = await retentionPlan(db, now);
  return {
    retentionCount: s.retentionCount,
    retentionDays: s.retentionDays,
    complete: doomed.map((b) => ({ id: b._id, createdAt: b.createdAt, totalDocs: b.totalDocs, sizeBytes: b.sizeBytes })),
    failed: failed.length,
    kept: complete.length - doomed.length,
  };
}

export async function applyRetention(db: Db, now = new Date()) {
  const { complete, doomed, failed } = await retentionPlan(db, now);
  const st = storage();
  for (const b of [...doomed, ...failed]) {
    await st.remove(b.file);
    await bk.backups(db).deleteOne({ _id: b._id });
  }
  const staleFiles = await st.removeStale();
  return { deleted: doomed.map((b) => b._id), deletedFailed: failed.length, staleFiles, kept: complete.length - doomed.length };
}

export async function getSchedule(db: Db): Promise<ScheduleDoc> {
  const s = await bk.settings(db).findOne({ _id: 'schedule' });
  return { _id: 'schedule', ...DEFAULT_SCHEDULE, ...(s ?? {}) };
}

export function nextRun(cron: string, enabled: boolean, from = new Date()): Date | null {
  if (!enabled) return null;
  try {
    return new Cron(cron, { timezone: 'UTC', paused: true }).nextRun(from);
  } catch {
    return null;
  }
}

export async function setSchedule(db: Db, input: ScheduleInput, actor: Actor) {
  try {
    new Cron(input.cron, { timezone: 'UTC', paused: true });
  } catch (e) {
    throw new AppError('BAD_REQUEST', `Not a valid schedule: ${(e as Error).message}`);
  }
  const before = await getSchedule(db);
  await bk.settings(db).updateOne({ _id: 'schedule' }, { $set: { ...input, updatedAt: new Date(), updatedBy: actor?.email ?? null } }, { upsert: true });
  const after = await getSchedule(db);
  (globalThis as { __acubeBackupScheduleChanged?: () => void }).__acubeBackupScheduleChanged?.();
  return { before, after, nextRun: nextRun(after.cron, after.enabled) };
}

export async function scheduleView(db: Db) {
  const s = await getSchedule(db);
  return {
    enabled: s.enabled,
    cron: s.cron,
    retentionDays: s.retentionDays,
    retentionCount: s.retentionCount,
    updatedAt: s.updatedAt,
    updatedBy: s.updatedBy,
    nextRun: nextRun(s.cron, s.enabled),
  };
}

export async function backupStats(db: Db) {
  const all = await bk
    .backups(db)
    .find({}, { projection: { collections: 0 } })
    .sort({ createdAt: -1 })
    .toArray();
  const complete = all.filter((b) => b.status === 'complete');
  const s = await getSchedule(db);
  return {
    count: all.length,
    complete: complete.length,
    failed: all.filter((b) => b.status === 'failed').length,
    totalDocs: complete.reduce((a, b) => a + b.totalDocs, 0),
    sizeBytes: complete.reduce((a, b) => a + b.sizeBytes, 0),
    storageUsedBytes: await storage().usedBytes(),
    lastSuccess: complete[0]?.createdAt ?? null,
    lastFailure: all.find((b) => b.status === 'failed')?.createdAt ?? null,
    newestVerified: complete.find((b) => b.verifyStatus === 'ok')?.createdAt ?? null,
    nextRun: nextRun(s.cron, s.enabled),
  };
}

/** For the dashboard widget registry (issue 5). */
export async function backupHealthSummary(db: Db) {
  const s = await backupStats(db);
  return {
    lastSuccess: s.lastSuccess,
    lastFailure: s.lastFailure,
    nextScheduledRun: s.nextRun,
    count: s.complete,
    storageUsedBytes: s.storageUsedBytes,
    newestVerified: s.newestVerified,
  };
}

/** Start-up recovery: unfinished replace restores, interrupted jobs and backups, stale temp files. */
export async function recoverOnStartup(db: Db) {
  const restores = await recoverRestores(db);
  const jobs = await failStaleJobs(db);
  const stale = await bk
    .backups(db)
    .find({ status: 'running', createdAt: { $lt: new Date(Date.now() - 2 * 60_000) } })
    .toArray();
  for (const b of stale) {
    const active = b.jobId ? await bk.jobs(db).findOne({ _id: b.jobId, status: 'running' }) : null;
    if (active) continue;
    await bk.backups(db).updateOne({ _id: b._id }, { $set: { status: 'failed', error: 'Interrupted: the server stopped during this backup.' } });
  }
  await storage().removeStale();
  return { ...restores, jobs, backups: stale.length };
}

// ---------------------------------------------------------------------------------------------
// Download / upload (route handlers)

/**
 * The archive for download. An archive holding credentials (operators' password hashes, API key hashes)
 * is handed only to roles with backup.download.credentials; backup.read alone gets a FORBIDDEN.
 */
export async function openBackupFile(db: Db, id: string, role: ResolvedRole): Promise<{ stream: Readable; size: number; filename: string }> {
  const b = await mustGet(db, id);
  if (holdsCredentials(b.collections) && !can(role, 'backup.download.credentials')) {
    const names = b.collections.filter((c) => CREDENTIAL_COLLECTIONS.includes(c.name)).map((c) => c.name);
    throw new AppError(
      'FORBIDDEN',
      `This backup holds credentials (${names.join(', ')}: password or key hashes); downloading it needs the permission "backup.download.credentials" (super admin). Back up the other collections separately to download them.`,
    );
  }
  if (b.status !== 'complete') throw new AppError('PRECONDITION_FAILED', 'This backup is not complete.');
  const size = await storage().size(b.file);
  if (size === null) throw new AppError('NOT_FOUND', 'The backup file is missing from storage.');
  const stamp = b.createdAt.toISOString().replace(/[:.]/g, '-');
  return { stream: await storage().openRead(b.file), size, filename: `acube-backup-${stamp}.archive.gz` };
}

export const UPLOAD_LIMIT_BYTES = Number(process.env.BACKUP_UPLOAD_LIMIT_MB ?? 2048) * 1024 * 1024;
/** Decompressed size an upload may reach, whatever its compressed size. */
export const UPLOAD_MAX_UNCOMPRESSED_BYTES = Number(process.env.BACKUP_UPLOAD_MAX_UNCOMPRESSED_MB ?? 4096) * 1024 * 1024;
/** Documents an upload may hold. */
export const UPLOAD_MAX_DOCS = Number(process.env.BACKUP_UPLOAD_MAX_DOCS ?? 100_000_000);
/**
 * And at most this many times its compressed size (with a floor of 64 MB), so a small gzip bomb is
 * stopped after a little work: our archives (gzip level 1–9 of BSON) expand well under 50×; a gzip
 * stream can expand ~1000×.
 */
export const UPLOAD_MAX_RATIO = 200;
const UPLOAD_RATIO_FLOOR_BYTES = 64 * 1024 * 1024;

export function uploadScanLimits(compressedBytes: number, caps = { maxRawBytes: UPLOAD_MAX_UNCOMPRESSED_BYTES, maxDocs: UPLOAD_MAX_DOCS }) {
  return {
    maxRawBytes: Math.min(caps.maxRawBytes, Math.max(UPLOAD_RATIO_FLOOR_BYTES, compressedBytes * UPLOAD_MAX_RATIO)),
    maxDocs: caps.maxDocs,
  };
}

/**
 * Stores an uploaded archive, verifies it completely (gzip, format, every CRC), and lists
 * it only when valid. Only allowlisted collections are kept in its manifest; none left, or one
 * twice, is BAD_REQUEST. Decompression is capped (`uploadScanLimits`) against gzip bombs.
 */
export async function importUpload(
  db: Db,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  actor: Actor,
  note = '',
  caps = { maxRawBytes: UPLOAD_MAX_UNCOMPRESSED_BYTES, maxDocs: UPLOAD_MAX_DOCS },
): Promise<BackupDto> {
  const id = new ObjectId().toHexString();
  const file = `${id}.archive.gz`;
  const st = storage();
  const w = await st.createWriter(file);
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (total > UPLOAD_LIMIT_BYTES) throw new AppError('BAD_REQUEST', `The upload is larger than ${UPLOAD_LIMIT_BYTES / 1024 / 1024} MB.`);
      if (!w.stream.write(chunk)) await new Promise((r) => w.stream.once('drain', r));
    }
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
  let res;
  try {
    res = await scanArchive(await st.openRead(file), undefined, undefined, uploadScanLimits(total, caps));
  } catch (e) {
    await st.remove(file);
    if (e instanceof ArchiveLimitError) throw new AppError('BAD_REQUEST', `Archive refused: ${e.message}.`);
    throw new AppError('BAD_REQUEST', `Not a valid backup archive: ${(e as Error).message}`);
  }
  const foreign = res.collections.filter((c) => !isBackupable(c.name)).map((c) => c.name);
  const kept = res.collections.filter((c) => isBackupable(c.name));
  const refuse = async (message: string) => {
    await st.remove(file);
    throw new AppError('BAD_REQUEST', message);
  };
  // Names such as ../x, system.users or admin.$cmd are never restored; an archive of nothing else is refused.
  if (kept.length === 0) {
    await refuse(`The archive holds no collection this app backs up${foreign.length ? ` (only ${foreign.slice(0, 10).join(', ')})` : ''}.`);
  }
  const dup = kept.find((c, i) => kept.findIndex((x) => x.name === c.name) !== i);
  if (dup) await refuse(`The archive holds "${dup.name}" more than once (from several databases); upload one database's archive.`);
  const now = new Date();
  const doc: BackupDoc = {
    _id: id,
    status: 'complete',
    trigger: 'upload',
    note: note || `Uploaded archive${foreign.length ? ` (ignoring ${foreign.join(', ')})` : ''}`,
    by: actor,
    sourceDb: res.sourceDb ?? '',
    file,
    createdAt: now,
    finishedAt: now,
    durationMs: 0,
    collections: kept.map((c) => ({
      name: c.name,
      count: c.count,
      rawBytes: c.rawBytes,
      crc: c.crc,
      indexesJson: BSON.EJSON.stringify(c.indexes, { relaxed: false }),
    })),
    totalDocs: kept.reduce((a, c) => a + c.count, 0),
    rawBytes: kept.reduce((a, c) => a + c.rawBytes, 0),
    sizeBytes: res.sizeBytes,
    sha256: res.sha256,
    serverVersion: res.header?.server_version ?? '',
    verifiedAt: now,
    verifyStatus: 'ok',
    verifyError: null,
    error: null,
    jobId: null,
  };
  await bk.backups(db).insertOne(doc);
  return dto(doc);
}
