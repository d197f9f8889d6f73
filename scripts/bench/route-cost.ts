/**
 * CPU cost per request of each load-test route (issue 16): each route alone with `--connections` for
 * `--seconds`, reporting requests/s and the CPU (user + system, from /proc) that the app and the database
 * server spent per request. Where the 1,000-user mix spends its time, route by route.
 *
 *   BASE_URL=… MONGODB_URI=… MONGODB_DB=… NEXTAUTH_SECRET=… npx tsx scripts/bench/route-cost.ts \
 *     --app-pid <next-server pid> --db-pid <ferretdb pid> [--seconds 6] [--connections 10] [--only a,b]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadRoutes, makeSessions } from './load-routes';
import { cpuSeconds } from './proc-cpu';

const cpuMs = (pid: string | undefined) => cpuSeconds(pid) * 1000;

const { values } = parseArgs({
  options: {
    'app-pid': { type: 'string' },
    'db-pid': { type: 'string' },
    seconds: { type: 'string', default: '6' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
});
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3171';
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(BASE)) throw new Error('loopback only');

const sessions = await makeSessions(2);
const routes = loadRoutes();
const only = values.only?.split(',');
const out: Record<string, unknown> = {};
for (const [name, r] of Object.entries(routes)) {
  if (only && !only.includes(name)) continue;
  const users = sessions.filter((s) => r.roles.includes(s.role));
  let i = 0;
  const a0 = cpuMs(values['app-pid']);
  const d0 = cpuMs(values['db-pid']);
  const res = await autocannon({
    url: BASE,
    connections: Number(values.connections),
    duration: Number(values.seconds),
    timeout: 30,
    requests: [
      { setupRequest: (req: autocannon.Request) => ({ ...req, method: 'GET', path: r.path, headers: { cookie: users[i++ % users.length]!.cookie } }) },
    ],
  } as autocannon.Options);
  const n = res.requests.total || 1;
  const row = {
    perSecond: Math.round(res.requests.average),
    p50: (res.latency as unknown as Record<string, number>).p50,
    appMsPerRequest: +((cpuMs(values['app-pid']) - a0) / n).toFixed(2),
    dbMsPerRequest: +((cpuMs(values['db-pid']) - d0) / n).toFixed(2),
    non2xx: res.non2xx,
  };
  out[name] = row;
  console.error(name, JSON.stringify(row));
}
console.log(JSON.stringify(out, null, 2));
