/**
 * The backup and restore engine: streams collections into a mongodump-format gzip archive,
 * verifies archives, and restores them (preview / merge / replace) without transactions.
 * Everything here takes `db` and a storage; services and scripts call it.
 */
import { createHash } from 'node:crypto';
import { countMatching } from '../db/count';
import { createGzip, createGunzip, constants as zc } from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { BSON, ObjectId, type Db, type Document, type IndexDescription } from 'mongodb';
import { ArchiveEncoder, ArchiveFormatError, readArchive, type ArchiveCollectionMeta, type IndexSpec } from './archive';
import type { BackupStorage } from './storage';
import { bk, isBackupable, type BackupCollectionEntry, type BackupDoc, type BackupTrigger, type JournalDoc } from './model';
import type { ProgressFn } from './jobs';
import { isDuplicateKeyError } from '../db/util';
import { paceBackground } from '../ops/pacing';

const { EJSON } = BSON;
const TOOL_VERSION = 'acube-admin-backup 1';
const WRITE_CHUNK = 1 << 20;
/** gzip level: 1..9. Level 3 keeps compression off the critical path and still shrinks documents ~5x. */
const GZIP_LEVEL = Math.min(9, Math.max(1, Number(process.env.BACKUP_GZIP_LEVEL ?? 3) || 3));

const noop: ProgressFn = () => undefined;

/** Test hook for the kill test: SIGKILL this process when it reaches the named step. */
export function killPoint(step: string): void {
  if (process.env.BACKUP_KILL_AT === step) process.kill(process.pid, 'SIGKILL');
}

