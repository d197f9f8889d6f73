/**
 * A plain API route on Node's own request and response objects, beside Next.js's route handler (issue 12,
 * ingestion round 7). `scripts/serve.mjs` (what `npm start` runs) looks the request's path up in the table
 * below and, when a route module has registered itself there, runs that module's own handler — the same
 * function Next.js would call (`defineRoute`: method, API key or session, budget, metrics, the same answers) —
 * with a real `Request` built from the Node request, and writes the `Response` back. What is skipped is only
 * Next.js's request handling around it. Registered by the route module when Next.js loads it, so both paths
 * share one instance of every module (caches, the rollup queue, metrics); until then, and under plain
 * `next start`, the route goes through Next.js as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const NODE_ROUTES = Symbol.for('acube.nodeRoutes');

/** Headers every answer of the path gets (the rules next.config.js applies to it), given by the server. */
export type HeaderList = ReadonlyArray<{ key: string; value: string }>;

/** Serves one request; false when it is not this route's to serve (the server then hands it to Next.js). */
export type NodeRouteHandler = (req: IncomingMessage, res: ServerResponse, headers: HeaderList) => Promise<boolean>;

type RouteFn = (req: Request) => Promise<Response>;

/** The Node request as a fetch `Request` (headers as received, including the client-address hook's). */
export async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const method = req.method ?? 'GET';
  // From req.headers, as Next.js builds its Request: the client-address hook (server/auth/client-ip.ts) rewrites
  // those, not rawHeaders.
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string') headers.set(k, v);
    else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
  }
  // The body as a stream, as Next.js passes it: the route reads it only after its own checks (a Content-Length
  // over its limit is refused before a byte of the body is held in memory).
  const body = method !== 'GET' && method !== 'HEAD' ? (Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>) : undefined;
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body, signal, duplex: 'half' };
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, init);
}

/** Writes a fetch `Response` to the Node response, after the path's own headers. */
export async function writeResponse(response: Response, res: ServerResponse, headers: HeaderList): Promise<void> {
  for (const { key, value } of headers) res.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') res.setHeader(key, value);
  });
  if (cookies.length) res.setHeader('set-cookie', cookies);
  res.statusCode = response.status;
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
}

function serveWith(route: RouteFn, method: string): NodeRouteHandler {
  return async (req, res, headers) => {
    if (req.method !== method) return false; // other methods: Next.js answers as before (405 from the route module)
    const aborted = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    await writeResponse(await route(await toRequest(req, aborted.signal)), res, headers);
    return true;
  };
}

/** Called by a route module: makes its handler reachable for scripts/serve.mjs in this process. */
export function registerNodeRoute(path: string, method: 'GET' | 'POST', route: RouteFn): void {
  const g = globalThis as Record<symbol, unknown>;
  const table = (g[NODE_ROUTES] ??= new Map<string, NodeRouteHandler>()) as Map<string, NodeRouteHandler>;
  table.set(path, serveWith(route, method));
}
