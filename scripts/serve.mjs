// The production HTTP server (what `npm start` and the browser tests run): Next.js's request handler for
// pages and routes, and tRPC calls served on Node's request objects by the tRPC route module's own
// handler (server/trpc/node-handler.ts) — about two thirds of a cached call's CPU is Next.js's request
// handling (docs/benchmarks.md, issue 16) — and the plain API routes that register a Node handler (POST
// /api/events: server/http/node-route.ts) the same way. Also what `next start` does not offer: a listen backlog and a
// keep-alive timeout of our choosing.
//
//   node scripts/serve.mjs [-p PORT] [-H HOST]      (env: PORT, HOSTNAME, HTTP_BACKLOG, HTTP_KEEPALIVE_MS)
//
// `next start` still works and serves the same app; it only lacks the faster tRPC path.
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { securityHeaders } from '../next.config.js';

process.env.NODE_ENV ??= 'production';
const { default: next } = await import('next');
const ROOT = path.join(import.meta.dirname, '..');

const { values } = parseArgs({
  options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME ?? '0.0.0.0';
const intEnv = (name, fallback, min, max) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return n;
};
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Not a port: ${values.port ?? process.env.PORT}`);
const backlog = intEnv('HTTP_BACKLOG', 4096, 1, 65535);
const keepAliveMs = intEnv('HTTP_KEEPALIVE_MS', 65_000, 1_000, 600_000);

// The headers next.config.js gives a path's answers (the same rules, applied to the one path).
function headersOf(probe) {
  const out = new Map();
  for (const rule of securityHeaders()) {
    const re = new RegExp(`^${rule.source.replace(':path*', '.*').replace(/:path\((.*)\)/, '$1')}$`);
    if (re.test(probe)) for (const h of rule.headers) out.set(h.key.toLowerCase(), { key: h.key, value: h.value });
  }
  return [...out.values()];
}
const TRPC_HEADERS = headersOf('/api/trpc/x');
const routeHeaders = new Map(); // path -> headers, for the paths of registered routes only

const HANDLER = Symbol.for('acube.trpcNodeHandler');
// Plain API routes that registered a Node handler (server/http/node-route.ts; today POST /api/events).
const ROUTES = Symbol.for('acube.nodeRoutes');
const app = next({ dev: false, dir: ROOT, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer(async (req, res) => {
  try {
    const url = req.url ?? '/';
    if (url.startsWith('/api/trpc/')) {
      const direct = globalThis[HANDLER];
      if (direct && (await direct(req, res, TRPC_HEADERS))) return;
    } else if (url.startsWith('/api/')) {
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      const route = globalThis[ROUTES]?.get(pathname);
      if (route) {
        let headers = routeHeaders.get(pathname);
        if (!headers) routeHeaders.set(pathname, (headers = headersOf(pathname)));
        if (await route(req, res, headers)) return;
      }
    }
    await handle(req, res);
  } catch (e) {
    console.error('[serve]', e);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end('Internal Server Error');
    } else res.destroy();
  }
});
server.keepAliveTimeout = keepAliveMs;
server.headersTimeout = keepAliveMs + 5_000;
server.listen({ port, host: hostname, backlog }, () => {
  console.log(`[serve] ready on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port} (backlog ${backlog}, keep-alive ${keepAliveMs} ms)`);
});
const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