export async function serverVersion(db: Db): Promise<string> {
  try {
    const bi = await db.admin().command({ buildInfo: 1 });
    return typeof bi.version === 'string' && /^\d+\.\d+/.test(bi.version) ? bi.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function isFerret(db: Db): Promise<boolean> {
  try {
    const bi = await db.admin().command({ buildInfo: 1 });
    return Boolean(bi.ferretdbVersion || bi.ferretdb);
  } catch {
    return true;
  }
}

function hashTap(hash: ReturnType<typeof createHash>) {
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Backup

export interface RunBackupOptions {
  id?: string;
  collections: string[];
  trigger: BackupTrigger;
  note?: string;
  by?: BackupDoc['by'];
  jobId?: string | null;
  progress?: ProgressFn;
}

/**
 * Writes one archive of the given collections and its manifest. The manifest is inserted
 * as `running` first, and marked `complete` only after the file is fsynced and renamed.
 */
export async function runBackup(db: Db, storage: BackupStorage, opts: RunBackupOptions): Promise<BackupDoc> {
  const collections = [...new Set(opts.collections)];
  for (const c of collections) if (!isBackupable(c)) throw new Error(`"${c}" cannot be backed up`);
  const progress = opts.progress ?? noop;
  const id = opts.id ?? new ObjectId().toHexString();
  const file = `${id}.archive.gz`;
  const started = Date.now();
  const version = await serverVersion(db);
  const doc: BackupDoc = {
    _id: id,
    status: 'running',
    trigger: opts.trigger,
    note: opts.note ?? '',
    by: opts.by ?? null,
    sourceDb: db.databaseName,
    file,
    createdAt: new Date(started),
    finishedAt: null,
    durationMs: null,
    collections: [],
    totalDocs: 0,
    rawBytes: 0,
    sizeBytes: 0,
    sha256: null,
    serverVersion: version,
    verifiedAt: null,
    verifyStatus: null,
    verifyError: null,
    error: null,
    jobId: opts.jobId ?? null,
  };
  await bk.backups(db).insertOne(doc);

  const writer = await storage.createWriter(file);
  try {
    // Index definitions first: they go into the prelude.
    const metas: { collection: string; indexes: IndexSpec[]; estimate: number }[] = [];
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    // Progress total: a per-collection estimate (estimatedDocumentCount: collection metadata on MongoDB, a
    // SQLite row count on the embedded FerretDB — 4 ms for 20,000 documents against 2.2 s to read them), the
    // previous complete backup's count when that fails. Each collection's estimate is replaced by its real count
    // once copied and never sits below what was already copied, so the total never reads "48,573 / ~4,300".
    const previous = await bk
      .backups(db)
      .find({ status: 'complete' }, { projection: { collections: 1 } })
      .sort({ createdAt: -1 })
      .limit(5)
      .toArray();
    const lastCount = (c: string) => previous.map((p) => p.collections.find((x) => x.name === c)?.count).find((n) => n !== undefined) ?? 0;
    const estimateOf = async (c: string) => {
      try {
        return await db.collection(c).estimatedDocumentCount();
      } catch {
        return lastCount(c);
      }
    };
    for (const c of collections) {
      const indexes = existing.has(c) ? ((await db.collection(c).listIndexes().toArray()) as IndexSpec[]) : [];
      const estimate = existing.has(c) ? await estimateOf(c) : 0;
      metas.push({ collection: c, indexes: indexes.map(cleanIndex), estimate });
    }
    const counted: number[] = metas.map((m) => m.estimate);
    const totalNow = () => counted.reduce((a, b) => a + b, 0);
    let docsTotal = totalNow();
    progress({ phase: 'backing up', collectionsTotal: collections.length, docsTotal, docsDone: 0, collectionsDone: 0 });

    const sha = createHash('sha256');
    const gzip = createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 });
    const done = pipeline(gzip, hashTap(sha), writer.stream);
    const write = async (b: Buffer) => {
      if (!gzip.write(b)) await Promise.race([once(gzip, 'drain'), done]);
    };
    const enc = new ArchiveEncoder(db.databaseName);
    await write(
      enc.begin(
        { concurrent_collections: 1, server_version: version, tool_version: TOOL_VERSION },
        metas.map((m) => ({ collection: m.collection, indexes: m.indexes })),
      ),
    );

    const entries: BackupCollectionEntry[] = [];
    let docsDone = 0;
    for (const [i, m] of metas.entries()) {
      progress({ collection: m.collection, collectionsDone: i });
      await write(enc.startCollection(m.collection));
      let inThis = 0;
      if (existing.has(m.collection)) {
        // batches of 1,000: each getMore is one stretch of the database server's time (decoding on FerretDB),
        // and between chunks the backup yields to people's requests (server/ops/pacing.ts)
        const cursor = db.collection(m.collection).find({}, { raw: true, batchSize: 1000 });
        let pending: Uint8Array[] = [];
        let pendingBytes = 0;
        let chunkStarted = performance.now();
        for await (const raw of cursor as unknown as AsyncIterable<Uint8Array>) {
          pending.push(raw);
          pendingBytes += raw.length;
          if (pendingBytes >= WRITE_CHUNK) {
            docsDone += pending.length;
            inThis += pending.length;
            await write(enc.documents(pending));
            pending = [];
            pendingBytes = 0;
            if (inThis > counted[i]) counted[i] = inThis;
            progress({ docsDone, docsTotal: totalNow() });
            await paceBackground(performance.now() - chunkStarted);
            chunkStarted = performance.now();
          }
        }
        if (pending.length) {
          docsDone += pending.length;
          await write(enc.documents(pending));
        }
      }
      const end = enc.endCollection();
      await write(end.buffer);
      entries.push({ name: m.collection, count: end.count, rawBytes: end.bytes, crc: end.crc, indexesJson: EJSON.stringify(m.indexes, { relaxed: false }) });
      counted[i] = end.count;
      docsTotal = totalNow();
      progress({ docsDone, docsTotal, collectionsDone: i + 1 });
    }
    gzip.end();
    await done;
    const { size } = await writer.commit();
    const finishedAt = new Date();
    const update = {
      status: 'complete' as const,
      finishedAt,
      durationMs: finishedAt.getTime() - started,
      collections: entries,
      totalDocs: entries.reduce((a, e) => a + e.count, 0),
      rawBytes: entries.reduce((a, e) => a + e.rawBytes, 0),
      sizeBytes: size,
      sha256: sha.digest('hex'),
    };
    await bk.backups(db).updateOne({ _id: id }, { $set: update });
    return { ...doc, ...update };
  } catch (e) {
    await writer.abort().catch(() => undefined);
    const msg = e instanceof Error ? e.message : String(e);
    await bk
      .backups(db)
      .updateOne({ _id: id }, { $set: { status: 'failed', error: msg, finishedAt: new Date(), durationMs: Date.now() - started } })
      .catch(() => undefined);
    throw e;
  }
}

/** listIndexes output minus server-specific noise, as mongodump keeps it. */
function cleanIndex(ix: IndexSpec): IndexSpec {
  const { ns: _ns, ...rest } = ix as IndexSpec & { ns?: string };
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Reading an archive back

export interface ScanResult {
  sha256: string;
  sizeBytes: number;
  header: { server_version: string; tool_version: string } | null;
  sourceDb: string | null;
  collections: { name: string; count: number; rawBytes: number; crc: string; indexes: IndexSpec[] }[];
}

/**
 * Streams an archive file: checks SHA-256 of the compressed bytes, gunzips, parses, checks
 * every CRC; calls onDocs for each batch of raw documents (with back-pressure).
 */
export interface ScanLimits {
  /** Stop (ArchiveLimitError) once the decompressed stream exceeds this many bytes. */
  maxRawBytes?: number;
  /** Stop once the archive has yielded more documents than this. */
  maxDocs?: number;
}

/** An archive over a size or document limit (a decompression bomb, or just too big to accept). */
export class ArchiveLimitError extends ArchiveFormatError {}

/** Passes the decompressed stream through, failing as soon as it exceeds `max` bytes. */
async function* capBytes(source: AsyncIterable<Buffer>, max: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    if (n > max) throw new ArchiveLimitError(`archive: decompresses to more than ${Math.floor(max / 1024 / 1024)} MB, the limit for this upload`);
    yield chunk;
  }
}

export async function scanArchive(
  input: Readable,
  onDocs?: (collection: string, docs: Buffer[]) => Promise<void> | void,
  onHeader?: (collections: ArchiveCollectionMeta[]) => Promise<void> | void,
  limits: ScanLimits = {},
): Promise<ScanResult> {
  const sha = createHash('sha256');
  let sizeBytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      sha.update(chunk);
      sizeBytes += chunk.length;
      cb(null, chunk);
    },
  });
  const gunzip = createGunzip({ chunkSize: 256 * 1024, finishFlush: zc.Z_SYNC_FLUSH });
  input.on('error', (e) => gunzip.destroy(e));
  const plain = input.pipe(tap).pipe(gunzip);
  tap.on('error', (e) => gunzip.destroy(e));
  const result: ScanResult = { sha256: '', sizeBytes: 0, header: null, sourceDb: null, collections: [] };
  const metas = new Map<string, ArchiveCollectionMeta>();
  let docsSeen = 0;
  const source = limits.maxRawBytes !== undefined ? capBytes(plain, limits.maxRawBytes) : plain;
  try {
    for await (const ev of readArchive(source)) {
      if (ev.type === 'header') {
        result.header = { server_version: ev.header.server_version, tool_version: ev.header.tool_version };
        result.sourceDb = ev.collections[0]?.db ?? null;
        for (const m of ev.collections) metas.set(m.collection, m);
        await onHeader?.(ev.collections);
      } else if (ev.type === 'docs') {
        docsSeen += ev.docs.length;
        if (limits.maxDocs !== undefined && docsSeen > limits.maxDocs)
          throw new ArchiveLimitError(`archive: holds more than ${limits.maxDocs} documents, the limit for this upload`);
        await onDocs?.(ev.collection, ev.docs);
      } else {
        result.collections.push({ name: ev.collection, count: ev.count, rawBytes: ev.bytes, crc: ev.crc, indexes: metas.get(ev.collection)?.indexes ?? [] });
      }
    }
  } catch (e) {
    plain.destroy();
    input.destroy();
    if (e instanceof ArchiveFormatError) throw e;
    const msg = (e as Error).message ?? String(e);
    // zlib errors (bad header, CRC, truncated) are format errors for the operator.
    if (/incorrect header|invalid|unexpected end|Z_|zlib|checksum/i.test(msg)) throw new ArchiveFormatError(`archive: not a valid gzip stream (${msg})`);
    throw e;
  }
  result.sha256 = sha.digest('hex');
  result.sizeBytes = sizeBytes;
  return result;
}

