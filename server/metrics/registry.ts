/**
 * Prometheus metrics (GET /api/metrics, issue 16). One registry per process, kept on globalThis like
 * server/db/cache.ts: the tRPC route, NextAuth and the other route handlers are separate Next.js bundles
 * and must all record into the registry the metrics route reads. Every metric is listed in the README
 * ("Operations").
 *
 * Recorded as things happen: tRPC procedure durations and errors (the timing middleware in
 * server/trpc/init.ts), MongoDB command durations and pool connections (the driver's monitoring
 * events, attachDriverMetrics), sign-in failures and rate-limit refusals (server/auth/credentials.ts).
 * Read when scraped: cache tiers (cacheStats(), in collect callbacks) and, from the database, the
 * analytics rollup queue depth and the ages of the newest complete / verified backups (refreshDbGauges in ./scrape.ts).
 */
import type { MongoClient } from 'mongodb';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { cacheStats, CACHE_TIERS, type CacheTier } from '../db/cache';
import { recordCall } from '../system/series';
import { beginInteractive } from '../ops/pacing';

const TIERS = Object.keys(CACHE_TIERS) as CacheTier[];

/**
 * A label-less gauge that can have no sample at all. prom-client always prints a label-less Gauge
 * (0 after reset()), but "no backup yet" or "the database did not answer" must not read as age 0 or an
 * empty queue: alerts use absent() for those.
 */
