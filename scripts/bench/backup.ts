/**
 * Backup/restore benchmark, side by side in one run against MONGODB_URI / MONGODB_DB
 * (default acube_bench; seed it first: MONGODB_DB=acube_bench npm run seed -- --users 30000 --bookings 600000 --activity 300000).
 *
 *   read      : plain driver read of the same collections (cursor, deserialized documents)
 *   backup    : our backup (raw BSON cursor -> archive -> gzip -> SHA-256 -> fsync'd file)
 *   insertMany: plain unordered insertMany of the same documents (read from the archive) into a fresh db
 *   restore   : our replace restore into a fresh db (full verify pass, temp collections, indexes, swap)
 *
 * Memory: peak RSS during the phase minus RSS before it (sampled every 50 ms, GC between phases).
 * Usage: npx tsx scripts/bench/backup.ts [--runs 3] [--restore-runs 1] [--skip-restore] [--only users,events]
 */
import './no-server-only';
import { MongoClient, BSON, type Db } from 'mongodb';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DirectoryStorage } from '../../server/backup/storage';
import { runBackup, restoreBackup, scanArchive } from '../../server/backup/engine';
import { backupableCollections, bk } from '../../server/backup/model';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'skip-restore': { type: 'boolean', default: false },
    'restore-runs': { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});
const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const dbName = process.env.MONGODB_DB ?? 'acube_bench';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; memMB: number; value: T }> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const base = process.memoryUsage().rss;
  let peak = base;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(t);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, memMB: (peak - base) / 1048576, value };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const client = new MongoClient(uri);
  await client.connect();
  const db = client.db(dbName);
  const only = values.only?.split(',').filter(Boolean);
  const collections = (await backupableCollections(db)).filter((c) => !['admins', 'roles', 'audit_logs'].includes(c) && (!only || only.includes(c)));
  // Counted by the first plain read (a count command on FerretDB scans the collection anyway).
  const counts: Record<string, number> = {};
  let total = 0;
  console.log(`database ${dbName}: ${collections.length} collections`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-bench-'));
  const storage = new DirectoryStorage(dir);
  const rows: Record<string, { ms: number[]; mem: number[] }> = {};
  const add = (k: string, r: { ms: number; memMB: number }) => {
    (rows[k] ??= { ms: [], mem: [] }).ms.push(r.ms);
    rows[k].mem.push(r.memMB);
    console.log(`  ${k}: ${(r.ms / 1000).toFixed(1)} s, ${Math.round((total / r.ms) * 1000).toLocaleString('en-US')} docs/s, +${r.memMB.toFixed(0)} MB RSS`);
  };
  let lastBackup = null as Awaited<ReturnType<typeof runBackup>> | null;
  for (let i = 0; i < Number(values.runs); i++) {
    console.log(`run ${i + 1}`);
    add(
      'read (driver)',
      await measure(async () => {
        let n = 0;
        for (const c of collections) {
          let k = 0;
          for await (const _d of db.collection(c).find({}, { batchSize: 2000 })) k++;
          counts[c] = k;
          n += k;
        }
        total = n;
        return n;
      }),
    );
    const b = await measure(() => runBackup(db, storage, { collections, trigger: 'manual', note: 'bench' }));
    add('backup', b);
    if (lastBackup) {
      await storage.remove(lastBackup.file);
      await bk.backups(db).deleteOne({ _id: lastBackup._id });
    }
    lastBackup = b.value;
  }
  const backup = lastBackup!;
  console.log(`${total.toLocaleString('en-US')} documents`, counts);
  console.log(`archive: ${(backup.sizeBytes / 1048576).toFixed(1)} MB gzip, ${(backup.rawBytes / 1048576).toFixed(1)} MB BSON`);

  if (!values['skip-restore']) {
    for (let i = 0; i < Number(values['restore-runs']); i++) {
      const plainDb = client.db(`${dbName}_plain`);
      await plainDb.dropDatabase();
      add(
        'insertMany (plain, unordered)',
        await measure(async () => {
          const inflight: Promise<unknown>[] = [];
          await scanArchive(await storage.openRead(backup.file), async (c, docs) => {
            inflight.push(
              plainDb.collection(c).insertMany(
                docs.map((d) => BSON.deserialize(d)),
                { ordered: false },
              ),
            );
            if (inflight.length >= 2) await inflight.shift();
          });
          await Promise.all(inflight);
        }),
      );
      await plainDb.dropDatabase();
      const target: Db = client.db(`${dbName}_restore`);
      await target.dropDatabase();
      await bk.backups(target).insertOne({ ...backup });
      add('restore (replace)', await measure(() => restoreBackup(target, storage, backup, { mode: 'replace' })));
      const restored = (await Promise.all(collections.map((c) => target.collection(c).countDocuments()))).reduce((a, b) => a + b, 0);
      if (restored !== total) throw new Error(`restored ${restored} of ${total}`);
      await target.dropDatabase();
    }
  }
  await storage.remove(backup.file);
  await bk.backups(db).deleteOne({ _id: backup._id });
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`\n| phase | runs | median s | docs/s | peak RSS growth MB |\n|---|---|---|---|---|`);
  for (const [k, r] of Object.entries(rows)) {
    const ms = median(r.ms);
    console.log(
      `| ${k} | ${r.ms.length} | ${(ms / 1000).toFixed(1)} | ${Math.round((total / ms) * 1000).toLocaleString('en-US')} | ${Math.max(...r.mem).toFixed(0)} |`,
    );
  }
  const ratio = (a: string, b: string) => (rows[a] && rows[b] ? median(rows[b].ms) / median(rows[a].ms) : NaN);
  console.log(`\nbackup throughput / read throughput: ${(ratio('backup', 'read (driver)') * 100).toFixed(0)}% (target >= 80%)`);
  if (rows['restore (replace)'])
    console.log(
      `restore throughput / insertMany throughput: ${(ratio('restore (replace)', 'insertMany (plain, unordered)') * 100).toFixed(0)}% (target >= 50%)`,
    );
  await client.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