export interface VerifyReport {
  ok: boolean;
  error: string | null;
  sha256: string | null;
  collections: { name: string; count: number; crc: string; expectedCount: number | null; ok: boolean }[];
}

/** Re-reads a backup's file: SHA-256, every CRC, document counts against the manifest. Records the outcome. */
export async function verifyBackup(db: Db, storage: BackupStorage, backup: BackupDoc, progress: ProgressFn = noop): Promise<VerifyReport> {
  let docsDone = 0;
  progress({ phase: 'verifying', docsTotal: backup.totalDocs, docsDone: 0, collectionsTotal: backup.collections.length, collectionsDone: 0 });
  let report: VerifyReport;
  try {
    // Collections come one after another in the archive: a new name means the previous one was read.
    const seen: string[] = [];
    const res = await scanArchive(await storage.openRead(backup.file), (collection, docs) => {
      docsDone += docs.length;
      if (seen[seen.length - 1] !== collection) seen.push(collection);
      progress({ collection, docsDone, collectionsDone: seen.length - 1 });
    });
    progress({ collection: null, docsDone, collectionsDone: backup.collections.length });
    const problems: string[] = [];
    if (backup.sha256 && res.sha256 !== backup.sha256)
      problems.push(`SHA-256 differs (file ${res.sha256.slice(0, 12)}…, manifest ${backup.sha256.slice(0, 12)}…)`);
    const cols = backup.collections.map((m) => {
      const got = res.collections.find((c) => c.name === m.name);
      const ok = !!got && got.count === m.count && got.crc === m.crc;
      if (!got) problems.push(`${m.name} is missing from the file`);
      else if (!ok) problems.push(`${m.name}: ${got.count} documents / CRC ${got.crc} in the file, manifest says ${m.count} / ${m.crc}`);
      return { name: m.name, count: got?.count ?? 0, crc: got?.crc ?? '', expectedCount: m.count, ok };
    });
    report = { ok: problems.length === 0, error: problems.join('; ') || null, sha256: res.sha256, collections: cols };
  } catch (e) {
    report = { ok: false, error: e instanceof Error ? e.message : String(e), sha256: null, collections: [] };
  }
  await bk
    .backups(db)
    .updateOne({ _id: backup._id }, { $set: { verifiedAt: new Date(), verifyStatus: report.ok ? 'ok' : 'failed', verifyError: report.error } });
  return report;
}

