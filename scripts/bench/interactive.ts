/**
 * Interactive speed on the embedded database (issue 12): every query shape the Search page can build on
 * an indexed field, the capped count, the audit log's first page and filters, each dashboard tile (first
 * load and after), an export's first row and throughput, and plain insertMany. Runs the same requests on
 * the patched engine and on the engine before the pushdown patches (`--baseline`: only the `_id` index
 * patch), on the same data files, and prints both with their ratio.
 *
 *   npm run seed -- --scale 25 --drop            (against a FerretDB on DATA, database DB; or the demo data)
 *   npx tsx scripts/bench/interactive.ts --data .data/bench --db acube_bench [--runs 15] [--baseline-runs 3]
 *
 * It starts and stops its own FerretDB on the data directory (`--port`, default 27060), so nothing else may use it.
 * Requests go through tRPC (createCaller: zod, session and role lookup, registry, masking) as the pages' do.
 */
import './no-server-only';
// the embedded database: counts through the count command, the embedded index policy (as npm start sets)
process.env.ACUBE_EMBEDDED = '1';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, ObjectId, type Db } from 'mongodb';
// @ts-expect-error -- plain ESM helper without types
import { ROOT, startFerretDB } from '../lib/ferretdb.mjs';
import { insertAdmin } from '../../server/auth/admins';
import { collections } from '../../server/db/collections';
import { clearCaches } from '../../server/db/cache';
import { clearAnalyticsCache } from '../../server/analytics/cache';
import { createContextInner } from '../../server/trpc/init';
import { createCaller } from '../../server/trpc/root';
import { builtinRole } from '../../server/permissions';
import { openExportCursor } from '../../server/search/service';
import { INDEXES } from '../../server/db/indexes';
import { indexesFor } from '../../server/db/index-policy';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join(ROOT, '.data', 'bench') },
    db: { type: 'string', default: 'acube_bench' },
    runs: { type: 'string', default: '15' },
    'baseline-runs': { type: 'string', default: '3' },
    'baseline-timeout': { type: 'string', default: '120' },
    'no-baseline': { type: 'boolean', default: false },
    'export-rows': { type: 'string', default: '50000' },
    'insert-docs': { type: 'string', default: '20000' },
    /** Only these parts (comma-separated): search, count, audit, tiles, export, insert. */
    only: { type: 'string' },
    /** The port of the FerretDB the bench starts on DATA. */
    port: { type: 'string', default: '27060' },
    /** FerretDB's debug server (pprof) on this address, e.g. 127.0.0.1:9101. */
    'debug-addr': { type: 'string' },
  },
});
const PORT = Number(values.port);
const debugArgs = values['debug-addr'] ? [`--debug-addr=${values['debug-addr']}`] : [];
const only = values.only ? new Set(values.only.split(',')) : null;
const want = (part: string) => !only || only.has(part);

type Stat = { p50: number; p95: number; runs: number; timedOut?: boolean };
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function timeIt(runs: number, f: () => Promise<unknown>, timeoutMs: number, before?: () => void): Promise<Stat> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t = performance.now();
    // The app refuses a query past its time limit ("narrow your search", MaxTimeMSExpired): the baseline
    // engine reaches it on most shapes; counted as a timeout at the time it took.
    const r = await Promise.race([
      f().then(
        () => 'ok',
        (e: unknown) => {
          const text = `${e instanceof Error ? e.message : e} ${(e as { cause?: Error })?.cause?.message ?? ''}`;
          if (/time limit|MaxTimeMS|narrow/i.test(text)) return 'timeout';
          throw e;
        },
      ),
      new Promise((res) => setTimeout(() => res('timeout'), timeoutMs)),
    ]);
    if (r === 'timeout') {
      const took = Math.min(timeoutMs, performance.now() - t);
      return { p50: took, p95: took, runs: i + 1, timedOut: true };
    }
    xs.push(performance.now() - t);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95), runs };
}

