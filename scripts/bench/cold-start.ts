/**
 * Cold start (issue 12, round 6): what a person waits for right after a deploy. Starts the production build
 * (`next start`), polls GET /api/ready until it answers 200, then opens, as a signed-in super admin and then
 * as an analyst, the dashboard (the page, `me`, `dashboard.list`, then every widget of the role at once, as
 * the page does), the analytics page (the page, then each view with its default range, one after the
 * other, as a person clicking through the tabs) and the search page (the page, `search.collections`, the
 * first page of the first collection); then, as the super admin only (round 7), the audit log (the page, the
 * action names and the first page, then each filter once: actor, action, last 7 days) and the backups page (the
 * page, then the stats, list, jobs and schedule it asks for). Prints time to ready and, per request, its latency and when it
 * answered counted from the process start; with `--runs N`, each run is a fresh process and the medians
 * are printed at the end. Bounded in time: every request has a timeout, every run a deadline, and the
 * server is stopped after each run (and on Ctrl-C).
 *
 *   NEXTAUTH_SECRET=… MONGODB_URI=mongodb://127.0.0.1:27182 MONGODB_DB=acube_bench \
 *     npx tsx scripts/bench/cold-start.ts [--dist .next-test] [--port 3312] [--runs 3] [--request-timeout 90] \
 *     [--run-deadline 300] [--settle 0] [--json out.json]
 *
 * Sessions: real NextAuth cookies for operators created in the target database (load-routes.ts, as the load
 * test). The server runs with the env the other benchmarks give `next start` (ACUBE_EMBEDDED=1, loopback URL,
 * MESSAGING_WORKER=off so no mail is attempted, BACKUP_SCHEDULER=off so no nightly backup of the whole database
 * starts inside a run); the maintenance scheduler stays on (its start-up runs are part of a start), as in a deploy.
 * Widgets that report when their figures were computed (`computedAt`) have that age printed beside them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { makeSessions, type Sess } from './load-routes';

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: '.next-test' },
    port: { type: 'string', default: '3312' },
    runs: { type: 'string', default: '1' },
    'request-timeout': { type: 'string', default: '90' },
    'run-deadline': { type: 'string', default: '300' },
    'ready-timeout': { type: 'string', default: '180' },
    /** seconds to wait after ready before the first page (0: a person who was already waiting) */
    settle: { type: 'string', default: '0' },
    json: { type: 'string' },
    log: { type: 'string' },
  },
});
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const RUNS = Math.max(1, Number(values.runs));
const REQ_TIMEOUT_MS = Number(values['request-timeout']) * 1000;
const RUN_DEADLINE_MS = Number(values['run-deadline']) * 1000;
const READY_TIMEOUT_MS = Number(values['ready-timeout']) * 1000;
const SETTLE_MS = Number(values.settle) * 1000;
const SECRET = process.env.NEXTAUTH_SECRET ?? '';
if (!SECRET) throw new Error('NEXTAUTH_SECRET: any string of 32+ characters; the server is started with it');
const DIST = values.dist!;
if (!fs.existsSync(path.join(DIST, 'BUILD_ID'))) throw new Error(`${DIST}/BUILD_ID missing: NEXT_DIST_DIR=${DIST} NODE_ENV=production npx next build`);

const enc = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));
const trpcPath = (proc: string, input?: unknown) => `/api/trpc/${proc}${input === undefined ? '' : `?input=${enc(input)}`}`;
const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Sample {
  run: number;
  role: string;
  name: string;
  status: number | 'timeout' | 'error';
  ms: number;
  /** ms from the process start to the answer */
  atMs: number;
  /** a widget's reported computedAt, as an age in seconds at the answer */
  ageS?: number | null;
  note?: string;
}

/** The server of the run in progress (stopped on Ctrl-C). */
let current: ChildProcess | null = null;

function startServer(logFile: string): { child: ChildProcess; t0: number } {
  const out = fs.openSync(logFile, 'a');
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(PORT), '-H', '127.0.0.1'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_DIST_DIR: DIST,
      NEXTAUTH_URL: BASE,
      NEXTAUTH_SECRET: SECRET,
      ACUBE_EMBEDDED: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      MESSAGING_WORKER: process.env.MESSAGING_WORKER ?? 'off',
      // a scheduled backup of the whole database would start in any run that spans its time
      BACKUP_SCHEDULER: process.env.BACKUP_SCHEDULER ?? 'off',
    },
    stdio: ['ignore', out, out],
    detached: true, // its own process group: stopped as a whole
  });
  return { child, t0 };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 8_000);
  await gone;
  clearTimeout(t);
}