// ---------------------------------------------------------------------------------------------
// Restore

export type RestoreMode = 'preview' | 'merge' | 'replace';

export interface CollectionRestoreReport {
  collection: string;
  backupCount: number;
  /** preview: would insert / merge: inserted / replace: documents written */
  inserted: number;
  /** preview only: same _id, different content */
  overwritten: number;
  identical: number;
  /** preview: documents of the target not in the backup (replace would remove them) */
  removed: number;
  /** merge: skipped because the _id (or another unique key) exists */
  skipped: number;
  failed: number;
  failures: string[];
}

export interface RestoreReport {
  mode: RestoreMode;
  backupId: string;
  safetyBackupId: string | null;
  collections: CollectionRestoreReport[];
}

const DESER = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

function emptyReport(collection: string, backupCount: number): CollectionRestoreReport {
  return { collection, backupCount, inserted: 0, overwritten: 0, identical: 0, removed: 0, skipped: 0, failed: 0, failures: [] };
}

/** Temporary collection used by replace while it builds the new version of `collection`. */
export function tempName(collection: string): string {
  return `__restore_tmp_${collection}`;
}

function indexDescriptions(indexes: IndexSpec[]): IndexDescription[] {
  return indexes
    .filter((ix) => ix.name !== '_id_')
    .map((ix) => {
      const { v: _v, key, name, ns: _ns, ...opts } = ix as IndexSpec & { ns?: string };
      return { key: key as IndexDescription['key'], name, ...(opts as object) } as IndexDescription;
    });
}

async function insertUnordered(db: Db, coll: string, docs: Document[], rep: CollectionRestoreReport): Promise<void> {
  if (!docs.length) return;
  try {
    const r = await db.collection(coll).insertMany(docs, { ordered: false, bypassDocumentValidation: true });
    rep.inserted += r.insertedCount;
  } catch (e) {
    const err = e as { writeErrors?: { code: number; errmsg?: string }[] | { code: number; errmsg?: string }; result?: { insertedCount?: number } };
    if (!err.writeErrors) throw e;
    const wes = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    rep.inserted += err.result?.insertedCount ?? docs.length - wes.length;
    for (const w of wes) {
      if (isDuplicateKeyError(w)) rep.skipped++;
      else {
        rep.failed++;
        if (rep.failures.length < 10) rep.failures.push(String(w.errmsg ?? `code ${w.code}`).slice(0, 200));
      }
    }
  }
}