export class OptionalGauge {
  readonly type = 'gauge';
  readonly aggregator = 'sum';
  private value: number | null = null;
  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
  ) {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }
  set(value: number | null): void {
    this.value = value;
  }
  reset(): void {
    this.value = null;
  }
  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.value === null ? [] : [{ value: this.value, labels: {} }],
    };
  }
}

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pool = { checkedOut: 0, total: 0 };
  const registers = [registry];

  const m = {
    registry,
    pool,
    attached: new WeakSet<MongoClient>(),
    trpcDuration: new Histogram({
      name: 'acube_trpc_request_duration_seconds',
      help: 'tRPC procedure duration (middlewares included), by procedure, type and result code (OK or the tRPC error code).',
      labelNames: ['procedure', 'type', 'code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    trpcErrors: new Counter({
      name: 'acube_trpc_errors_total',
      help: 'tRPC procedure calls that ended in an error, by procedure and tRPC error code.',
      labelNames: ['procedure', 'code'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'acube_http_request_duration_seconds',
      help: 'Route handlers other than tRPC (exports, backups, events, auth, analytics CSV): time until the response starts (a streamed body may continue), by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    mongoCommand: new Histogram({
      name: 'acube_mongodb_command_duration_seconds',
      help: 'MongoDB command duration as the driver measured it, by command name and outcome (succeeded, failed).',
      labelNames: ['command', 'outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    poolCheckedOut: new Gauge({
      name: 'acube_mongodb_pool_connections_checked_out',
      help: 'MongoDB pool connections checked out (in use by an operation) right now.',
      registers,
      collect() {
        this.set(Math.max(0, pool.checkedOut));
      },
    }),
    poolTotal: new Gauge({
      name: 'acube_mongodb_pool_connections',
      help: 'MongoDB pool connections open (idle and checked out).',
      registers,
      collect() {
        this.set(Math.max(0, pool.total));
      },
    }),
    cacheHits: new Counter({
      name: 'acube_cache_hits_total',
      help: 'Result-cache hits per tier (server/db/cache.ts) since the process started.',
      labelNames: ['tier'] as const,
      registers,
      collect() {
        const s = cacheStats();
        this.reset();
        for (const tier of TIERS) this.inc({ tier }, s[tier].hits);
      },
    }),
    cacheMisses: new Counter({
      name: 'acube_cache_misses_total',
      help: 'Result-cache misses (computations) per tier since the process started.',
      labelNames: ['tier'] as const,
      registers,
      collect() {
        const s = cacheStats();
        this.reset();
        for (const tier of TIERS) this.inc({ tier }, s[tier].misses);
      },
    }),
    cacheEntries: new Gauge({
      name: 'acube_cache_entries',
      help: 'Entries held per cache tier (fresh and stale).',
      labelNames: ['tier'] as const,
      registers,
      collect() {
        const s = cacheStats();
        for (const tier of TIERS) this.set({ tier }, s[tier].size);
      },
    }),
    // Set by refreshDbGauges (./scrape.ts) at each scrape; absent when unknown.
    rollupQueueDepth: new OptionalGauge(
      registry,
      'acube_analytics_rollup_queue_depth',
      'Event batches waiting in analytics_rollup_queue (absent when the database did not answer).',
    ),
    backupLastCompleteAge: new OptionalGauge(
      registry,
      'acube_backup_last_complete_age_seconds',
      'Seconds since the newest complete backup finished (absent when there is none).',
    ),
    backupLastVerifiedAge: new OptionalGauge(
      registry,
      'acube_backup_last_verified_age_seconds',
      'Seconds since the newest backup whose verification passed finished (absent when there is none).',
    ),
    signInFailures: new Counter({
      name: 'acube_signin_failures_total',
      help: 'Refused sign-ins by reason: invalid (wrong password, unknown email, malformed), deactivated, rate_limited.',
      labelNames: ['reason'] as const,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'acube_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit, by limiter (signin: the per email + IP or per IP sign-in limit).',
      labelNames: ['limiter'] as const,
      registers,
    }),
  };
  return m;
}

type Metrics = ReturnType<typeof create>;
const g = globalThis as unknown as { __acubeMetrics?: Metrics };

/** The process's metrics (created on first use). */
export function metrics(): Metrics {
  return (g.__acubeMetrics ??= create());
}

/**
 * Records the driver's command durations and pool connections. The client must be created with
 * `monitorCommands: true` for command events. Attaching the same client twice is a no-op.
 */
export function attachDriverMetrics(client: MongoClient): void {
  const m = metrics();
  if (m.attached.has(client)) return;
  m.attached.add(client);
  // A listener that threw would throw inside the driver: never let a metric do that.
  const command = (outcome: 'succeeded' | 'failed') => (e: { commandName: string; duration: number }) => {
    try {
      if (Number.isFinite(e.duration)) m.mongoCommand.observe({ command: e.commandName, outcome }, e.duration / 1000);
    } catch {
      /* ignored */
    }
  };
  client.on('commandSucceeded', command('succeeded'));
  client.on('commandFailed', command('failed'));
  client.on('connectionCreated', () => void m.pool.total++);
  client.on('connectionClosed', () => void m.pool.total--);
  client.on('connectionCheckedOut', () => void m.pool.checkedOut++);
  client.on('connectionCheckedIn', () => void m.pool.checkedOut--);
}

export function recordTrpcCall(procedure: string, type: string, code: string, seconds: number): void {
  const m = metrics();
  m.trpcDuration.observe({ procedure, type, code }, seconds);
  if (code !== 'OK') m.trpcErrors.inc({ procedure, code });
  // The System page's per-minute series in the database (server/system/series.ts); a subscription's time
  // is only its set-up, so it is left out there. Errors there are server-side ones (5xx-like), not denials.
  if (type !== 'subscription') recordCall(procedure, !SERVER_ERRORS.has(code), seconds);
}
const SERVER_ERRORS = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'GATEWAY_TIMEOUT', 'BAD_GATEWAY']);

/**
 * Wraps a route handler so its requests are timed into acube_http_request_duration_seconds under the
 * route's pattern (never the concrete URL: the label set stays bounded). A handler that throws is
 * recorded as 500 and the error passes through unchanged.
 */
export function withRouteMetrics<A extends unknown[], R extends Response>(
  route: string,
  handler: (req: Request, ...rest: A) => R | Promise<R>,
): (req: Request, ...rest: A) => Promise<R> {
  return async (req, ...rest) => {
    const started = performance.now();
    let status = 500;
    const end = beginInteractive();
    try {
      const res = await handler(req, ...rest);
      status = res.status;
      return res;
    } finally {
      end();
      try {
        metrics().httpDuration.observe({ route, method: req.method, status: String(status) }, (performance.now() - started) / 1000);
      } catch {
        /* a metric never fails a request */
      }
    }
  };
}

export type SignInFailureReason = 'invalid' | 'deactivated' | 'rate_limited';
export function recordSignInFailure(reason: SignInFailureReason): void {
  metrics().signInFailures.inc({ reason });
}

export function recordRateLimitRefusal(limiter: 'signin'): void {
  metrics().rateLimitRefusals.inc({ limiter });
}
