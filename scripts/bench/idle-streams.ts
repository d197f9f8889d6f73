/**
 * What open live subscriptions cost the app while nothing happens (issue 16): opens `--subs` SSE streams
 * (GET /api/trpc/live.events) with real session cookies, waits until all said hello, then measures the app's
 * CPU (user + system from /proc) over `--seconds` of idle time, and reports it per stream and as a share
 * of one core. Loopback only.
 *
 *   BASE_URL=… MONGODB_URI=… MONGODB_DB=… NEXTAUTH_SECRET=… npx tsx scripts/bench/idle-streams.ts \
 *     --app-pid <next-server pid> [--subs 1000] [--seconds 30] [--events 30]
 *
 * Then `--events` live events (type `job`, permission `backup.read`, as a backup's progress publishes them) are
 * published one per second through the bus, as another instance would, and the app's CPU over that window is
 * reported per event: what one event costs when a thousand streams are open.
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { makeSessions } from './load-routes';
import { publish } from '../../server/live/bus';
import { cpuSeconds } from './proc-cpu';

const cpuMs = (pid: string | undefined) => cpuSeconds(pid) * 1000;

const { values } = parseArgs({
  options: {
    'app-pid': { type: 'string' },
    subs: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    events: { type: 'string', default: '30' },
    // 'nobody': the events are addressed to an admin that does not exist, so no stream may deliver them
    'events-for': { type: 'string', default: 'backup-readers' },
  },
});
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3171';
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(BASE)) throw new Error('loopback only');
const N = Number(values.subs);
const SECONDS = Number(values.seconds);

const sessions = await makeSessions(10);
const ctrl = new AbortController();
let hello = 0;
let failed = 0;
let bytes = 0;
const path = `/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: undefined }))}`;
const t0 = Date.now();
const c0 = cpuMs(values['app-pid']);
const subs = Array.from({ length: N }, async (_, i) => {
  try {
    const res = await fetch(BASE + path, { headers: { cookie: sessions[i % sessions.length]!.cookie, accept: 'text/event-stream' }, signal: ctrl.signal });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    const reader = res.body.getReader();
    let saidHello = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (!saidHello && new TextDecoder().decode(value).includes('hello')) {
        saidHello = true;
        hello++;
      }
    }
  } catch {
    if (!ctrl.signal.aborted) failed++;
  }
});
while (hello + failed < N && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 200));
const openMs = Date.now() - t0;
const c1 = cpuMs(values['app-pid']);
bytes = 0;
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const c2 = cpuMs(values['app-pid']);
const idleBytes = bytes;
const EVENTS = Number(values.events);
const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
await client.connect();
const db = client.db(process.env.MONGODB_DB ?? 'acube');
bytes = 0;
const c3 = cpuMs(values['app-pid']);
const w0 = Date.now();
for (let i = 0; i < EVENTS; i++) {
  const adminId = values['events-for'] === 'nobody' ? '000000000000000000000000' : null;
  await publish(db, { type: 'job', permission: 'backup.read', adminId, data: { id: 'bench', status: 'running', progress: i / EVENTS } });
  await new Promise((r) => setTimeout(r, 1000));
}
await new Promise((r) => setTimeout(r, 2000));
const c4 = cpuMs(values['app-pid']);
const windowMs = Date.now() - w0;
await client.close();
ctrl.abort();
await Promise.allSettled(subs);
const idleCpu = c2 - c1;
console.log(
  JSON.stringify({
    subs: N,
    hello,
    failed,
    openSeconds: openMs / 1000,
    openCpuMsPerStream: Math.round(((c1 - c0) / Math.max(1, hello)) * 100) / 100,
    idleSeconds: SECONDS,
    idleCpuMs: idleCpu,
    idleCoreShare: Math.round((idleCpu / (SECONDS * 1000)) * 1000) / 1000,
    idleBytesPerStreamPerMin: Math.round((idleBytes / Math.max(1, hello) / SECONDS) * 60),
    events: EVENTS,
    // the window's CPU less what the same time idle costs, per event
    cpuMsPerEvent: EVENTS ? Math.round(((c4 - c3 - (idleCpu * windowMs) / (SECONDS * 1000)) / EVENTS) * 10) / 10 : null,
    eventBytesPerStream: Math.round(bytes / Math.max(1, hello)),
  }),
);