export interface RestoreOptions {
  mode: RestoreMode;
  collections?: string[];
  progress?: ProgressFn;
  /** Replace: called after verification, before anything is touched (takes the safety backup). */
  beforeReplace?: (collections: string[]) => Promise<string | null>;
  journalId?: string;
  /** Parallel insertMany batches per collection. */
  concurrency?: number;
}

/**
 * Restores a backup. Always verifies the whole file first (SHA-256, CRCs, counts), so a
 * corrupt archive is refused before anything is touched. Then:
 * - preview: counts per collection what would be inserted / overwritten / identical / removed;
 * - merge: unordered inserts; existing documents are left alone;
 * - replace: fill a temp collection, build indexes, check the count, then (journaled) swap.
 */
export async function restoreBackup(db: Db, storage: BackupStorage, backup: BackupDoc, opts: RestoreOptions): Promise<RestoreReport> {
  const progress = opts.progress ?? noop;
  if (backup.status !== 'complete') throw new Error(`Backup ${backup._id} is not complete (${backup.status}).`);
  const available = backup.collections.map((c) => c.name);
  const chosen = opts.collections?.length ? [...new Set(opts.collections)] : available;
  for (const c of chosen) {
    if (!available.includes(c)) throw new Error(`The backup has no collection "${c}".`);
    if (!isBackupable(c)) throw new Error(`"${c}" cannot be restored.`);
  }
  const entries = backup.collections.filter((c) => chosen.includes(c.name));
  const docsTotal = entries.reduce((a, e) => a + e.count, 0);

  // 1. Verify before touching anything.
  progress({ phase: 'verifying archive', collectionsTotal: entries.length, docsTotal, docsDone: 0 });
  const check = await verifyBackup(db, storage, backup, (p) => progress({ ...p, phase: 'verifying archive', docsTotal: backup.totalDocs }));
  if (!check.ok) throw new Error(`The archive failed verification; nothing was restored. ${check.error ?? ''}`.trim());

  const report: RestoreReport = { mode: opts.mode, backupId: backup._id, safetyBackupId: null, collections: entries.map((e) => emptyReport(e.name, e.count)) };
  const repOf = new Map(report.collections.map((r) => [r.collection, r]));
  let docsDone = 0;

  if (opts.mode === 'preview') {
    progress({ phase: 'comparing', docsDone: 0, docsTotal });
    const matched = new Map<string, number>();
    const identical = identicalProbe(db);
    const compare = async (collection: string, docs: Buffer[], rep: CollectionRestoreReport) => {
      // Documents the server confirms as stored byte for byte need no reading; the rest are read and compared.
      const same = await identical(collection, docs);
      const rest = same.size ? docs.filter((_, i) => !same.has(i)) : docs;
      rep.identical += same.size;
      let found = same.size;
      if (rest.length) {
        const parsed = rest.map((raw) => ({ raw, id: BSON.deserialize(raw, DESER)._id }));
        const existing = await db
          .collection(collection)
          .find({ _id: { $in: parsed.map((p) => p.id) } }, { raw: true })
          .toArray();
        const byId = new Map<string, Buffer>();
        for (const r of existing as unknown as Buffer[]) byId.set(EJSON.stringify(BSON.deserialize(r, DESER)._id, { relaxed: false }), Buffer.from(r));
        for (const p of parsed) {
          const cur = byId.get(EJSON.stringify(p.id, { relaxed: false }));
          if (!cur) rep.inserted++;
          else if (sameDocument(cur, p.raw)) rep.identical++;
          else rep.overwritten++;
        }
        found += existing.length;
      }
      matched.set(collection, (matched.get(collection) ?? 0) + found);
      docsDone += docs.length;
      progress({ collection, docsDone });
    };
    // Two batches in flight: reading the archive overlaps the server's comparison.
    const inflight: Promise<void>[] = [];
    await scanArchive(await storage.openRead(backup.file), async (collection, docs) => {
      const rep = repOf.get(collection);
      if (!rep) return;
      const p = compare(collection, docs, rep);
      p.catch(() => undefined); // awaited below; this only keeps a failure from being "unhandled" meanwhile
      inflight.push(p);
      if (inflight.length >= 2) await inflight.shift();
    }).finally(() => Promise.allSettled(inflight));
    await Promise.all(inflight);
    for (const rep of report.collections) {
      const targetCount = await countMatching(db, rep.collection);
      rep.removed = targetCount - (matched.get(rep.collection) ?? 0);
    }
    return report;
  }

  if (opts.mode === 'merge') {
    progress({ phase: 'merging', docsDone: 0, docsTotal });
    const inflight: Promise<void>[] = [];
    const limit = opts.concurrency ?? 2;
    await scanArchive(await storage.openRead(backup.file), async (collection, docs) => {
      const rep = repOf.get(collection);
      if (!rep) return;
      const p = insertUnordered(
        db,
        collection,
        docs.map((d) => BSON.deserialize(d, DESER)),
        rep,
      ).then(() => {
        docsDone += docs.length;
        progress({ collection, docsDone });
      });
      inflight.push(p);
      if (inflight.length >= limit) await inflight.shift();
    });
    await Promise.all(inflight);
    return report;
  }

  // replace
  report.safetyBackupId = opts.beforeReplace ? await opts.beforeReplace(chosen) : null;
  await recoverRestores(db);
  const journalId = opts.journalId ?? new ObjectId().toHexString();
  const items = entries.map((e) => ({ collection: e.name, temp: tempName(e.name), expected: e.count, swapped: false }));
  for (const it of items)
    await db
      .collection(it.temp)
      .drop()
      .catch(() => undefined);
  const now = new Date();
  await bk.journal(db).insertOne({ _id: journalId, state: 'filling', backupId: backup._id, items, createdAt: now, updatedAt: now });

  progress({ phase: 'writing new collections', docsDone: 0, docsTotal });
  const inflight: Promise<void>[] = [];
  const limit = opts.concurrency ?? 2;
  let killArmed = true;
  await scanArchive(await storage.openRead(backup.file), async (collection, docs) => {
    const rep = repOf.get(collection);
    if (!rep) return;
    const p = insertUnordered(
      db,
      tempName(collection),
      docs.map((d) => BSON.deserialize(d, DESER)),
      rep,
    ).then(() => {
      docsDone += docs.length;
      progress({ collection, docsDone });
      if (rep.failed || rep.skipped) throw new Error(`Writing ${collection} failed: ${rep.failures[0] ?? 'duplicate keys'}`);
    });
    inflight.push(p);
    if (inflight.length >= limit) await inflight.shift();
    if (killArmed && docsDone >= docsTotal / 2 && docsDone > 0) {
      killArmed = false;
      killPoint('fill');
    }
  })
    .then(() => Promise.all(inflight))
    .catch(async (e) => {
      // Anything that fails while filling leaves the targets untouched: drop the temp collections.
      await Promise.allSettled(inflight);
      await rollBack(db, journalId, items);
      throw e;
    });

  progress({ phase: 'building indexes' });
  try {
    const backupIdx = new Map(entries.map((e) => [e.name, EJSON.parse(e.indexesJson, { relaxed: false }) as IndexSpec[]]));
    for (const it of items) {
      // The temp collection must exist even for an empty backup collection, so the swap has something to rename.
      const have = await db.listCollections({ name: it.temp }, { nameOnly: true }).toArray();
      if (!have.length) await db.createCollection(it.temp);
      const specs = indexDescriptions(backupIdx.get(it.collection) ?? []);
      if (specs.length) await db.collection(it.temp).createIndexes(specs);
      const n = await countMatching(db, it.temp);
      if (n !== it.expected) throw new Error(`${it.collection}: ${n} documents written, ${it.expected} expected; nothing was replaced.`);
    }
  } catch (e) {
    await rollBack(db, journalId, items);
    throw e;
  }

  killPoint('before-swap');
  // 2. The point of no return: from here recovery rolls forward.
  await bk.journal(db).updateOne({ _id: journalId }, { $set: { state: 'swapping', updatedAt: new Date() } });
  progress({ phase: 'swapping' });
  await finishSwap(db, journalId);
  for (const rep of report.collections) rep.removed = 0;
  return report;
}

