/**
 * Load test (issue 16): many concurrent signed-in operators of mixed roles against a running server of the
 * production build — `node scripts/serve.mjs` (what `npm start` runs) or plain `next start` — plus open live
 * subscriptions (SSE), on loopback, bounded in time. Numbers go in docs/benchmarks.md.
 *
 *   BASE_URL=http://127.0.0.1:3171 MONGODB_URI=… MONGODB_DB=… NEXTAUTH_SECRET=… \
 *     npx tsx scripts/bench/load.ts [--users 1000] [--subs 1000] [--seconds 20] [--per-route 6]
 *
 * Sessions: real NextAuth session cookies (JWT, encoded with the server's NEXTAUTH_SECRET by next-auth's
 * own encode()) for operators created in the target database, OPERATORS per built-in role, so that a
 * thousand users do not need a thousand argon2 sign-ins (the sign-in path has its own rate limits and
 * is not what this measures). The server checks every cookie against the admins collection as usual.
 *
 * Phases: (1) open the subscriptions (GET /api/trpc/live.events, text/event-stream) and keep them open;
 * (2) autocannon with `--users` connections, each connection one operator, cycling through a read mix
 * (dashboard list + widgets, search pages, analytics summary, audit page, backups list, me); (3) each
 * route alone for `--per-route` seconds with `--route-connections` (default 50) (autocannon has no per-request-kind latency); (4) one audit
 * event, counting how many open subscriptions receive it within 10 s. Reports JSON to stdout.
 *
 * People, not a closed loop: `--think MS` replaces phase (2) with `--users` virtual operators who each
 * open a page (one request of their role's mix, in random order), read it for a think time drawn
 * uniformly from 0.5–1.5 × MS, and go on, for `--seconds`; latency is kept per route (p50/p95/p99),
 * with errors and non-2xx. Autocannon's closed loop (each of 1,000 connections sends its next request
 * the moment the last answers) is 1,000 requests always in flight, which is not 1,000 people at a
 * console; both are reported. With METRICS_TOKEN (the server's), /api/metrics is sampled every 15 s
 * for the soak: resident memory, heap, MongoDB pool connections (`--seconds 600` is the 10-minute soak).
 */
import autocannon from 'autocannon';
import { makeSessions, ROUTES, withMember, type Sess } from './load-routes';
import type { BuiltinRole } from '../../server/permissions';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const USERS = arg('users', 1000);
const SUBS = arg('subs', 1000);
const SECONDS = arg('seconds', 20);
const PER_ROUTE = arg('per-route', 6);
const OPERATORS = arg('operators', 10); // per role
const ROUTE_CONNS = arg('route-connections', 50);
const EVENT_WAIT_MS = 10_000;
const THINK_MS = arg('think', 0);
const METRICS_TOKEN = process.env.METRICS_TOKEN ?? '';
// BASE_URL may list several instances (comma-separated): each person and each subscription sticks to one, as
// behind a sticky load balancer; the backup, the metrics samples and the phases after (2) use the first.
const BASES = (process.env.BASE_URL ?? 'http://127.0.0.1:3171').split(',').map((b) => b.trim());
const BASE = BASES[0]!;
const baseFor = (i: number) => BASES[i % BASES.length]!;
if (!process.env.NEXTAUTH_SECRET) throw new Error('NEXTAUTH_SECRET must be the server’s');
if (!BASES.every((b) => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(b))) throw new Error('loopback only');

function pct(h: autocannon.Histogram | undefined, p: 'p50' | 'p97_5' | 'p99') {
  return h ? (h as unknown as Record<string, number>)[p] : null;
}

