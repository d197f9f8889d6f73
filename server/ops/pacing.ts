/**
 * Background work yields to people (issue 16's load test): a backup reads every document through the same
 * database server that answers the pages, and on a small machine (the embedded FerretDB decodes every
 * document in Go) a backup at full speed takes the CPU and the connection pool from the requests of the
 * people at their consoles, whose pages then wait for seconds.
 *
 * Requests count themselves here while they run (`beginInteractive`, from the tRPC timing middleware and
 * the route wrappers); a long job calls `paceBackground(spentMs)` between its chunks. While no request is
 * running it returns at once (an idle server runs the job at full speed); while requests are running it
 * waits `RATIO` × the time the job's last chunk took (the job gets at most ~1 / (1 + RATIO) of the time)
 * and then looks again, but never more than `MAX_WAIT_MS` per chunk, so a job on a busy server still
 * finishes. Kept on globalThis: Next.js may load this module once per route bundle.
 */

const RATIO = 2;
const MIN_WAIT_MS = 10;
const MAX_WAIT_MS = 1_000;

interface PacingState {
  inFlight: number;
  /** Time background work spent waiting, for the job's own report and the tests. */
  waitedMs: number;
}

const g = globalThis as unknown as { __acubePacing?: PacingState };
const state = (): PacingState => (g.__acubePacing ??= { inFlight: 0, waitedMs: 0 });

/** Marks one interactive request as running; call the returned function once when it has answered. */
export function beginInteractive(): () => void {
  const s = state();
  s.inFlight++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    s.inFlight--;
  };
}

/** Interactive requests running now. */
export function interactiveInFlight(): number {
  return state().inFlight;
}

/** Total time background work has waited for requests in this process. */
export function backgroundWaitedMs(): number {
  return state().waitedMs;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Called by background work between chunks with the time its last chunk took: returns at once on an idle
 * server, otherwise after the job has given requests their share (see the header). Resolves, never throws.
 */
export async function paceBackground(spentMs: number): Promise<void> {
  const s = state();
  if (s.inFlight === 0) return;
  const budget = Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, spentMs * RATIO));
  const started = Date.now();
  // Wait in steps so that the job resumes soon after the requests are gone.
  while (s.inFlight > 0 && Date.now() - started < budget) await sleep(Math.min(MIN_WAIT_MS * 5, budget));
  s.waitedMs += Date.now() - started;
}