/**
 * The embedded database's `acubeIdentical` command (our FerretDB patch acube-identical-*): which of a batch
 * of raw documents the collection stores exactly, compared as stored text without decoding each stored
 * document. Returns the indexes it confirms; an empty set when the server has no such command (MongoDB,
 * stock FerretDB), and the caller then reads and compares every document itself. A "not confirmed" answer
 * is never taken as "different": those documents are compared by the caller.
 */
function identicalProbe(db: Db) {
  let supported: boolean | null = null;
  return async (collection: string, docs: Buffer[]): Promise<Set<number>> => {
    if (supported === false || !docs.length) return new Set();
    try {
      const out = new Set<number>();
      // in pieces of at most 8 MB, well under the 16 MB command limit (one larger document goes alone)
      for (let start = 0; start < docs.length;) {
        let end = start + 1;
        let bytes = docs[start]!.length;
        while (end < docs.length && bytes + docs[end]!.length <= 8 << 20) bytes += docs[end++]!.length;
        const res = await db.command({ acubeIdentical: collection, data: new BSON.Binary(Buffer.concat(docs.slice(start, end))) });
        for (const i of res.identical as number[]) out.add(start + Number(i));
        start = end;
      }
      supported = true;
      return out;
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 59 || (supported === null && /no such (cmd|command)|not supported/i.test(String((e as Error).message)))) {
        supported = false;
        return new Set();
      }
      throw e;
    }
  };
}