function summary(r: autocannon.Result) {
  const l = r.latency as unknown as Record<string, number>;
  return {
    seconds: r.duration,
    requests: r.requests.total,
    throughputPerSec: r.requests.average,
    latencyMs: { p50: l.p50, p90: l.p90, p97_5: l.p97_5, p99: l.p99, max: l.max, mean: l.mean },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

async function openSubscriptions(sessions: Sess[], n: number) {
  const ctrl = new AbortController();
  const state = { open: 0, hello: 0, failed: 0, armed: false, received: new Set<number>() };
  const path = `/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: undefined }))}`;
  const subs = Array.from({ length: n }, async (_, i) => {
    const s = sessions[i % sessions.length];
    const url = baseFor(i) + path;
    try {
      const res = await fetch(url, { headers: { cookie: s.cookie, accept: 'text/event-stream' }, signal: ctrl.signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      state.open++;
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        if (buf.includes('"hello"') && !buf.includes('__counted')) {
          state.hello++;
          buf = '__counted';
        }
        if (state.armed && buf.includes('"type":"audit"')) state.received.add(i);
        if (!state.armed && buf.length > 1000) buf = '__counted';
        if (buf.length > 100_000) buf = '__counted';
      }
    } catch (e) {
      if (!ctrl.signal.aborted) state.failed++;
    }
  });
  return { state, close: () => ctrl.abort(), done: Promise.allSettled(subs) };
}

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const a = [...xs].sort((x, y) => x - y);
  return Math.round(a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!);
};

/** Samples the server's /api/metrics (METRICS_TOKEN): memory and MongoDB pool, for the soak. */
async function sampleMetrics() {
  if (!METRICS_TOKEN) return null;
  try {
    const text = await (await fetch(`${BASE}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const get = (name: string) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
      return m ? Number(m[1]) : null;
    };
    const mb = (x: number | null) => (x === null ? null : Math.round(x / 1e5) / 10);
    return {
      at: new Date().toISOString(),
      rssMB: mb(get('process_resident_memory_bytes')),
      heapUsedMB: mb(get('nodejs_heap_size_used_bytes')),
      poolConnections: get('acube_mongodb_pool_connections'),
      poolCheckedOut: get('acube_mongodb_pool_connections_checked_out'),
    };
  } catch {
    return null;
  }
}

/** `--users` people with think time (see the header): per-route latency, errors, and metric samples. */
async function people(sessions: Sess[], mixRoutes: (role: BuiltinRole) => string[]) {
  const names = new Map(Object.entries(ROUTES).map(([k, r]) => [r.path, k]));
  const lat = new Map<string, number[]>();
  const status = new Map<string, number>();
  let errors = 0;
  const began = Date.now();
  const end = began + SECONDS * 1000;
  // per 10 s of start time: requests, answered in more than 1 s, failed (when the slow ones happen)
  const timeline = new Map<number, { n: number; over1s: number; failed: number }>();
  const mark = (startedAt: number, ms: number | null) => {
    const k = Math.floor((startedAt - began) / 10_000) * 10;
    const b = timeline.get(k) ?? { n: 0, over1s: 0, failed: 0 };
    b.n++;
    if (ms === null) b.failed++;
    else if (ms > 1_000) b.over1s++;
    timeline.set(k, b);
  };
  const samples = [await sampleMetrics()];
  const sampler = setInterval(() => void sampleMetrics().then((m) => samples.push(m)), 15_000);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const user = async (i: number) => {
    const s = sessions[i % sessions.length]!;
    const routes = mixRoutes(s.role);
    const weights = routes.map((p) => ROUTES[names.get(p)!]!.weight ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const pick = () => {
      let r = Math.random() * total;
      for (let k = 0; k < routes.length; k++) if ((r -= weights[k]!) < 0) return routes[k]!;
      return routes[routes.length - 1]!;
    };
    await sleep(Math.random() * THINK_MS); // arrivals spread over one think time, not all at once
    while (Date.now() < end) {
      const path = pick();
      const t = performance.now();
      const startedAt = Date.now();
      try {
        const res = await fetch(baseFor(i) + withMember(path), { headers: { cookie: s.cookie }, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        // a browser keeps the renewed session cookie (NextAuth renews it; server/auth/token.ts)
        const renewed = res.headers.getSetCookie().find((c) => c.startsWith('next-auth.session-token='));
        if (renewed) s.cookie = renewed.split(';', 1)[0]!;
        const name = names.get(path)!;
        if (!lat.has(name)) lat.set(name, []);
        lat.get(name)!.push(performance.now() - t);
        mark(startedAt, performance.now() - t);
        status.set(String(res.status), (status.get(String(res.status)) ?? 0) + 1);
      } catch {
        errors++;
        mark(startedAt, null);
      }
      await sleep(THINK_MS * (0.5 + Math.random()));
    }
  };
  // one backup, started by a super admin half way through (it runs in the server beside the page views)
  const sa = sessions.find((x) => x.role === 'super_admin')!;
  let backup: { status: number; ms: number } | null = null;
  const backupTimer = setTimeout(
    () => {
      const t = performance.now();
      void fetch(`${BASE}/api/trpc/backup.create`, {
        method: 'POST',
        headers: { cookie: sa.cookie, 'content-type': 'application/json', origin: BASE },
        body: JSON.stringify({ json: { note: 'load test' } }),
      })
        .then((r) => (backup = { status: r.status, ms: Math.round(performance.now() - t) }))
        .catch(() => (backup = { status: 0, ms: Math.round(performance.now() - t) }));
    },
    (SECONDS * 1000) / 2,
  );
  await Promise.all(Array.from({ length: USERS }, (_, i) => user(i)));
  clearTimeout(backupTimer);
  clearInterval(sampler);
  samples.push(await sampleMetrics());
  const all = [...lat.values()].flat();
  const perRoute = Object.fromEntries(
    [...lat].map(([k, xs]) => [k, { requests: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99) }]),
  );
  return {
    users: USERS,
    thinkMs: THINK_MS,
    seconds: SECONDS,
    requests: all.length,
    perSecond: Math.round(all.length / SECONDS),
    latencyMs: { p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99), max: percentile(all, 100) },
    statuses: Object.fromEntries(status),
    errors,
    backup,
    perRoute,
    timeline: Object.fromEntries([...timeline].sort((a, b) => a[0] - b[0])),
    metrics: samples.filter(Boolean),
  };
}

async function run() {
  const sessions = await makeSessions(OPERATORS);
  if (process.argv.includes('--check')) {
    // one request per route and role: statuses and times, to check the mix before loading it
    for (const [name, r] of Object.entries(ROUTES)) {
      for (const role of r.roles) {
        const s = sessions.find((x) => x.role === role)!;
        const t = Date.now();
        const res = await fetch(BASE + r.path, { headers: { cookie: s.cookie } });
        const body = await res.text();
        console.log(name, role, res.status, `${Date.now() - t} ms`, res.status === 200 ? '' : body.slice(0, 200));
      }
    }
    return;
  }
  const mem0 = await (await fetch(`${BASE}/api/health`)).json().catch(() => null);
  console.error(`[load] ${sessions.length} operators; opening ${SUBS} subscriptions`);
  const subs = await openSubscriptions(sessions, SUBS);
  const t0 = Date.now();
  while (subs.state.hello < SUBS && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 250));
  const subsOpenMs = Date.now() - t0;
  console.error(`[load] subscriptions: ${subs.state.hello} greeted, ${subs.state.failed} failed in ${subsOpenMs} ms`);

  // (2) the mix: each connection is one operator (a role's routes only), cycling through them
  const mixRoutes = (role: BuiltinRole) =>
    Object.values(ROUTES)
      .filter((r) => r.roles.includes(role))
      .map((r) => r.path);
  if (THINK_MS > 0) {
    console.error(`[load] ${USERS} people, think time ${THINK_MS} ms, for ${SECONDS} s`);
    const ppl = await people(sessions, mixRoutes);
    subs.close();
    await subs.done;
    console.log(
      JSON.stringify(
        { base: BASE, subscriptions: { requested: SUBS, greeted: subs.state.hello, failed: subs.state.failed, openMs: subsOpenMs }, people: ppl },
        null,
        2,
      ),
    );
    return;
  }
  let nextSession = 0;
  console.error(`[load] mixed: ${USERS} connections for ${SECONDS} s`);
  const mixed = await autocannon({
    url: BASE,
    connections: USERS,
    duration: SECONDS,
    timeout: 30,
    initialContext: {},
    requests: [
      {
        setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => {
          if (!context.s) context.s = sessions[nextSession++ % sessions.length];
          const s = context.s as Sess;
          const routes = mixRoutes(s.role);
          const k = ((context.k as number) ?? Math.floor(Math.random() * routes.length)) % routes.length;
          context.k = k + 1;
          return { ...req, method: 'GET', path: routes[k], headers: { cookie: s.cookie } };
        },
      },
    ],
  } as autocannon.Options);

  // (3) per route, each alone
  const perRoute: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(ROUTES)) {
    const users = sessions.filter((s) => r.roles.includes(s.role));
    let i = 0;
    const res = await autocannon({
      url: BASE,
      connections: ROUTE_CONNS,
      duration: PER_ROUTE,
      timeout: 30,
      requests: [
        { setupRequest: (req: autocannon.Request) => ({ ...req, method: 'GET', path: r.path, headers: { cookie: users[i++ % users.length].cookie } }) },
      ],
    } as autocannon.Options);
    perRoute[name] = summary(res);
    console.error(`[load] ${name}: p50 ${pct(res.latency, 'p50')} ms, p99 ${pct(res.latency, 'p99')} ms, ${res.requests.average}/s, non2xx ${res.non2xx}`);
  }

  // (4) one audited mutation (a super admin marks notifications read): every subscriber holding audit.read
  // (super_admin and admin operators) should receive its audit event
  const audience = Array.from({ length: SUBS }, (_, i) => sessions[i % sessions.length]).filter((s) => s.role === 'super_admin' || s.role === 'admin').length;
  subs.state.armed = true;
  const sa = sessions.find((s) => s.role === 'super_admin')!;
  const mut = await fetch(`${BASE}/api/trpc/notifications.markRead`, {
    method: 'POST',
    headers: { cookie: sa.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ json: { all: true } }),
  });
  console.error(`[load] marker mutation: HTTP ${mut.status}`);
  const t1 = Date.now();
  await new Promise((r) => setTimeout(r, EVENT_WAIT_MS));
  const stillOpen = subs.state.open - subs.state.failed;
  subs.close();
  await subs.done;

  console.log(
    JSON.stringify(
      {
        base: BASE,
        operators: sessions.length,
        users: USERS,
        subscriptions: {
          requested: SUBS,
          greeted: subs.state.hello,
          failed: subs.state.failed,
          openAfterLoad: stillOpen,
          openMs: subsOpenMs,
          eventAudience: audience,
          eventReceivedWithin10s: subs.state.received.size,
          eventSentAt: new Date(t1).toISOString(),
        },
        mixed: summary(mixed),
        perRoute,
        health: mem0,
      },
      null,
      2,
    ),
  );
}

run().catch((e) => {
  console.error(e);
  process.exit(1);
});
