/**
 * GET /api/metrics without HTTP plumbing: the bearer check, the figures read from the database at
 * scrape time, and the Prometheus text. Takes its token and database so tests call it directly.
 */
import type { Db } from 'mongodb';
import { bk } from '../backup/model';
import { queuedBatches } from '../analytics/queue';
import { bearerMatches } from './bearer';
import { metrics } from './registry';

/** Longest a scrape waits for the database figures before answering without them. */
export const SCRAPE_DB_TIMEOUT_MS = 2_000;

/**
 * Reads the figures that live in the database: the analytics rollup queue depth and the ages of the
 * newest complete and newest verified backup (finishedAt, else createdAt). A figure whose query failed,
 * or that does not exist (no backup yet), is left out of this scrape rather than shown stale.
 */
export async function refreshDbGauges(db: Db, now = Date.now()): Promise<void> {
  const m = metrics();
  const ageOf = async (filter: Record<string, unknown>) => {
    const b = await bk
      .backups(db)
      .find(filter, { projection: { createdAt: 1, finishedAt: 1 } })
      .sort({ createdAt: -1 })
      .limit(1)
      .next();
    return b ? Math.max(0, (now - (b.finishedAt ?? b.createdAt).getTime()) / 1000) : null;
  };
  const [depth, complete, verified] = await Promise.allSettled([
    queuedBatches(db),
    ageOf({ status: 'complete' }),
    ageOf({ status: 'complete', verifyStatus: 'ok' }),
  ]);
  const put = (gauge: typeof m.rollupQueueDepth, r: PromiseSettledResult<number | null>) => gauge.set(r.status === 'fulfilled' ? r.value : null);
  put(m.rollupQueueDepth, depth);
  put(m.backupLastCompleteAge, complete);
  put(m.backupLastVerifiedAge, verified);
}

function clearDbGauges(): void {
  const m = metrics();
  m.rollupQueueDepth.reset();
  m.backupLastCompleteAge.reset();
  m.backupLastVerifiedAge.reset();
}

export interface MetricsRequestOptions {
  /** METRICS_TOKEN; unset: the endpoint does not exist (404). */
  token: string | undefined;
  /** The app database (for the figures read at scrape time). */
  db: () => Promise<Db>;
}

const plain = (status: number, text: string, extra: Record<string, string> = {}) =>
  new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra } });

export async function metricsResponse(req: Request, opts: MetricsRequestOptions): Promise<Response> {
  if (!opts.token) return plain(404, 'Not found\n');
  if (!bearerMatches(req.headers.get('authorization'), opts.token)) {
    return plain(401, 'Send "Authorization: Bearer <METRICS_TOKEN>".\n', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), SCRAPE_DB_TIMEOUT_MS);
  });
  try {
    await Promise.race([opts.db().then((db) => refreshDbGauges(db)), timeout]);
  } catch {
    clearDbGauges(); // database down or slow: the process figures are still worth answering
  } finally {
    clearTimeout(timer);
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), {
    status: 200,
    headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
  });
}