interface Shape {
  name: string;
  group: string;
  run: (ctx: Ctx) => Promise<unknown>;
  /** Clear the result caches before each run (cold). */
  cold?: boolean;
}
interface Ctx {
  db: Db;
  caller: ReturnType<typeof createCaller>;
  range: { from: string; to: string };
  actorEmail: string;
  userName: string;
}

const page = (collection: string, extra: Record<string, unknown>) => ({ collection, page: 1, pageSize: 50, count: 'none' as const, ...extra });
const cond = (field: string, operator: string, value: unknown) => ({ field, operator, value });
const and = (...conditions: unknown[]) => ({ op: 'and' as const, conditions });

const SHAPES: Shape[] = [
  // Search: first page of 50 (count: 'none'; the count is measured on its own below)
  {
    group: 'search',
    name: 'bookings: status = confirmed (default sort: scheduledAt desc)',
    run: (c) => c.caller.search.query(page('session_bookings', { where: and(cond('status', 'eq', 'confirmed')) }) as never),
  },
  {
    group: 'search',
    name: 'bookings: status in (pending, cancelled)',
    run: (c) => c.caller.search.query(page('session_bookings', { where: and(cond('status', 'in', ['pending', 'cancelled'])) }) as never),
  },
  {
    group: 'search',
    name: 'bookings: scheduledAt in a 30-day range',
    run: (c) => c.caller.search.query(page('session_bookings', { where: and(cond('scheduledAt', 'between', [c.range.from, c.range.to])) }) as never),
  },
  {
    group: 'search',
    name: 'bookings: sort by amount ascending',
    run: (c) => c.caller.search.query(page('session_bookings', { sort: [{ field: 'amount', dir: 'asc' }] }) as never),
  },
  {
    group: 'search',
    name: 'bookings: sort by amount descending',
    run: (c) => c.caller.search.query(page('session_bookings', { sort: [{ field: 'amount', dir: 'desc' }] }) as never),
  },
  {
    group: 'search',
    name: 'bookings: status = confirmed AND 30-day range',
    run: (c) =>
      c.caller.search.query(
        page('session_bookings', { where: and(cond('status', 'eq', 'confirmed'), cond('scheduledAt', 'between', [c.range.from, c.range.to])) }) as never,
      ),
  },
  {
    group: 'search',
    name: 'members: sort by name ascending',
    run: (c) => c.caller.search.query(page('users', { sort: [{ field: 'name', dir: 'asc' }] }) as never),
  },
  {
    group: 'search',
    name: 'members: status = inactive, sort by createdAt desc',
    run: (c) => c.caller.search.query(page('users', { where: and(cond('status', 'eq', 'inactive')) }) as never),
  },
  { group: 'search', name: "members: keyword (a member's first name)", run: (c) => c.caller.search.query(page('users', { text: c.userName }) as never) },
  {
    group: 'search',
    name: 'members: keyword prefix "pri*" AND status = active',
    run: (c) => c.caller.search.query(page('users', { text: 'pri*', where: and(cond('status', 'eq', 'active')) }) as never),
  },
  {
    group: 'search',
    name: 'activity events: keyword "booking" (default sort: ts desc)',
    run: (c) => c.caller.search.query(page('activity_events', { text: 'booking' }) as never),
  },
  {
    group: 'search',
    name: 'activity events: name = blog.read AND 30-day range',
    run: (c) =>
      c.caller.search.query(
        page('activity_events', { where: and(cond('name', 'eq', 'blog.read'), cond('ts', 'between', [c.range.from, c.range.to])) }) as never,
      ),
  },
  {
    group: 'search',
    name: 'activity events: sort by ts ascending',
    run: (c) => c.caller.search.query(page('activity_events', { sort: [{ field: 'ts', dir: 'asc' }] }) as never),
  },
  // Counts (capped at 10,000), cold: result caches cleared before each run
  {
    group: 'count',
    cold: true,
    name: 'count: bookings status = confirmed',
    run: (c) =>
      c.caller.search.query({ ...page('session_bookings', { where: and(cond('status', 'eq', 'confirmed')) }), count: 'capped', pageSize: 1 } as never),
  },
  {
    group: 'count',
    cold: true,
    name: 'count: bookings status = confirmed AND 30-day range',
    run: (c) =>
      c.caller.search.query({
        ...page('session_bookings', { where: and(cond('status', 'eq', 'confirmed'), cond('scheduledAt', 'between', [c.range.from, c.range.to])) }),
        count: 'capped',
        pageSize: 1,
      } as never),
  },
  {
    group: 'count',
    cold: true,
    name: 'count: members keyword (first name)',
    run: (c) => c.caller.search.query({ ...page('users', { text: c.userName }), count: 'capped', pageSize: 1 } as never),
  },
  {
    group: 'count',
    cold: true,
    name: 'count: activity events keyword "booking"',
    run: (c) => c.caller.search.query({ ...page('activity_events', { text: 'booking' }), count: 'capped', pageSize: 1 } as never),
  },
  // Audit log
  { group: 'audit', name: 'audit: first page', run: (c) => c.caller.audit.list({ limit: 50 }) },
  { group: 'audit', name: "audit: actor = an operator's email", run: (c) => c.caller.audit.list({ limit: 50, actor: c.actorEmail }) },
  { group: 'audit', name: 'audit: action = backup.create', run: (c) => c.caller.audit.list({ limit: 50, action: 'backup.create' }) },
  { group: 'audit', name: 'audit: last 7 days', run: (c) => c.caller.audit.list({ limit: 50, from: new Date(Date.now() - 7 * 86_400_000) }) },
  { group: 'audit', name: 'audit: result = denied', run: (c) => c.caller.audit.list({ limit: 50, result: 'denied' }) },
];

