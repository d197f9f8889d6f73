import 'server-only';
/**
 * One wrapper for the plain API routes (issue 17, item 2), declared once per route like
 * `permissionProcedure` is for tRPC: who may call (a signed-in operator with a permission, or an API key),
 * a request budget, a limit on concurrent calls, the cross-site check for state-changing methods, metrics,
 * and one JSON error shape for every refusal: `{ "error": { "code", "message", "details" } }`.
 * Each route's spec lives in ROUTE_SPECS (./routes.ts) so the role walk test covers the routes too.
 */
import type { Db } from 'mongodb';
import { getDb } from '../db/client';
import { loadOperator, type Operator } from '../auth/session';
import { clientIp } from '../auth/client-ip';
import { sessionIdentity } from '../trpc/context';
import { can, type Permission } from '../permissions';
import { AppError, HTTP_STATUS } from '../errors';
import { writeAudit } from '../audit/service';
import { verifyApiKey, type ApiScope } from '../analytics/keys';
import { withRouteMetrics } from '../metrics/registry';
import { isTimeLimitError, narrowYourSearch } from '../db/limits';
import { holdSlot, spend, type Budget } from './limits';
import { isSameOrigin } from './origin';

export interface RouteSpec {
  /** The route as Next.js names it; the metrics label. */
  route: string;
  method: 'GET' | 'POST';
  /** A signed-in operator holding `permission`, or an API key (`Authorization: Bearer …`). */
  auth: 'session' | 'apiKey';
  permission?: Permission;
  /** For auth 'apiKey': the scope the key must hold. */
  scope?: ApiScope;
  /** Per-minute budget per operator / key (server/http/limits.ts). */
  budget?: Budget;
  /** At most this many calls of this route per operator at a time (a streaming export holds its slot to the end). */
  concurrent?: () => number;
  /** Audit action written for refused calls (the handler audits what it did). */
  auditAction?: string;
}

export interface RouteCall<P> {
  req: Request;
  db: Db;
  params: P;
  /** The operator (auth 'session'), or null. */
  operator: Operator | null;
  /** The API key (auth 'apiKey'), or null. */
  apiKey: { id: string; name: string } | null;
  ip: string;
  userAgent: string | null;
}

export function jsonError(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set('cache-control', 'no-store');
  return Response.json({ error: { code, message, details: details ?? null } }, { status, headers: h });
}

/** A domain error or a failure as the route's JSON answer (500s are logged, never shown). */
export function errorResponse(e: unknown, route = 'api'): Response {
  if (e instanceof AppError) return jsonError(HTTP_STATUS[e.code], e.code, e.message, e.details);
  if (isTimeLimitError(e)) return jsonError(400, 'BAD_REQUEST', narrowYourSearch());
  console.error(`[${route}]`, e);
  return jsonError(500, 'INTERNAL_SERVER_ERROR', 'Something went wrong on the server. It has been logged.');
}

/** Whether an operator may call a session route: null, or the refusal (the role walk test calls this). */
export function refusal(spec: RouteSpec, operator: Operator | null): { status: 401 | 403; code: string; message: string } | null {
  if (!operator) return { status: 401, code: 'UNAUTHORIZED', message: 'Sign in to continue.' };
  if (spec.permission && !can(operator.role, spec.permission)) {
    return { status: 403, code: 'FORBIDDEN', message: `Your role (${operator.role.label}) lacks the permission "${spec.permission}".` };
  }
  return null;
}

/** Releases `release` when the body has been sent or the client went away. */
function releasingBody(res: Response, release: () => void, signal: AbortSignal): Response {
  if (!res.body) {
    release();
    return res;
  }
  signal.addEventListener('abort', release, { once: true });
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush() {
        release();
      },
    }),
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

export function defineRoute<P = Record<string, never>>(
  spec: RouteSpec,
  handler: (call: RouteCall<P>) => Promise<Response>,
): (req: Request, ctx?: { params: Promise<P> }) => Promise<Response> {
  const run = async (req: Request, ctx?: { params: Promise<P> }): Promise<Response> => {
    if (req.method !== spec.method) return jsonError(405, 'METHOD_NOT_SUPPORTED', `Use ${spec.method}.`);
    if (spec.auth === 'session' && !isSameOrigin(req)) return jsonError(403, 'FORBIDDEN', 'Cross-site request refused.');
    let db: Db;
    try {
      db = await getDb();
    } catch {
      return jsonError(503, 'UNAVAILABLE', 'The database is unreachable.');
    }
    const ip = clientIp(req.headers);
    const userAgent = req.headers.get('user-agent');
    let operator: Operator | null = null;
    let apiKey: { id: string; name: string } | null = null;
    let who: string;
    if (spec.auth === 'session') {
      operator = await loadOperator(db, await sessionIdentity());
      const no = refusal(spec, operator);
      if (no) {
        if (operator && spec.auditAction) {
          await writeAudit(db, {
            actor: { id: operator.admin._id.toHexString(), email: operator.admin.email, role: operator.role.key },
            action: spec.auditAction,
            target: null,
            result: 'denied',
            error: `${no.code}: ${no.message}`,
            ip,
            userAgent,
          }).catch(() => undefined);
        }
        return jsonError(no.status, no.code, no.message);
      }
      who = operator!.admin._id.toHexString();
    } else {
      apiKey = await verifyApiKey(db, req.headers.get('authorization'), { scope: spec.scope, ip });
      if (!apiKey)
        return jsonError(
          401,
          'UNAUTHORIZED',
          'Missing, unknown, revoked or expired API key, or one without the scope this route needs. Send "Authorization: Bearer <key>".',
        );
      who = `key:${apiKey.id}`;
    }
    if (spec.budget) {
      const wait = await spend(spec.budget, who);
      if (wait !== null) {
        return jsonError(429, 'TOO_MANY_REQUESTS', `Too many requests. Wait ${wait} s and try again.`, { retryAfter: wait }, { 'retry-after': String(wait) });
      }
    }
    let release: (() => void) | null = null;
    if (spec.concurrent) {
      const max = spec.concurrent();
      release = holdSlot(spec.route, who, max);
      if (!release) {
        return jsonError(
          429,
          'TOO_MANY_REQUESTS',
          `You already have ${max} of these running. Wait for one to finish.`,
          { concurrent: max },
          { 'retry-after': '5' },
        );
      }
    }
    try {
      const res = await handler({ req, db, params: ((await ctx?.params) ?? {}) as P, operator, apiKey, ip, userAgent });
      res.headers.set('cache-control', 'no-store');
      return release ? releasingBody(res, release, req.signal) : res;
    } catch (e) {
      release?.();
      return errorResponse(e, spec.route);
    }
  };
  return withRouteMetrics(spec.route, run);
}
