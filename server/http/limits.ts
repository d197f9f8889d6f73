/**
 * Request budgets per operator and per API key (issue 17, item 6). Counters live in process memory
 * (rate-limiter-flexible's RateLimiterMemory): each app instance enforces the budget on what it serves,
 * so with N instances behind a balancer an operator gets at most N times the budget. That bounds cost,
 * which is the point; the sign-in limits, which guard against guessing, are kept in the database instead
 * (server/auth/rate-limit.ts). Budgets are per minute and can be changed by environment variables.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { env } from '../env';

export type Budget = 'trpc' | 'trpcMutation' | 'export' | 'analyticsCsv' | 'events' | 'backupFile';

function perMinute(): Record<Budget, number> {
  const e = env();
  return {
    trpc: e.RATE_LIMIT_TRPC_PER_MIN,
    trpcMutation: e.RATE_LIMIT_MUTATIONS_PER_MIN,
    export: e.RATE_LIMIT_EXPORTS_PER_MIN,
    analyticsCsv: e.RATE_LIMIT_EXPORTS_PER_MIN,
    events: e.RATE_LIMIT_EVENTS_PER_MIN,
    backupFile: 30,
  };
}

type Limiters = Map<Budget, RateLimiterMemory>;
const KEY = Symbol.for('acube.requestBudgets');
const g = globalThis as unknown as { [KEY]?: { limiters: Limiters; running: Map<string, number> } };
// One set per process, shared by every route bundle Next.js loads.
const state = (g[KEY] ??= { limiters: new Map(), running: new Map() });

function limiter(budget: Budget): RateLimiterMemory {
  let l = state.limiters.get(budget);
  if (!l) state.limiters.set(budget, (l = new RateLimiterMemory({ keyPrefix: budget, points: perMinute()[budget], duration: 60 })));
  return l;
}

/** Takes one request from `who`'s budget: null when allowed, else the seconds to wait. */
export async function spend(budget: Budget, who: string): Promise<number | null> {
  try {
    await limiter(budget).consume(who, 1);
    return null;
  } catch (r) {
    if (r instanceof RateLimiterRes) return Math.max(1, Math.ceil(r.msBeforeNext / 1000));
    throw r;
  }
}

/**
 * Holds one of `max` concurrent slots for `who` (exports: a large export keeps a connection and a cursor
 * busy for minutes). Returns the release function, or null when all slots are taken.
 */
export function holdSlot(kind: string, who: string, max: number): (() => void) | null {
  const k = `${kind}|${who}`;
  const n = state.running.get(k) ?? 0;
  if (n >= max) return null;
  state.running.set(k, n + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (state.running.get(k) ?? 1) - 1;
    if (left <= 0) state.running.delete(k);
    else state.running.set(k, left);
  };
}

/** For tests: forget every counter and slot. */
export function resetBudgets(): void {
  state.limiters.clear();
  state.running.clear();
}
