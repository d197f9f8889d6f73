/**
 * tRPC on Node's own request and response objects, beside Next.js's route handler (issue 16's load test).
 *
 * A cached tRPC call costs the app ~3.5 ms of CPU through the App Router's route handler, two thirds of it
 * Next.js's request handling (docs/benchmarks.md, load test round 5). `scripts/serve.mjs` (what `npm start`
 * runs) hands `/api/trpc/*` to the function below when the request needs nothing of Next.js: a session
 * cookie that needs no renewal (or none at all). Everything else — a cookie NextAuth must renew, a server
 * started with plain `next start` — goes through `app/api/trpc/[trpc]/route.ts` as before. Both paths run
 * the same router with the same context and the same checks (JSON only, same origin, batch limit,
 * Retry-After); `server/trpc/node-handler.int.test.ts` holds them to the same answers.
 *
 * The function is registered on globalThis by the route module when Next.js loads it, so both paths share
 * one instance of every module (caches, the live hub, metrics); until then the custom server sends
 * `/api/trpc` through Next.js, which loads it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseCookies } from 'cookie';
import { getToken } from 'next-auth/jwt';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { env } from '../env';
import { clientIp } from '../auth/client-ip';
import { decodeSessionToken, freshToken, identityOfToken } from '../auth/token';
import type { SessionIdentity } from '../auth/session';
import { isSameOrigin, type OriginCheckRequest } from '../http/origin';
import { appRouter } from './root';
import type { Context } from './init';
import { completeIdentity, requestContext } from './request-context';
import type { HeaderList } from '../http/node-route';

export const TRPC_NODE_HANDLER = Symbol.for('acube.trpcNodeHandler');
const PREFIX = '/api/trpc/';

/** Headers every answer of the path gets (the rules next.config.js applies to `/api/*`), given by the server. */
export type { HeaderList };

/**
 * Serves one `/api/trpc/*` request, or returns false without touching the response when Next.js must
 * (the session cookie is due for renewal, which only NextAuth's own path writes).
 */
export type TrpcNodeHandler = (req: IncomingMessage, res: ServerResponse, headers: HeaderList) => Promise<boolean>;

function refuse(res: ServerResponse, status: number, code: string, message: string): true {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: { code, message } }));
  return true;
}

/** The request's method, URL and headers as isSameOrigin reads them. */
function originView(req: IncomingMessage): OriginCheckRequest {
  const h = req.headers;
  return {
    method: req.method ?? 'GET',
    url: `http://${h.host ?? 'localhost'}${req.url ?? '/'}`,
    headers: {
      get: (name) => {
        const v = h[name];
        return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : null;
      },
    },
  };
}

type SessionRead = { identity: SessionIdentity | null } | 'renew';

/** The identity in the session cookie when it needs no renewal; 'renew' when NextAuth must handle it. */
async function readSession(req: IncomingMessage): Promise<SessionRead> {
  const raw = req.headers.cookie;
  if (!raw || !raw.includes('next-auth.session-token')) return { identity: null };
  let token;
  try {
    token = await getToken({
      req: { cookies: parseCookies(raw), headers: req.headers } as unknown as Parameters<typeof getToken>[0]['req'],
      secret: env().NEXTAUTH_SECRET,
      decode: decodeSessionToken,
    });
  } catch {
    token = null;
  }
  if (!token) return { identity: null }; // unreadable or expired: NextAuth's path would see no session either
  if (!freshToken(token)) return 'renew';
  return { identity: completeIdentity(identityOfToken(token)) };
}

export const handleTrpcNode: TrpcNodeHandler = async (req, res, headers) => {
  const url = req.url ?? '';
  if (!url.startsWith(PREFIX)) return false;
  const session = await readSession(req);
  if (session === 'renew') return false;
  for (const { key, value } of headers) res.setHeader(key, value);
  res.setHeader('cache-control', 'no-store');
  if (req.method === 'POST') {
    const type = String(req.headers['content-type'] ?? '')
      .split(';', 1)[0]
      ?.trim()
      .toLowerCase();
    if (type !== 'application/json') return refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send tRPC calls as application/json.');
    if (!isSameOrigin(originView(req))) return refuse(res, 403, 'FORBIDDEN', 'Cross-site request refused.');
  }
  const q = url.indexOf('?');
  const path = decodeURIComponent(url.slice(PREFIX.length, q === -1 ? undefined : q));
  let ctxRef: Context | undefined;
  await nodeHTTPRequestHandler({
    req,
    res,
    path,
    router: appRouter,
    maxBatchSize: env().TRPC_MAX_BATCH,
    createContext: async () =>
      (ctxRef = await requestContext(
        () => session.identity,
        clientIp(req.headers),
        typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
      )),
    responseMeta({ errors }) {
      const h = new Headers({ 'cache-control': 'no-store' });
      if (ctxRef?.retryAfter && errors.some((e) => e.code === 'TOO_MANY_REQUESTS')) h.set('retry-after', String(ctxRef.retryAfter));
      return { headers: h };
    },
  });
  return true;
};

/** Called by the route module: makes the handler reachable for scripts/serve.mjs in this process. */
export function registerTrpcNodeHandler(): void {
  (globalThis as Record<symbol, unknown>)[TRPC_NODE_HANDLER] = handleTrpcNode;
}
