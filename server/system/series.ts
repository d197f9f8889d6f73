/**
 * Request metrics over the last hours for the System page, kept in the database so that every instance
 * shows one picture (GET /api/metrics is per process). Each instance sums its tRPC calls per minute and
 * procedure (count, errors, total ms, a duration histogram) in memory and writes one document per minute
 * into `system_metrics` (_id = minute|instance, so a retried flush overwrites rather than doubles). The
 * page merges the documents of all instances; the maintenance prune job keeps SERIES_KEEP_HOURS of them.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Db, IndexDescription } from 'mongodb';

/** Upper bounds (ms) of the histogram buckets; the last bucket is everything slower. */
export const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
export const SERIES_KEEP_HOURS = 48;

export interface ProcMinute {
  p: string;
  n: number;
  e: number;
  ms: number;
  b: number[]; // BUCKETS_MS.length + 1 counts
}
export interface SeriesDoc {
  _id: string;
  minute: Date;
  instance: string;
  procs: ProcMinute[];
}

export const SERIES_INDEXES: Record<string, IndexDescription[]> = {
  system_metrics: [{ key: { minute: 1, instance: 1 }, name: 'minute_instance' }],
};

export const seriesColl = (db: Db) => db.collection<SeriesDoc>('system_metrics');

interface State {
  instance: string;
  minutes: Map<number, Map<string, ProcMinute>>;
  timer?: ReturnType<typeof setInterval>;
}
const g = globalThis as unknown as { __acubeSeries?: State };
const st: State = (g.__acubeSeries ??= { instance: `${os.hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`, minutes: new Map() });

export function instanceId(): string {
  return st.instance;
}

function bucketOf(ms: number): number {
  const i = BUCKETS_MS.findIndex((b) => ms <= b);
  return i < 0 ? BUCKETS_MS.length : i;
}

/** Counts one call (called by the tRPC timing middleware through the metrics registry). */
export function recordCall(procedure: string, ok: boolean, seconds: number, at = Date.now()): void {
  const minute = Math.floor(at / 60_000) * 60_000;
  let m = st.minutes.get(minute);
  if (!m) st.minutes.set(minute, (m = new Map()));
  let p = m.get(procedure);
  if (!p) m.set(procedure, (p = { p: procedure, n: 0, e: 0, ms: 0, b: new Array(BUCKETS_MS.length + 1).fill(0) }));
  const ms = seconds * 1000;
  p.n++;
  if (!ok) p.e++;
  p.ms += ms;
  p.b[bucketOf(ms)]++;
}

/**
 * Writes the minutes counted so far ($set of the whole minute, so flushing the current minute again later
 * replaces it); minutes before the current one are then forgotten.
 */
export async function flushSeries(db: Db, now = Date.now()): Promise<number> {
  const current = Math.floor(now / 60_000) * 60_000;
  let written = 0;
  for (const [minute, procs] of [...st.minutes]) {
    const doc = { minute: new Date(minute), instance: st.instance, procs: [...procs.values()].map((p) => ({ ...p, b: [...p.b] })) };
    await seriesColl(db).updateOne({ _id: `${new Date(minute).toISOString()}|${st.instance}` }, { $set: doc }, { upsert: true });
    written++;
    if (minute < current) st.minutes.delete(minute);
  }
  return written;
}

/** Starts flushing every 30 s (instrumentation.ts). */
export function startSeries(db: Db): void {
  if (st.timer) return;
  st.timer = setInterval(() => {
    flushSeries(db).catch((e) => console.error('[system] metrics flush:', e instanceof Error ? e.message : e));
  }, 30_000);
  st.timer.unref?.();
}

export async function pruneSeries(db: Db, now = new Date()): Promise<number> {
  const r = await seriesColl(db).deleteMany({ minute: { $lt: new Date(now.getTime() - SERIES_KEEP_HOURS * 3_600_000) } });
  return r.deletedCount;
}

/** The quantile q (0..1) of a histogram, as the upper bound of the bucket that holds it (ms); null when empty. */
export function quantileMs(b: number[], q: number): number | null {
  const total = b.reduce((a, x) => a + x, 0);
  if (!total) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < b.length; i++) {
    seen += b[i];
    if (seen >= rank) return i < BUCKETS_MS.length ? BUCKETS_MS[i] : BUCKETS_MS[BUCKETS_MS.length - 1] * 2;
  }
  return null;
}

export interface SeriesPoint {
  minute: Date;
  requests: number;
  errors: number;
  errorRate: number;
  avgMs: number | null;
  p95Ms: number | null;
}
export interface ProcSummary {
  procedure: string;
  requests: number;
  errors: number;
  avgMs: number;
  p95Ms: number | null;
}

/** All instances' minutes since `hours` ago, merged: one point per minute, and per procedure totals. */
export async function readSeries(
  db: Db,
  hours: number,
  now = Date.now(),
): Promise<{
  points: SeriesPoint[];
  procedures: ProcSummary[];
  instances: number;
  total: { requests: number; errors: number; errorRate: number; p95Ms: number | null };
}> {
  const since = new Date(now - hours * 3_600_000);
  const docs = await seriesColl(db)
    .find({ minute: { $gte: since } })
    .sort({ minute: 1 })
    .limit(hours * 60 * 20)
    .toArray();
  const byMinute = new Map<number, { n: number; e: number; ms: number; b: number[] }>();
  const byProc = new Map<string, { n: number; e: number; ms: number; b: number[] }>();
  const all = new Array(BUCKETS_MS.length + 1).fill(0) as number[];
  const instances = new Set<string>();
  const add = (into: { n: number; e: number; ms: number; b: number[] }, p: ProcMinute) => {
    into.n += p.n;
    into.e += p.e;
    into.ms += p.ms;
    p.b.forEach((x, i) => (into.b[i] += x));
  };
  const fresh = () => ({ n: 0, e: 0, ms: 0, b: new Array(BUCKETS_MS.length + 1).fill(0) as number[] });
  for (const d of docs) {
    instances.add(d.instance);
    const k = d.minute.getTime();
    if (!byMinute.has(k)) byMinute.set(k, fresh());
    for (const p of d.procs) {
      add(byMinute.get(k)!, p);
      if (!byProc.has(p.p)) byProc.set(p.p, fresh());
      add(byProc.get(p.p)!, p);
      p.b.forEach((x, i) => (all[i] += x));
    }
  }
  const points = [...byMinute]
    .sort((a, b) => a[0] - b[0])
    .map(([k, v]) => ({
      minute: new Date(k),
      requests: v.n,
      errors: v.e,
      errorRate: v.n ? v.e / v.n : 0,
      avgMs: v.n ? v.ms / v.n : null,
      p95Ms: quantileMs(v.b, 0.95),
    }));
  const procedures = [...byProc]
    .map(([p, v]) => ({ procedure: p, requests: v.n, errors: v.e, avgMs: v.n ? v.ms / v.n : 0, p95Ms: quantileMs(v.b, 0.95) }))
    .sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || b.avgMs - a.avgMs);
  const requests = points.reduce((a, p) => a + p.requests, 0);
  const errors = points.reduce((a, p) => a + p.errors, 0);
  return {
    points,
    procedures,
    instances: instances.size,
    total: { requests, errors, errorRate: requests ? errors / requests : 0, p95Ms: quantileMs(all, 0.95) },
  };
}