const WIDGETS = ['counts', 'systemStatus', 'adminActivity', 'pendingActions', 'moderationQueues', 'analytics', 'backupHealth', 'dataQuality', 'content'];

async function context(uri: string): Promise<{ client: MongoClient; ctx: Ctx }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(values.db);
  const email = 'bench-super@acube.local';
  const admin =
    (await collections.admins(db).findOne({ email })) ??
    (await insertAdmin(db, { email, name: 'Bench super admin', role: 'super_admin', password: 'bench-password-0000' }));
  const caller = createCaller(createContextInner({ db, session: { adminId: admin._id.toHexString(), sessionVersion: admin.sessionVersion } }));
  // a 30-day window three months before the newest booking, found through the sorted index
  const newest = (
    await db
      .collection('session_bookings')
      .find({}, { projection: { scheduledAt: 1 } })
      .sort({ scheduledAt: -1, _id: -1 })
      .limit(1)
      .next()
  )?.scheduledAt as Date | undefined;
  const to = new Date((newest ?? new Date()).getTime() - 90 * 86_400_000);
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const someUser = await db.collection('users').findOne({}, { projection: { name: 1 }, skip: 777 });
  const userName = String(someUser?.name ?? 'priya')
    .split(/\s+/)[0]!
    .toLowerCase();
  const someAudit = await db.collection('audit_logs').findOne({ actorEmail: { $gt: '' } }, { projection: { actorEmail: 1 } });
  return {
    client,
    ctx: {
      db,
      caller,
      range: { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) },
      actorEmail: String(someAudit?.actorEmail ?? 'admin@acube.local'),
      userName,
    },
  };
}

