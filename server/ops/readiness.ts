/**
 * Readiness (GET /api/ready): is this instance able to serve? Two checks, run in parallel, each bounded
 * by a timeout so a load balancer polling every second never waits long:
 * - database: a `ping` answered within the timeout;
 * - startup: the process's start-up work is done (getDb() resolved: first ping and indexes ensured).
 * Written as a function of its dependencies so it is tested without a server (readiness.int.test.ts).
 * Answers carry check states only, never an error message (which could name hosts or credentials).
 */

/** ok · timeout: no answer within the timeout · unreachable: the ping failed · pending: start-up still running · failed: start-up failed. */
export type CheckState = 'ok' | 'timeout' | 'unreachable' | 'pending' | 'failed';

export interface ReadinessDeps {
  /** Pings the database (rejects when it cannot). */
  ping(): Promise<unknown>;
  /** Resolves once start-up work is done (starting it if needed); rejects when it failed. */
  startup(): Promise<unknown>;
  /** Per check; default 1,500 ms. */
  timeoutMs?: number;
}

export interface ReadinessBody {
  status: 'ok' | 'unavailable';
  checks: { database: CheckState; startup: CheckState };
}

export interface Readiness {
  httpStatus: 200 | 503;
  body: ReadinessBody;
}

export const READY_TIMEOUT_MS = 1_500;
export const READY_CACHE_MS = 500;

/** Settles within `ms`: 'ok', 'timeout' or 'error'. The late outcome of `run()` is observed, never unhandled. */
function settle(run: () => Promise<unknown>, ms: number): Promise<'ok' | 'timeout' | 'error'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref?.();
    Promise.resolve()
      .then(run)
      .then(
        () => resolve('ok'),
        () => resolve('error'),
      )
      .finally(() => clearTimeout(timer));
  });
}

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const ms = deps.timeoutMs ?? READY_TIMEOUT_MS;
  const [ping, startup] = await Promise.all([settle(deps.ping, ms), settle(deps.startup, ms)]);
  const checks: ReadinessBody['checks'] = {
    database: ping === 'ok' ? 'ok' : ping === 'timeout' ? 'timeout' : 'unreachable',
    startup: startup === 'ok' ? 'ok' : startup === 'timeout' ? 'pending' : 'failed',
  };
  const ok = checks.database === 'ok' && checks.startup === 'ok';
  return { httpStatus: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unavailable', checks } };
}

/**
 * `checkReadiness` with its result reused for `cacheMs` and concurrent callers sharing one check, so
 * polling every second (by several probes) costs at most one ping per `cacheMs`.
 */
export function readinessProbe(deps: ReadinessDeps, cacheMs = READY_CACHE_MS): () => Promise<Readiness> {
  let last: { at: number; value: Readiness } | undefined;
  let inflight: Promise<Readiness> | undefined;
  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.value);
    inflight ??= checkReadiness(deps)
      .then((value) => {
        last = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}
