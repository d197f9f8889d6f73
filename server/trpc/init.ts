import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import type { Db } from 'mongodb';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import { AppError, type AppErrorCode } from '../errors';
import { writeAudit } from '../audit/service';
import { loadOperator, type Operator, type SessionIdentity } from '../auth/session';
import { can, type Permission } from '../permissions';
import { isConnectionError } from '../db/connection-errors';
import { isTimeLimitError, narrowYourSearch } from '../db/limits';
import { spend } from '../http/limits';
import { recordTrpcCall } from '../metrics/registry';
import { beginInteractive } from '../ops/pacing';

/** What a procedure may add to its own audit entry (the target it touched, before/after). */
export interface AuditNote {
  target?: { type: string; id?: string; label?: string };
  details?: unknown;
}

export interface ContextInnerOptions {
  db: Db;
  session: SessionIdentity | null;
  ip?: string;
  userAgent?: string | null;
  /** Set when the database could not be reached while building the context. */
  dbError?: Error;
}

/** The context without HTTP: used by the route handler and by tests through createCaller. */
export function createContextInner(opts: ContextInnerOptions) {
  return {
    db: opts.db,
    session: opts.session,
    ip: opts.ip ?? 'unknown',
    userAgent: opts.userAgent ?? null,
    dbError: opts.dbError,
    audit: {} as AuditNote,
    /** Set when a request budget refused a call: the route answers with Retry-After. */
    retryAfter: undefined as number | undefined,
  };
}
export type Context = ReturnType<typeof createContextInner>;

/** Every procedure declares how it is guarded; the role walk test reads this. */
export type ProcedureMeta = { auth: 'public' } | { auth: 'session' } | { auth: 'permission'; permission: Permission };

const APP_TO_TRPC: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    // Subscriptions over SSE (server/live): a comment line every 15 s keeps proxies from closing an idle
    // stream, and the client reconnects (with its last event id) when it heard nothing for 40 s.
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      const appDetails = error.cause instanceof AppError ? (error.cause.details ?? null) : null;
      return {
        ...shape,
        // Internal errors never leak their message or stack to the browser.
        message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong on the server. It has been logged.' : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          zodError,
          details: appDetails,
        },
      };
    },
  });

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Maps domain errors to tRPC codes and reports an unreachable database as such. */
const errors = t.middleware(async ({ ctx, next, path }) => {
  if (ctx.dbError) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: ctx.dbError.message });
  const res = await next();
  if (!res.ok) {
    const cause = res.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: APP_TO_TRPC[cause.code], message: cause.message, cause });
    }
    if (cause && isTimeLimitError(cause)) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: narrowYourSearch(), cause });
    }
    if (cause && isConnectionError(cause)) {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The database is unreachable.', cause });
    }
    if (res.error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}`, cause ?? res.error);
  }
  return res;
});

/** Mutations are written to the audit log: who, what, input summary, result. */
const auditMutations = t.middleware(async ({ ctx, next, path, type, getRawInput }) => {
  const res = await next();
  if (type !== 'mutation') return res;
  const op = (ctx as { operator?: Operator }).operator;
  // Domain errors are mapped to tRPC codes by the outer middleware, after this one: read the AppError's own code.
  const cause = res.ok ? null : res.error.cause;
  const errCode = res.ok ? null : cause instanceof AppError ? cause.code : res.error.code;
  await writeAudit(ctx.db, {
    actor: op ? { id: op.admin._id.toHexString(), email: op.admin.email, role: op.role.key } : null,
    action: path,
    target: ctx.audit.target ?? null,
    input: await getRawInput().catch(() => undefined),
    details: ctx.audit.details,
    result: res.ok ? 'success' : errCode === 'FORBIDDEN' || errCode === 'UNAUTHORIZED' ? 'denied' : 'failure',
    error: res.ok ? null : `${errCode}: ${res.error.message}`.slice(0, 500),
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  return res;
});

/**
 * Outermost: times every procedure call (all the middlewares below included) and records it with its
 * final code (OK, or the tRPC code after `errors` has mapped domain errors) for GET /api/metrics.
 * A failure inside a middleware comes back from next() as a result, so this sees every outcome.
 */
const timing = t.middleware(async ({ next, path, type }) => {
  const started = performance.now();
  // a query or mutation is a person waiting: background jobs yield while any runs (server/ops/pacing.ts)
  const end = type === 'subscription' ? null : beginInteractive();
  const res = await next().finally(() => end?.());
  try {
    recordTrpcCall(path, type, res.ok ? 'OK' : res.error.code, (performance.now() - started) / 1000);
  } catch (e) {
    console.error('[metrics] trpc timing:', e instanceof Error ? e.message : e); // never fail a call over a metric
  }
  return res;
});

const base = t.procedure.use(timing).use(errors);

export const publicProcedure = base.meta({ auth: 'public' });

/**
 * The signed-in operator, and one request taken from their budget (server/http/limits.ts): every call
 * counts against the per-minute budget, mutations also against a smaller one.
 */
const withOperator = t.middleware(async ({ ctx, next, type }) => {
  const operator = await loadOperator(ctx.db, ctx.session);
  if (!operator) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  const who = operator.admin._id.toHexString();
  const wait = (await spend('trpc', who)) ?? (type === 'mutation' ? await spend('trpcMutation', who) : null);
  if (wait !== null) {
    ctx.retryAfter = wait;
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many requests from your account. Wait ${wait} s and try again.` });
  }
  return next({ ctx: { operator } });
});

export const protectedProcedure = base.use(withOperator).use(auditMutations).meta({ auth: 'session' });

/** A procedure that needs one permission; the permission is also recorded in meta for the role walk. */
export function permissionProcedure(permission: Permission) {
  return base
    .use(withOperator)
    .use(auditMutations)
    .meta({ auth: 'permission', permission })
    .use(({ ctx, next }) => {
      if (!can(ctx.operator.role, permission)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${ctx.operator.role.label}) lacks the permission "${permission}".` });
      }
      return next();
    });
}
