/**
 * Backup and restore against the test FerretDB: round trip (back up, mutate, preview with
 * exact counts, merge, replace, compare every document and index), corruption, retention,
 * locks, and the tRPC surface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BSON, ObjectId, type Db } from 'mongodb';
import { openTestDb, makeAdmin, callerFor, type TestDb } from '../../test/db';
import { DirectoryStorage } from './storage';
import { runBackup, restoreBackup, verifyBackup, recoverRestores } from './engine';
import { applyRetention, retentionPreview, setBackupStorage, startBackup, startRestore } from './service';
import { bk, type BackupDoc } from './model';
import { createJob, progressWriter, waitForJob } from './jobs';
import { liveEvents } from '../live/bus';
import { lockCollections } from '../db/locks';
import { ArchiveEncoder } from './archive';
import { gzipSync } from 'node:zlib';
import { builtinRole } from '../permissions';
import type { AdminDoc } from '../db/collections';

const { EJSON } = BSON;
let t: TestDb;
let db: Db;
let dir: string;
let storage: DirectoryStorage;

async function snapshot(db: Db, c: string) {
  const docs = await db.collection(c).find({}).sort({ _id: 1 }).toArray();
  const indexes = (await db.collection(c).listIndexes().toArray())
    .map((i) => ({ name: i.name, key: i.key, unique: !!i.unique }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { docs: docs.map((d) => EJSON.stringify(d, { relaxed: false })), indexes };
}

beforeAll(async () => {
  t = await openTestDb('backup');
  db = t.db;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-bk-'));
  storage = new DirectoryStorage(dir);
  setBackupStorage(storage);
  const users = Array.from({ length: 2500 }, (_, i) => ({
    _id: new ObjectId(),
    name: `User ${i}`,
    email: `u${i}@x.test`,
    score: i % 7 === 0 ? new BSON.Double(3) : i,
    big: BSON.Long.fromNumber(2 ** 40 + i),
    tags: ['a', `t${i % 5}`],
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    nested: { deep: { x: i, y: null } },
  }));
  await db.collection('users').insertMany(users);
  await db.collection('users').createIndexes([
    { key: { email: 1 }, name: 'email_unique', unique: true },
    { key: { createdAt: -1, name: 1 }, name: 'created_name' },
  ]);
  // (openTestDb's ensureIndexes may already have created it with the search indexes)
  await db.createCollection('events').catch(() => undefined);
  await db.collection('events').createIndex({ startsAt: 1 }, { name: 'starts_at' });
  await db.collection('blogs').insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: new ObjectId(), title: `Blog ${i}`, body: 'x'.repeat(i * 10) })));
});
afterAll(async () => {
  setBackupStorage(null);
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('acubeIdentical (our FerretDB patch; the restore preview uses it)', () => {
  it('confirms exactly the documents stored byte for byte, whatever their types, and nothing else', async (ctx) => {
    const info = await db.admin().command({ buildInfo: 1 });
    if (typeof info.ferretdbVersion !== 'string') return ctx.skip(); // MongoDB: the preview reads and compares
    const c = db.collection<BSON.Document>('identical_probe');
    const docs: BSON.Document[] = [
      { _id: new ObjectId(), s: 'plain', n: 1, d: 1.5, w: new BSON.Double(2), l: BSON.Long.fromNumber(3), at: new Date(0) },
      { _id: 'string id', esc: 'a "quoted" <b> & \\ tab\t', uni: 'Zoë 😀', nested: { a: [1, 'x', { b: null }], e: {} } },
      { _id: 7, arr: [], bin: new BSON.Binary(Buffer.from([1, 2, 3])), t: true, k: '' },
      { _id: new ObjectId(), 'key with <tags> & more': 1, ünï: 2 }, // (a key with a " is refused: malformed JSON)
    ];
    await c.insertMany(docs);
    const raw = (await c.find({}, { raw: true }).toArray()) as unknown as Buffer[];
    const ask = async (bufs: Uint8Array[]) =>
      (
        (
          await db.command({
            acubeIdentical: 'identical_probe',
            data: new BSON.Binary(Buffer.concat(bufs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)))),
          })
        ).identical as number[]
      ).map(Number);
    expect(await ask(raw)).toEqual([0, 1, 2, 3]);
    // a whole double stored where the backup has an int32, a changed value, a missing document: not confirmed
    const changed = [BSON.serialize({ ...docs[0], w: 2 }), BSON.serialize({ ...docs[1], uni: 'Zoe' }), BSON.serialize({ _id: 'not stored', x: 1 }), raw[3]!];
    expect(await ask(changed)).toEqual([3]);
    await expect(db.command({ acubeIdentical: 'identical_probe', data: new BSON.Binary(Buffer.from([9, 0, 0])) })).rejects.toThrow(
      /data ends inside a document/,
    );
    expect(await ask([])).toEqual([]);
    await c.drop();
  });
});

describe('round trip', () => {
  let backup: BackupDoc;
  let original: Record<string, Awaited<ReturnType<typeof snapshot>>>;

  it('backs up into a complete, verified mongodump archive', async () => {
    original = { users: await snapshot(db, 'users'), blogs: await snapshot(db, 'blogs'), events: await snapshot(db, 'events') };
    backup = await runBackup(db, storage, { collections: ['users', 'blogs', 'events'], trigger: 'manual', note: 'test' });
    expect(backup.status).toBe('complete');
    expect(backup.collections.map((c) => [c.name, c.count])).toEqual([
      ['users', 2500],
      ['blogs', 40],
      ['events', 0],
    ]);
    expect(backup.sha256).toMatch(/^[a-f0-9]{64}$/);
    const file = fs.readFileSync(path.join(dir, backup.file));
    expect(file.subarray(0, 2).toString('hex')).toBe('1f8b'); // gzip
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const v = await verifyBackup(db, storage, backup);
    expect(v).toMatchObject({ ok: true, error: null });
  });

  it('preview counts exactly what would change, and changes nothing', async () => {
    const users = db.collection('users');
    const all = await users.find({}).sort({ _id: 1 }).toArray();
    await users.deleteMany({ _id: { $in: all.slice(0, 10).map((d) => d._id) } }); // 10 missing
    for (const d of all.slice(10, 17)) await users.updateOne({ _id: d._id }, { $set: { name: 'changed' } }); // 7 changed
    await users.insertMany(Array.from({ length: 5 }, (_, i) => ({ name: `new ${i}`, email: `new${i}@x.test` }))); // 5 extra
    await db.collection('blogs').deleteMany({});
    const before = await snapshot(db, 'users');
    const r = await restoreBackup(db, storage, backup, { mode: 'preview' });
    const u = r.collections.find((c) => c.collection === 'users')!;
    expect(u).toMatchObject({ backupCount: 2500, inserted: 10, overwritten: 7, identical: 2483, removed: 5 });
    expect(r.collections.find((c) => c.collection === 'blogs')).toMatchObject({ inserted: 40, overwritten: 0, identical: 0, removed: 0 });
    expect(await snapshot(db, 'users')).toEqual(before);
  });

  it('merge inserts the missing documents and leaves existing ones', async () => {
    const r = await restoreBackup(db, storage, backup, { mode: 'merge', collections: ['users', 'blogs'] });
    const u = r.collections.find((c) => c.collection === 'users')!;
    expect(u).toMatchObject({ inserted: 10, skipped: 2490, failed: 0 });
    expect(r.collections.find((c) => c.collection === 'blogs')).toMatchObject({ inserted: 40, skipped: 0 });
    expect(await db.collection('users').countDocuments()).toBe(2505);
    expect(await db.collection('users').countDocuments({ name: 'changed' })).toBe(7);
    expect(await snapshot(db, 'blogs')).toEqual(original.blogs);
  });

  it('replace makes collections exactly as in the backup: every document, every index, every type', async () => {
    await db.collection('events').insertOne({ title: 'created after the backup' });
    const r = await restoreBackup(db, storage, backup, { mode: 'replace' });
    expect(r.collections.map((c) => c.inserted)).toEqual([2500, 40, 0]);
    for (const c of ['users', 'blogs', 'events']) expect(await snapshot(db, c), c).toEqual(original[c]);
    expect(await db.listCollections({ name: /^__restore_tmp_/ }).toArray()).toEqual([]);
    expect((await bk.journal(db).find({}).toArray()).map((j) => j.state)).toEqual(['done']);
  });
});

describe('corruption', () => {
  it('a flipped byte fails verify, and restore refuses before touching anything', async () => {
    const b = await runBackup(db, storage, { collections: ['blogs'], trigger: 'manual' });
    const f = path.join(dir, b.file);
    const bytes = fs.readFileSync(f);
    bytes[Math.floor(bytes.length / 2)] ^= 0x40;
    fs.writeFileSync(f, bytes);
    const v = await verifyBackup(db, storage, b);
    expect(v.ok).toBe(false);
    expect(v.error).toBeTruthy();
    expect((await bk.backups(db).findOne({ _id: b._id }))?.verifyStatus).toBe('failed');
    await db.collection('blogs').insertOne({ _id: new ObjectId(), title: 'marker' });
    const before = await snapshot(db, 'blogs');
    for (const mode of ['merge', 'replace'] as const) {
      await expect(restoreBackup(db, storage, b, { mode })).rejects.toThrow(/failed verification/);
      expect(await snapshot(db, 'blogs')).toEqual(before);
    }
    expect(await db.listCollections({ name: /^__restore_tmp_/ }).toArray()).toEqual([]);
  });

  it('a manifest whose SHA-256 differs from the file fails verify', async () => {
    const b = await runBackup(db, storage, { collections: ['events'], trigger: 'manual' });
    const v = await verifyBackup(db, storage, { ...b, sha256: 'f'.repeat(64) });
    expect(v.ok).toBe(false);
    expect(v.error).toMatch(/SHA-256/);
  });
});

describe('recovery of an interrupted replace', () => {
  it('rolls back a journal still filling (target untouched) and forward one swapping', async () => {
    const before = await snapshot(db, 'blogs');
    await db.collection('__restore_tmp_blogs').insertOne({ half: true });
    await bk.journal(db).insertOne({
      _id: 'j-fill',
      state: 'filling',
      backupId: 'x',
      items: [{ collection: 'blogs', temp: '__restore_tmp_blogs', expected: 40, swapped: false }],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    expect(await recoverRestores(db)).toEqual({ rolledBack: 1, rolledForward: 0 });
    expect(await snapshot(db, 'blogs')).toEqual(before);
    expect(await db.listCollections({ name: '__restore_tmp_blogs' }).toArray()).toEqual([]);

    await db.collection('__restore_tmp_events').insertMany([{ n: 1 }, { n: 2 }]);
    await bk.journal(db).insertOne({
      _id: 'j-swap',
      state: 'swapping',
      backupId: 'x',
      items: [{ collection: 'events', temp: '__restore_tmp_events', expected: 2, swapped: false }],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    expect(await recoverRestores(db)).toEqual({ rolledBack: 0, rolledForward: 1 });
    expect(await db.collection('events').countDocuments()).toBe(2);
    expect((await bk.journal(db).findOne({ _id: 'j-swap' }))?.state).toBe('done');
  });
});

describe('progress', () => {
  it('backup totals come from per-collection estimates and end at the real counts; verify counts collections', async () => {
    const seen: { docsDone?: number; docsTotal?: number; collectionsDone?: number; collectionsTotal?: number }[] = [];
    const state: Record<string, number> = {};
    const b = await runBackup(db, storage, { collections: ['users', 'blogs'], trigger: 'manual', progress: (p) => seen.push({ ...Object.assign(state, p) }) });
    const first = seen.find((p) => p.docsTotal !== undefined)!;
    expect(first.docsTotal).toBe(b.totalDocs); // estimates are exact when nothing is written meanwhile
    for (const p of seen) if (p.docsDone !== undefined && p.docsTotal !== undefined) expect(p.docsDone).toBeLessThanOrEqual(p.docsTotal);
    expect(seen.at(-1)).toMatchObject({ docsDone: b.totalDocs, docsTotal: b.totalDocs, collectionsDone: 2 });
    const v: Record<string, unknown>[] = [];
    const vs: Record<string, unknown> = {};
    await verifyBackup(db, storage, b, (p) => v.push({ ...Object.assign(vs, p) }));
    expect(v.at(-1)).toMatchObject({ docsDone: b.totalDocs, collectionsDone: 2, collectionsTotal: 2 });
  });
  it('live progress is announced at most every interval, the last state always, and flush announces at once', async () => {
    const jobId = await createJob(db, { kind: 'backup', backupId: null, collections: ['users'], by: null });
    const progress = progressWriter(db, jobId, { announceMs: 1_000 });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // six writes 450 ms apart (each one a write: the writer writes at most every 400 ms) over ~2.3 s
    for (let i = 1; i <= 6; i++) {
      progress({ docsDone: i * 10 });
      await sleep(450);
    }
    const jobEvents = async () =>
      (await liveEvents(db).find({ type: 'job' }).sort({ seq: 1 }).toArray()).filter((e) => (e.data as { id?: string }).id === jobId);
    const docsDoneOf = (e: { data: unknown } | undefined) => (e?.data as { progress?: { docsDone?: number } } | undefined)?.progress?.docsDone;
    // the trailing announcement brings the newest state (waited for, not timed: a busy machine delays it)
    let before = await jobEvents();
    for (let i = 0; i < 50 && docsDoneOf(before.at(-1)) !== 60; i++) {
      await sleep(200);
      before = await jobEvents();
    }
    expect(docsDoneOf(before.at(-1))).toBe(60);
    // createJob's own, then at most one per second of writing (~2.7 s: 3) and the trailing one; never one per
    // write (that would be 1 + 6), even when a busy machine stretches the writes
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(1 + 6);
    progress({ docsDone: 70 }); // a write (its announcement may wait for the interval) …
    await progress.flush(); // … and flush writes and announces at once
    const after = await jobEvents();
    expect(after.length - before.length).toBeGreaterThanOrEqual(1);
    expect(after.length - before.length).toBeLessThanOrEqual(2);
    expect(docsDoneOf(after.at(-1))).toBe(70);
    await bk.jobs(db).deleteOne({ _id: jobId });
  });
});

describe('retention', () => {
  it('keeps at most N, none older than D days, never the newest verified', async () => {
    await bk.backups(db).deleteMany({});
    await bk.settings(db).updateOne({ _id: 'schedule' }, { $set: { retentionCount: 3, retentionDays: 10 } }, { upsert: true });
    const now = new Date('2026-06-30T12:00:00Z');
    const mk = async (daysAgo: number, verified: boolean) => {
      const b = await runBackup(db, storage, { collections: ['events'], trigger: 'schedule' });
      await bk
        .backups(db)
        .updateOne({ _id: b._id }, { $set: { createdAt: new Date(now.getTime() - daysAgo * 86_400_000), verifyStatus: verified ? 'ok' : null } });
      return b._id;
    };
    const oldVerified = await mk(20, true); // too old, but the newest verified: kept
    const old = await mk(15, false); // too old: deleted
    const a = await mk(3, false);
    const b = await mk(2, false);
    const c = await mk(1, false);
    const d = await mk(0, false); // 4 recent: the 4th newest (a) exceeds N=3
    // The preview names exactly what applying will delete, and deletes nothing.
    const plan = await retentionPreview(db, now);
    expect(plan.complete.map((x) => x.id).sort()).toEqual([old, a].sort());
    expect(plan.kept).toBe(4);
    expect(await bk.backups(db).countDocuments({})).toBe(6);
    const r = await applyRetention(db, now);
    expect(r.deleted.sort()).toEqual([old, a].sort());
    const left = (await bk.backups(db).find({}).toArray()).map((x) => x._id).sort();
    expect(left).toEqual([oldVerified, b, c, d].sort());
    for (const id of [old, a]) expect(fs.existsSync(path.join(dir, `${id}.archive.gz`))).toBe(false);
  });
});

describe('locks and the service', () => {
  let superAdmin: AdminDoc;
  let admin: AdminDoc;
  beforeAll(async () => {
    superAdmin = await makeAdmin(db, 'super_admin');
    admin = await makeAdmin(db, 'admin');
  });

  it('refuses a second backup of a locked collection', async () => {
    const held = await lockCollections(db, ['blogs'], 'someone-else');
    await expect(startBackup(db, { collections: ['blogs'], note: '' }, null)).rejects.toThrow(/Another backup or restore/);
    await held.release();
    const { jobId, backupId } = await startBackup(db, { collections: ['blogs'], note: 'after release' }, null);
    const job = await waitForJob(db, jobId);
    expect(job.status).toBe('succeeded');
    expect((await bk.backups(db).findOne({ _id: backupId }))?.status).toBe('complete');
    expect(await bk.locks(db).countDocuments({ _id: 'coll:blogs' })).toBe(0);
  });

  it('tRPC: create runs in the background with progress; replace needs super_admin and the typed names', async () => {
    const caller = callerFor(db, superAdmin);
    const { jobId, backupId } = await caller.backup.create({ collections: ['blogs', 'users'], note: 'via trpc' });
    await waitForJob(db, jobId);
    const job = await caller.backup.job({ jobId });
    expect(job).toMatchObject({ status: 'succeeded', progress: { collectionsDone: 2, collectionsTotal: 2 } });
    expect(job.progress.docsDone).toBeGreaterThan(2000);
    const got = await caller.backup.get({ id: backupId });
    expect(got.indexes.users.map((i: { name: string }) => i.name)).toContain('email_unique');
    expect((await caller.backup.list({ limit: 5 }))[0].id).toBe(backupId);

    await expect(callerFor(db, admin).backup.restore({ id: backupId, mode: 'replace', confirm: 'blogs' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.backup.restore({ id: backupId, mode: 'replace', collections: ['blogs'], confirm: 'users' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await db.collection('blogs').insertOne({ title: 'extra' });
    const r = await caller.backup.restore({ id: backupId, mode: 'replace', collections: ['blogs'], confirm: 'blogs' });
    const rj = await waitForJob(db, r.jobId);
    expect(rj.status).toBe('succeeded');
    const rep = rj.result as { safetyBackupId: string };
    const safety = await bk.backups(db).findOne({ _id: rep.safetyBackupId });
    expect(safety).toMatchObject({ trigger: 'safety', status: 'complete' });
    expect(safety!.collections[0].count).toBe(got.collections.find((c) => c.name === 'blogs')!.count + 1);
    expect(await db.collection('blogs').countDocuments({ title: 'extra' })).toBe(0);
    expect(await db.collection('audit_logs').countDocuments({ action: 'backup.restore', result: 'success' })).toBe(1);

    const adminRun = await startRestore(db, { id: backupId, mode: 'preview' }, null, builtinRole('admin'));
    expect((await waitForJob(db, adminRun.jobId)).status).toBe('succeeded');
  });
});

describe('upload', () => {
  it('lists a valid uploaded archive (verified) and refuses a corrupt one without listing it', async () => {
    const { importUpload } = await import('./service');
    const b = await runBackup(db, storage, { collections: ['blogs'], trigger: 'manual' });
    const bytes = fs.readFileSync(path.join(dir, b.file));
    const up = await importUpload(db, [bytes.subarray(0, 100), bytes.subarray(100)], null, 'from disk');
    expect(up).toMatchObject({ trigger: 'upload', status: 'complete', verifyStatus: 'ok', sha256: b.sha256 });
    expect(up.collections).toEqual(b.collections.map((c) => ({ name: c.name, count: c.count, rawBytes: c.rawBytes, crc: c.crc })));
    const bad = Buffer.from(bytes);
    bad[bad.length - 12] ^= 0xff;
    const before = await bk.backups(db).countDocuments();
    await expect(importUpload(db, [bad], null)).rejects.toThrow(/Not a valid backup archive/);
    await expect(importUpload(db, [Buffer.from('hello, not an archive')], null)).rejects.toThrow(/Not a valid backup archive/);
    expect(await bk.backups(db).countDocuments()).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('download', () => {
  it('an archive holding credentials (admins, analytics_api_keys) downloads only for backup.download.credentials', async () => {
    const { openBackupFile } = await import('./service');
    const { backupableCollections } = await import('./model');
    const admin = await makeAdmin(db, 'admin');
    await db.collection('analytics_api_keys').insertOne({ _id: new ObjectId(), name: 'platform', hash: 'ab'.repeat(32), createdAt: new Date() });
    const names = await backupableCollections(db);
    expect(names).toContain('analytics_api_keys');
    expect(names).not.toContain('api_keys');

    const withAdmins = await runBackup(db, storage, { collections: ['admins', 'blogs'], trigger: 'manual' });
    const withKeys = await runBackup(db, storage, { collections: ['analytics_api_keys'], trigger: 'manual' });
    const plain = await runBackup(db, storage, { collections: ['blogs'], trigger: 'manual' });
    expect(withAdmins.collections.find((c) => c.name === 'admins')!.count).toBeGreaterThan(0);
    expect(withKeys.collections).toMatchObject([{ name: 'analytics_api_keys', count: 1 }]);

    for (const b of [withAdmins, withKeys]) {
      await expect(openBackupFile(db, b._id, builtinRole('admin'))).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/backup\.download\.credentials/),
      });
      const f = await openBackupFile(db, b._id, builtinRole('super_admin'));
      expect(f.size).toBeGreaterThan(0);
      f.stream.destroy();
    }
    const ok = await openBackupFile(db, plain._id, builtinRole('admin'));
    ok.stream.destroy();
    // the UI is told which ones need the permission
    const listed = await callerFor(db, admin).backup.list({ limit: 20 });
    expect(listed.find((x) => x.id === withAdmins._id)!.holdsCredentials).toBe(true);
    expect(listed.find((x) => x.id === plain._id)!.holdsCredentials).toBe(false);
  });
});

/** An archive of one namespace per name (one small document each), gzipped. */
function archiveOf(dbName: string, names: string[]): Buffer {
  const enc = new ArchiveEncoder(dbName);
  const parts = [
    enc.begin(
      { concurrent_collections: 1, server_version: 'test', tool_version: 'test' },
      names.map((collection) => ({ collection, indexes: [] })),
    ),
  ];
  for (const n of names) {
    parts.push(enc.startCollection(n), enc.documents([BSON.serialize({ _id: new ObjectId(), a: 1 })]), enc.endCollection().buffer);
  }
  return gzipSync(Buffer.concat(parts));
}