async function exportBench(ctx: Ctx, rows: number, timeoutMs: number) {
  const role = builtinRole('super_admin');
  const plainRead = async () => {
    const t = performance.now();
    let m = 0;
    // read like the export reads (no limit: it streams until the client stops), then stop
    const cur = ctx.db.collection('activity_events').find({}, { batchSize: 1000 });
    while (m < rows && (await cur.next())) m++;
    await cur.close();
    return m / ((performance.now() - t) / 1000);
  };
  // both reads measured on a warm engine (the first read of a cold file pays for it, whichever it is)
  const plainBefore = await plainRead();
  const t0 = performance.now();
  const ex = await openExportCursor(ctx.db, role, 'activity_events', { collection: 'activity_events', sort: [{ field: 'ts', dir: 'desc' }] } as never);
  const first = await Promise.race([ex.cursor.next(), new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
  const firstMs = first === 'timeout' ? timeoutMs : performance.now() - t0;
  let n = 1;
  const t1 = performance.now();
  if (first !== 'timeout') {
    while (n < rows && (await ex.cursor.next())) n++;
  }
  const exportRate = n / ((performance.now() - t1) / 1000);
  await ex.cursor.close();
  // a plain cursor read of the same number of documents, natural order: before and after the export, averaged
  const plainRate = (plainBefore + (await plainRead())) / 2;
  return { firstMs, exportRate, plainRate };
}

async function insertBench(db: Db, n: number, policy: 'embedded' | 'constraints') {
  const name = `bench_insert_${policy}`;
  await db
    .collection(name)
    .drop()
    .catch(() => undefined);
  const specs = policy === 'embedded' ? indexesFor(INDEXES.activity_events!, 'embedded', 'activity_events') : INDEXES.activity_events!.filter((s) => s.unique);
  await db.collection(name).createIndexes(specs);
  const names = ['booking.created', 'blog.read', 'event.registered', 'session.completed', 'auth.login', 'search.performed'];
  const t = performance.now();
  for (let b = 0; b < n / 500; b++) {
    const docs = Array.from({ length: 500 }, (_, i) => {
      const k = b * 500 + i;
      const ts = new Date(Date.UTC(2026, 0, 1) + k * 1000);
      const nm = names[k % names.length]!;
      return {
        eventId: `bench-${k}`,
        userId: new ObjectId(),
        name: nm,
        ts,
        day: ts.toISOString().slice(0, 10),
        week: '2026-W01',
        month: '2026-01',
        props: { path: `/p/${k % 50}` },
        source: 'web',
        receivedAt: ts,
        _kw: nm.split('.'),
      };
    });
    await db.collection(name).insertMany(docs, { ordered: false });
  }
  const rate = n / ((performance.now() - t) / 1000);
  await db.collection(name).drop();
  return rate;
}

async function runEngine(label: string, baseline: boolean, runs: number, timeoutMs: number) {
  let engine = await startFerretDB({ port: PORT, dataDir: values.data, baseline, extraArgs: debugArgs });
  let conn = await context(engine.uri);
  // A request that timed out keeps running inside the engine; restart it so the next figure is not
  // measured on an engine still busy with abandoned work.
  const restart = async () => {
    await conn.client.close(true).catch(() => undefined);
    await engine.stop();
    engine = await startFerretDB({ port: PORT, dataDir: values.data, baseline, extraArgs: debugArgs });
    conn = await context(engine.uri);
  };
  const out: Record<string, Stat> = {};
  const extra: Record<string, number> = {};
  try {
    console.log(`\n== ${label}: ${runs} runs per shape (timeout ${timeoutMs / 1000} s)`);
    for (const s of SHAPES.filter((x) => want(x.group))) {
      if (!baseline) await s.run(conn.ctx).catch(() => undefined); // warm-up (connection, role cache); the baseline's runs take seconds anyway
      const st = await timeIt(runs, () => s.run(conn.ctx), timeoutMs, s.cold ? () => clearCaches() : undefined);
      out[s.name] = st;
      console.log(`${s.name.padEnd(66)} p50 ${st.p50.toFixed(0).padStart(7)} ms  p95 ${st.p95.toFixed(0).padStart(7)} ms${st.timedOut ? '  (timed out)' : ''}`);
      if (st.timedOut) await restart();
    }
    for (const w of want('tiles') ? WIDGETS : []) {
      clearCaches();
      clearAnalyticsCache();
      const first = await timeIt(1, () => conn.ctx.caller.dashboard.widget({ key: w }), timeoutMs);
      // "after the first load" only means something once the first load finished
      const after = first.timedOut ? first : await timeIt(runs, () => conn.ctx.caller.dashboard.widget({ key: w }), timeoutMs);
      out[`tile ${w}: first load`] = first;
      out[`tile ${w}: after the first load`] = after;
      console.log(
        `${`tile ${w}`.padEnd(66)} first ${first.p50.toFixed(0).padStart(7)} ms  after p50 ${after.p50.toFixed(0)} / p95 ${after.p95.toFixed(0)} ms${first.timedOut ? '  (timed out)' : ''}`,
      );
      if (first.timedOut) await restart();
    }
    const ex = want('export') ? await exportBench(conn.ctx, Number(values['export-rows']), timeoutMs) : { firstMs: NaN, exportRate: NaN, plainRate: NaN };
    extra.exportFirstRowMs = ex.firstMs;
    extra.exportRate = ex.exportRate;
    extra.plainRate = ex.plainRate;
    if (want('export'))
      console.log(
        `export activity_events by ts desc: first row ${ex.firstMs.toFixed(0)} ms; ${ex.exportRate.toFixed(0)} rows/s vs plain cursor ${ex.plainRate.toFixed(0)} docs/s (${(ex.exportRate / ex.plainRate).toFixed(2)}×)`,
      );
    if (want('export') && ex.firstMs >= timeoutMs) await restart();
    extra.insertRate = want('insert') ? await insertBench(conn.ctx.db, Number(values['insert-docs']), baseline ? 'constraints' : 'embedded') : NaN;
    if (want('insert'))
      console.log(
        `insertMany of activity events (500 per call, ${baseline ? 'unique indexes only, as before' : 'the embedded index policy'}): ${extra.insertRate.toFixed(0)} docs/s`,
      );
  } finally {
    await conn.client.close(true).catch(() => undefined);
    await engine.stop();
  }
  return { out, extra };
}

const runs = Number(values.runs);
const patched = await runEngine('patched engine (this build)', false, runs, 60_000);
if (!values['no-baseline']) {
  const base = await runEngine(
    'baseline engine (before the pushdown patches)',
    true,
    Number(values['baseline-runs']),
    Number(values['baseline-timeout']) * 1000,
  );
  console.log('\n== ratio (baseline p50 / patched p50)');
  console.log(`| shape | patched p50 / p95 (ms) | baseline p50 (ms) | ratio |\n|---|---|---|---|`);
  for (const [k, v] of Object.entries(patched.out)) {
    const b = base.out[k];
    const bs = b ? `${b.timedOut ? '> ' : ''}${b.p50.toFixed(0)}` : '—';
    console.log(
      `| ${k} | ${v.p50.toFixed(0)} / ${v.p95.toFixed(0)} | ${bs} | ${b ? `${b.timedOut ? '> ' : ''}${(b.p50 / Math.max(v.p50, 0.5)).toFixed(1)}×` : '—'} |`,
    );
  }
  console.log(
    `| export: first row (ms) | ${patched.extra.exportFirstRowMs!.toFixed(0)} | ${base.extra.exportFirstRowMs!.toFixed(0)} | ${(base.extra.exportFirstRowMs! / patched.extra.exportFirstRowMs!).toFixed(1)}× |`,
  );
  console.log(
    `| export rows/s (vs plain cursor) | ${patched.extra.exportRate!.toFixed(0)} (${(patched.extra.exportRate! / patched.extra.plainRate!).toFixed(2)}×) | ${base.extra.exportRate!.toFixed(0)} (${(base.extra.exportRate! / base.extra.plainRate!).toFixed(2)}×) | |`,
  );
  console.log(
    `| insertMany docs/s | ${patched.extra.insertRate!.toFixed(0)} | ${base.extra.insertRate!.toFixed(0)} | ${(patched.extra.insertRate! / base.extra.insertRate!).toFixed(2)}× |`,
  );
}
process.exit(0);