/** Byte-equal, or equal after canonical extended JSON (servers may re-encode some types). */
function sameDocument(a: Buffer, b: Buffer): boolean {
  if (a.equals(b)) return true;
  return EJSON.stringify(BSON.deserialize(a, DESER), { relaxed: false }) === EJSON.stringify(BSON.deserialize(b, DESER), { relaxed: false });
}

async function rollBack(db: Db, journalId: string, items: JournalDoc['items']) {
  for (const it of items)
    await db
      .collection(it.temp)
      .drop()
      .catch(() => undefined);
  await bk.journal(db).updateOne({ _id: journalId }, { $set: { state: 'rolled_back', updatedAt: new Date() } });
}

/** Swaps every temp collection of a `swapping` journal into place. Idempotent: safe to re-run after a crash at any step. */
export async function finishSwap(db: Db, journalId: string): Promise<void> {
  const j = await bk.journal(db).findOne({ _id: journalId });
  if (!j || j.state !== 'swapping') return;
  const ferret = await isFerret(db);
  for (const [i, it] of j.items.entries()) {
    if (it.swapped) continue;
    const names = new Set((await db.listCollections({ name: { $in: [it.temp, it.collection] } }, { nameOnly: true }).toArray()).map((c) => c.name));
    if (names.has(it.temp)) {
      if (!ferret) {
        // Real MongoDB: one atomic rename replaces the target.
        await db.renameCollection(it.temp, it.collection, { dropTarget: true });
      } else {
        // FerretDB has no dropTarget: drop, then rename. The journal makes the gap recoverable.
        if (names.has(it.collection)) await db.collection(it.collection).drop();
        killPoint('after-drop');
        await db.renameCollection(it.temp, it.collection);
      }
    }
    // else: the rename already happened before a crash; the target is the new version.
    killPoint('after-rename');
    await bk.journal(db).updateOne({ _id: journalId }, { $set: { [`items.${i}.swapped`]: true, updatedAt: new Date() } });
  }
  await bk.journal(db).updateOne({ _id: journalId }, { $set: { state: 'done', updatedAt: new Date() } });
}

/**
 * Crash recovery, run at start-up and before every replace: a journal still `filling` is
 * rolled back (its temp collections dropped; targets were never touched); one `swapping`
 * is rolled forward (its temp collections were complete and verified).
 */
export async function recoverRestores(db: Db): Promise<{ rolledBack: number; rolledForward: number }> {
  let rolledBack = 0;
  let rolledForward = 0;
  for (const j of await bk
    .journal(db)
    .find({ state: { $in: ['filling', 'swapping'] } })
    .toArray()) {
    if (j.state === 'filling') {
      await rollBack(db, j._id, j.items);
      rolledBack++;
    } else {
      await finishSwap(db, j._id);
      rolledForward++;
    }
  }
  return { rolledBack, rolledForward };
}