describe('upload limits', () => {
  it('a small gzip bomb (valid prelude, then ~200 MB of zeros in 1 MB documents) is refused at the decompression cap', async () => {
    const { importUpload } = await import('./service');
    const enc = new ArchiveEncoder('acube');
    const head = Buffer.concat([
      enc.begin({ concurrent_collections: 1, server_version: 'test', tool_version: 'test' }, [{ collection: 'blogs', indexes: [] }]),
      enc.startCollection('blogs'),
    ]);
    const doc = BSON.serialize({ z: new BSON.Binary(Buffer.alloc(1024 * 1024 - 64)) });
    const block = gzipSync(Buffer.concat(Array.from({ length: 64 }, () => doc)), { level: 9 }); // 64 MB → ~64 KB
    // gzip members concatenate: 3 × 64 MB + the head, about 200 KB on the wire.
    const bomb = Buffer.concat([gzipSync(head), block, block, block]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = await bk.backups(db).countDocuments();
    const started = Date.now();
    await expect(importUpload(db, [bomb], null)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/decompresses to more than 64 MB/),
    });
    console.log(`[upload limits] gzip bomb of ${bomb.length} bytes refused in ${Date.now() - started} ms`);
    expect(await bk.backups(db).countDocuments()).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('an archive with more documents than the cap is refused', async () => {
    const { importUpload } = await import('./service');
    const b = await runBackup(db, storage, { collections: ['blogs'], trigger: 'manual' });
    const bytes = fs.readFileSync(path.join(dir, b.file));
    await expect(importUpload(db, [bytes], null, '', { maxRawBytes: 1024 ** 3, maxDocs: 10 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/more than 10 documents/),
    });
    expect((await importUpload(db, [bytes], null, '', { maxRawBytes: 1024 ** 3, maxDocs: 1000 })).totalDocs).toBe(b.totalDocs);
  });

  it('an archive of only foreign names (../x, system.users, admin.$cmd) is refused, not listed empty', async () => {
    const { importUpload } = await import('./service');
    const before = await bk.backups(db).countDocuments();
    await expect(importUpload(db, [archiveOf('admin', ['../x', 'system.users', '$cmd'])], null)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/no collection this app backs up/),
    });
    expect(await bk.backups(db).countDocuments()).toBe(before);
    // foreign names beside an allowed one are ignored, and not counted
    const up = await importUpload(db, [archiveOf('acube', ['blogs', 'system.users'])], null);
    expect(up.collections.map((c) => c.name)).toEqual(['blogs']);
    expect(up.totalDocs).toBe(1);
  });
});
