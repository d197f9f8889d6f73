/**
 * Export benchmark: streams all session_bookings to CSV through the export service (the same
 * code the route runs; the body is read and discarded like a fast client would) and compares
 * with simply reading the same cursor (same filter, sort, projection) with the driver.
 * Reports time to first byte, rows/s, and the process's memory growth during the export.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27021 node --expose-gc --import tsx scripts/bench/export.ts [--runs 3] [--limit N]
 */
import './no-server-only';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { insertAdmin } from '../../server/auth/admins';
import { loadOperator } from '../../server/auth/session';
import { collections } from '../../server/db/collections';
import { exportResponse } from '../../server/export/service';
import { buildQuery, projectionFor } from '../../server/search/filter';
import { BENCH_DB, BENCH_URI, ensureBenchData } from './search-data';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, bookings: { type: 'string', default: '1000000' }, sort: { type: 'string', default: '_id' } },
});
const RUNS = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const MB = 1024 * 1024;

const client = new MongoClient(BENCH_URI);
await client.connect();
const db = client.db(BENCH_DB);
const n = await ensureBenchData(db, Number(values.bookings));
const email = 'bench-admin@acube.local';
const admin =
  (await collections.admins(db).findOne({ email })) ?? (await insertAdmin(db, { email, name: 'Bench admin', role: 'admin', password: 'bench-password-0000' }));
const operator = (await loadOperator(db, { adminId: admin._id.toHexString(), sessionVersion: admin.sessionVersion }))!;

// Default `_id` order (FerretDB/SQLite can stream it without sorting 1M documents in memory); `--sort scheduledAt` for date order.
const query = { collection: 'session_bookings', sort: [{ field: values.sort!, dir: (values.sort === '_id' ? 'asc' : 'desc') as 'asc' | 'desc' }] };
const built = buildQuery('session_bookings', query, true);

async function rawRead() {
  gc();
  const t0 = performance.now();
  let rows = 0;
  for await (const _d of db
    .collection('session_bookings')
    .find(built.filter, { projection: projectionFor('session_bookings'), sort: built.sort, batchSize: 1000 }))
    rows++;
  return { ms: performance.now() - t0, rows };
}

async function exportRun() {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const t0 = performance.now();
  const url = new URL(`http://bench/api/export/session_bookings?format=csv&q=${encodeURIComponent(JSON.stringify(query))}`);
  const res = await exportResponse(db, operator, 'session_bookings', url, { ip: 'bench' });
  const reader = res.body!.getReader();
  let first = 0;
  let firstRow = 0;
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!first) first = performance.now() - t0;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    if (!firstRow && lines > 1) firstRow = performance.now() - t0;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return { ms, first, firstRow, bytes, rows: lines - 1, rssGrowth: (peakRss - base.rss) / MB, heapGrowth: (peakHeap - base.heapUsed) / MB };
}

const raw: Awaited<ReturnType<typeof rawRead>>[] = [];
const exp: Awaited<ReturnType<typeof exportRun>>[] = [];
for (let i = 0; i < RUNS; i++) {
  raw.push(await rawRead());
  exp.push(await exportRun());
  console.log(
    `run ${i + 1}: raw ${raw.at(-1)!.ms.toFixed(0)} ms, export ${exp.at(-1)!.ms.toFixed(0)} ms (${exp.at(-1)!.rows.toLocaleString('en-US')} rows, RSS +${exp.at(-1)!.rssGrowth.toFixed(1)} MB)`,
  );
}
const rawMs = median(raw.map((r) => r.ms));
const expMs = median(exp.map((r) => r.ms));
const rows = exp[0]!.rows;
console.log(`\nsession_bookings: ${n.toLocaleString('en-US')} docs, sorted by ${values.sort}, all columns; ${RUNS} runs, medians`);
console.log('| measure | value |');
console.log('|---|---:|');
console.log(`| driver: read the cursor | ${(rawMs / 1000).toFixed(1)} s (${Math.round(raw[0]!.rows / (rawMs / 1000)).toLocaleString('en-US')} rows/s) |`);
console.log(
  `| export to CSV (service stream, body consumed) | ${(expMs / 1000).toFixed(1)} s (${Math.round(rows / (expMs / 1000)).toLocaleString('en-US')} rows/s) |`,
);
console.log(`| export throughput / driver read | ${((rawMs / expMs) * 100).toFixed(0)} % |`);
console.log(`| first byte (header row) | ${median(exp.map((e) => e.first)).toFixed(0)} ms |`);
console.log(`| first data row | ${median(exp.map((e) => e.firstRow)).toFixed(0)} ms |`);
console.log(`| CSV size | ${(exp[0]!.bytes / MB).toFixed(1)} MB, ${rows.toLocaleString('en-US')} rows |`);
console.log(
  `| peak RSS growth during export | ${median(exp.map((e) => e.rssGrowth)).toFixed(1)} MB (max ${Math.max(...exp.map((e) => e.rssGrowth)).toFixed(1)}) |`,
);
console.log(`| peak heap growth during export | ${median(exp.map((e) => e.heapGrowth)).toFixed(1)} MB |`);
await client.close();