async function get(pathname: string, cookie: string | null, timeoutMs: number): Promise<{ status: number | 'timeout' | 'error'; ms: number; body: unknown }> {
  const t = performance.now();
  try {
    const r = await fetch(BASE + pathname, {
      headers: cookie ? { cookie } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await r.text();
    let body: unknown = null;
    if ((r.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    return { status: r.status, ms: performance.now() - t, body };
  } catch (e) {
    const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return { status: timeout ? 'timeout' : 'error', ms: performance.now() - t, body: null };
  }
}

/** `result.data.json` of a tRPC answer (superjson). */
function trpcData(body: unknown): Record<string, unknown> | null {
  const d = (body as { result?: { data?: { json?: unknown } } } | null)?.result?.data?.json;
  return d && typeof d === 'object' ? (d as Record<string, unknown>) : null;
}

async function oneRun(run: number, sessions: Sess[], logFile: string): Promise<{ readyMs: number | null; samples: Sample[] }> {
  const samples: Sample[] = [];
  const { child, t0 } = startServer(logFile);
  current = child;
  const since = () => performance.now() - t0;
  const deadline = t0 + RUN_DEADLINE_MS;
  const left = () => Math.max(1_000, Math.min(REQ_TIMEOUT_MS, deadline - performance.now()));
  try {
    // 1. ready
    let readyMs: number | null = null;
    while (since() < READY_TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}); see ${logFile}`);
      const r = await get('/api/ready', null, 2_000);
      if (r.status === 200) {
        readyMs = since();
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    if (readyMs === null) return { readyMs, samples };
    if (SETTLE_MS) await new Promise((res) => setTimeout(res, SETTLE_MS));

    const record = async (role: string, name: string, p: string, cookie: string, extra?: (data: Record<string, unknown> | null) => Partial<Sample>) => {
      if (performance.now() > deadline) {
        samples.push({ run, role, name, status: 'timeout', ms: NaN, atMs: since(), note: 'run deadline' });
        return null;
      }
      const r = await get(p, cookie, left());
      const data = trpcData(r.body);
      const s: Sample = { run, role, name, status: r.status, ms: r.ms, atMs: since(), ...(extra?.(data) ?? {}) };
      samples.push(s);
      return data;
    };

    for (const role of ['super_admin', 'analyst'] as const) {
      const sess = sessions.find((s) => s.role === role);
      if (!sess) throw new Error(`no session for ${role}`);
      const c = sess.cookie;
      // Dashboard: the page, then its queries; each widget is its own request, all at once (components/dashboard/home.tsx).
      await record(role, 'page /', '/', c);
      const [, list] = await Promise.all([record(role, 'me.get', trpcPath('me.get'), c), record(role, 'dashboard.list', trpcPath('dashboard.list'), c)]);
      const keys = Array.isArray(list) ? (list as { key: string }[]).map((w) => w.key) : [];
      await Promise.all(
        keys.map((key) =>
          record(role, `widget ${key}`, trpcPath('dashboard.widget', { key }), c, (d) => {
            const at = d?.computedAt;
            const age = typeof at === 'string' || at instanceof Date ? Math.round((Date.now() - new Date(at).getTime()) / 1000) : null;
            const data = (d?.data ?? null) as { cohortPending?: boolean; cohortAsOf?: string | null } | null;
            const note =
              d && d.ok === false
                ? 'widget error'
                : data?.cohortPending
                  ? 'cohort computing…'
                  : data?.cohortAsOf
                    ? `sign-ups as of ${Math.round((Date.now() - new Date(data.cohortAsOf).getTime()) / 1000)} s ago`
                    : undefined;
            return { ageS: age, note };
          }),
        ),
      );
      // Analytics: the page, then each view with the page's default range (components/analytics/url-state.ts).
      const now = Date.now();
      const range = { from: utcDay(now - 83 * DAY), to: utcDay(now), interval: 'week', event: null };
      await record(role, 'page /analytics', '/analytics', c);
      await record(role, 'analytics.activeUsers', trpcPath('analytics.activeUsers', range), c);
      await record(role, 'analytics.retention', trpcPath('analytics.retention', { ...range, mode: 'first_time', criterion: 'on' }), c);
      await record(role, 'analytics.lifecycle', trpcPath('analytics.lifecycle', range), c);
      await record(role, 'analytics.stickiness', trpcPath('analytics.stickiness', range), c);
      await record(role, 'analytics.featureUsage', trpcPath('analytics.featureUsage', range), c);
      await record(
        role,
        'analytics.atRisk',
        trpcPath('analytics.atRisk', { asOf: range.to, event: null, sort: 'score', dir: 'desc', page: 1, pageSize: 50 }),
        c,
      );
      // Search: the page, its collection list, the first page of the first collection (what "Search" runs).
      await record(role, 'page /search', '/search', c);
      const cols = await record(role, 'search.collections', trpcPath('search.collections'), c);
      const first = Array.isArray(cols) ? (cols as { key: string }[])[0]?.key : undefined;
      if (first) await record(role, `search.query ${first}`, trpcPath('search.query', { collection: first, page: 1, pageSize: 50 }), c);
      if (role !== 'super_admin') continue; // the analyst has neither the audit log nor backups
      // Audit log (components/audit/audit-log.tsx): the page, then at once the action names (the Action field's
      // list) and the first page (an infinite query: cursor null, 50 entries); then each filter once, as a person
      // applying it from the form: actor (an operator's email), action, last 7 days (the From date's day start).
      await record(role, 'page /audit', '/audit', c);
      const auditPage = (f: Record<string, unknown>) => trpcPath('audit.list', { ...f, limit: 50, cursor: null });
      await Promise.all([record(role, 'audit.actions', trpcPath('audit.actions'), c), record(role, 'audit.list first page', auditPage({}), c)]);
      if (auditActor) await record(role, 'audit.list actor', auditPage({ actor: auditActor }), c);
      await record(role, 'audit.list action', auditPage({ action: 'backup.create' }), c);
      const weekAgo = new Date(`${utcDay(Date.now() - 6 * DAY)}T00:00:00.000Z`).toISOString();
      await record(role, 'audit.list last 7 days', auditPage({ from: weekAgo }), c);
      // Backups (components/backups/backups-page.tsx and its panels): the page, then at once the stats panel,
      // the backup list (100), the jobs panel and the schedule panel.
      await record(role, 'page /backups', '/backups', c);
      await Promise.all([
        record(role, 'backup.stats', trpcPath('backup.stats'), c),
        record(role, 'backup.list', trpcPath('backup.list', { limit: 100 }), c),
        record(role, 'backup.jobs', trpcPath('backup.jobs'), c),
        record(role, 'backup.schedule.get', trpcPath('backup.schedule.get'), c),
      ]);
    }
    return { readyMs, samples };
  } finally {
    await stopServer(child);
    current = null;
  }
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const fmt = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');

/** An operator's email that the audit log has entries of (the actor filter), read before the runs. */
let auditActor: string | null = null;
async function findAuditActor(): Promise<string | null> {
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  try {
    const db = client.db(process.env.MONGODB_DB ?? 'acube');
    const one = await db.collection('audit_logs').findOne({ actorEmail: { $gt: '' } }, { projection: { actorEmail: 1 } });
    return typeof one?.actorEmail === 'string' ? one.actorEmail : null;
  } finally {
    await client.close();
  }
}

async function main() {
  const sessions = (await makeSessions(1)).filter((s) => s.role === 'super_admin' || s.role === 'analyst');
  auditActor = await findAuditActor();
  const logFile = values.log ?? path.join('.data', `cold-start-${PORT}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      if (current?.pid && current.exitCode === null) process.kill(-current.pid, 'SIGKILL');
      process.exit(130);
    });
  const runs: { readyMs: number | null; samples: Sample[] }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await oneRun(run, sessions, logFile);
    runs.push(r);
    console.error(`run ${run}: ready after ${fmt(r.readyMs ?? NaN)} ms`);
    for (const s of r.samples)
      console.error(
        `  ${s.role.padEnd(11)} ${s.name.padEnd(28)} ${String(s.status).padStart(7)} ${fmt(s.ms).padStart(8)} ms  answered at ${fmt(s.atMs).padStart(8)} ms${
          s.ageS !== undefined ? `  computedAt age ${s.ageS === null ? '—' : `${s.ageS} s`}` : ''
        }${s.note ? `  (${s.note})` : ''}`,
      );
  }
  // Medians over the runs, per (role, request).
  const keys = [...new Set(runs.flatMap((r) => r.samples.map((s) => `${s.role}\t${s.name}`)))];
  const table = keys.map((k) => {
    const [role, name] = k.split('\t') as [string, string];
    const of = runs.map((r) => r.samples.find((s) => s.role === role && s.name === name)).filter((s): s is Sample => !!s);
    return {
      role,
      name,
      msMedian: median(of.map((s) => s.ms)),
      msMax: Math.max(...of.map((s) => s.ms)),
      atMedian: median(of.map((s) => s.atMs)),
      statuses: [...new Set(of.map((s) => String(s.status)))].join(','),
    };
  });
  const readyMedian = median(runs.map((r) => r.readyMs ?? NaN));
  console.log(`time to ready (median of ${RUNS}): ${fmt(readyMedian)} ms  [${runs.map((r) => fmt(r.readyMs ?? NaN)).join(' · ')}]`);
  console.log('role        request                      status  median ms    max ms  answered at (median, ms from start)');
  for (const t of table)
    console.log(
      `${t.role.padEnd(11)} ${t.name.padEnd(28)} ${t.statuses.padStart(6)} ${fmt(t.msMedian).padStart(10)} ${fmt(t.msMax).padStart(9)} ${fmt(t.atMedian).padStart(12)}`,
    );
  if (values.json) fs.writeFileSync(values.json, JSON.stringify({ readyMs: runs.map((r) => r.readyMs), table, runs }, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
