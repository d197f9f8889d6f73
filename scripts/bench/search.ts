/**
 * Search benchmark: the first page of an indexed filter (status + date range, sorted by date)
 * through tRPC (createCaller: zod validation, session/role lookup, registry filter building,
 * masking) versus the same query issued directly with the driver; plus what the count costs.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27021 npx tsx scripts/bench/search.ts [--runs 5] [--bookings 1000000]
 */
import './no-server-only';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { insertAdmin } from '../../server/auth/admins';
import { collections } from '../../server/db/collections';
import { createContextInner } from '../../server/trpc/init';
import { createCaller } from '../../server/trpc/root';
import { projectionFor } from '../../server/search/filter';
import { COUNT_CAP } from '../../server/search/schema';
import { BENCH_DB, BENCH_URI, ensureBenchData } from './search-data';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    bookings: { type: 'string', default: '1000000' },
    'no-warmup': { type: 'boolean', default: false },
    'no-exact': { type: 'boolean', default: false },
    // The newest scheduledAt, when known: finding it is itself a full sort of the collection on FerretDB.
    newest: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const client = new MongoClient(BENCH_URI);
await client.connect();
const db = client.db(BENCH_DB);
const n = await ensureBenchData(db, Number(values.bookings));
const email = 'bench-analyst@acube.local';
const admin =
  (await collections.admins(db).findOne({ email })) ??
  (await insertAdmin(db, { email, name: 'Bench analyst', role: 'analyst', password: 'bench-password-0000' }));
const caller = createCaller(createContextInner({ db, session: { adminId: admin._id.toHexString(), sessionVersion: admin.sessionVersion } }));

// A 30-day window in the middle of the year of data.
const newest = values.newest
  ? new Date(values.newest)
  : ((await db
      .collection('session_bookings')
      .find({}, { projection: { scheduledAt: 1 } })
      .sort({ scheduledAt: -1 })
      .limit(1)
      .next())!.scheduledAt as Date);
const to = new Date(newest.getTime() - 90 * 86_400_000);
const from = new Date(to.getTime() - 30 * 86_400_000);
const input = {
  collection: 'session_bookings',
  where: {
    op: 'and' as const,
    conditions: [
      { field: 'status', operator: 'eq' as const, value: 'confirmed' },
      { field: 'scheduledAt', operator: 'between' as const, value: [from.toISOString(), to.toISOString()] },
    ],
  },
  sort: [{ field: 'scheduledAt', dir: 'desc' as const }],
  page: 1,
  pageSize: 50,
};
const filter = { $and: [{ status: 'confirmed' }, { scheduledAt: { $gte: from, $lte: to } }] };
const coll = db.collection('session_bookings');
const driverPage = () => coll.find(filter, { projection: projectionFor('session_bookings'), sort: { scheduledAt: -1, _id: -1 }, limit: 50 }).toArray();

const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  console.error(`[bench] ${ms.toFixed(0)} ms`);
  return ms;
};

// Warm up both paths once (connection pool, role cache, SQLite page cache).
if (!values['no-warmup']) {
  await driverPage();
  await caller.search.query({ ...input, count: 'none' });
}

const rows: { label: string; ms: number[] }[] = [
  { label: 'driver: find first page (50)', ms: [] },
  { label: 'tRPC search.query, count: none', ms: [] },
  { label: `tRPC search.query, count: capped (${COUNT_CAP.toLocaleString('en-US')})`, ms: [] },
  { label: 'driver: countDocuments (exact)', ms: [] },
  { label: 'tRPC search.query, count: exact', ms: [] },
];
let matched = 0;
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so drift (cache, other load) hits both sides alike.
  rows[0]!.ms.push(await time(driverPage));
  rows[1]!.ms.push(await time(() => caller.search.query({ ...input, count: 'none' })));
  rows[2]!.ms.push(await time(() => caller.search.query({ ...input, count: 'capped' })));
  if (values['no-exact']) continue;
  rows[3]!.ms.push(await time(async () => (matched = await coll.countDocuments(filter))));
  rows[4]!.ms.push(await time(() => caller.search.query({ ...input, count: 'exact' })));
}

console.log(
  `\nsession_bookings: ${n.toLocaleString('en-US')} docs; filter matches ${matched ? matched.toLocaleString('en-US') : '(not counted)'}; ${RUNS} runs, median ms`,
);
console.log('| query | median ms | min | max | ratio to driver |');
console.log('|---|---:|---:|---:|---:|');
const base = median(rows[0]!.ms);
for (const r of rows.filter((x) => x.ms.length)) {
  console.log(
    `| ${r.label} | ${median(r.ms).toFixed(1)} | ${Math.min(...r.ms).toFixed(1)} | ${Math.max(...r.ms).toFixed(1)} | ${(median(r.ms) / base).toFixed(2)}× |`,
  );
}
await client.close();
