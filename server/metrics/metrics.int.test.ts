import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, TEST_PASSWORD, TEST_URI, type TestDb } from '../../test/db';
import { cached } from '../db/cache';
import { bk, type BackupDoc } from '../backup/model';
import { ROLLUP_QUEUE } from '../analytics/queue';
import { verifyCredentials } from '../auth/credentials';
import { SIGNIN_LIMITS } from '../auth/rate-limit';
import { metricsResponse } from './scrape';
import { attachDriverMetrics } from './registry';

const TOKEN = 'test-metrics-token-0123456789';
let t: TestDb;

beforeAll(async () => {
  t = await openTestDb('metrics');
});
afterAll(() => t.drop());

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, db: () => Promise<import('mongodb').Db> = async () => t.db) =>
  metricsResponse(new Request('http://localhost/api/metrics', { headers }), { token: TOKEN, db });

async function metricsText(): Promise<string> {
  const res = await scrape();
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of the sample `name` whose labels include all of `labels` (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('GET /api/metrics access', () => {
  it('404 when METRICS_TOKEN is unset', async () => {
    for (const token of [undefined, '']) {
      const res = await metricsResponse(new Request('http://localhost/api/metrics', { headers: { authorization: 'Bearer x' } }), {
        token,
        db: async () => t.db,
      });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('acube_');
    }
  });

  it('401 without the token or with a wrong one, and nothing of the metrics', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
      { authorization: 'Bearer wrong' },
    ]) {
      const res = await scrape(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('acube_');
    }
  });

  it('200 in Prometheus text format with the right token, not cached', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).toContain('# TYPE acube_trpc_request_duration_seconds histogram');
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });
});

describe('metrics content', () => {
  it('a tRPC call through createCaller appears in the procedure histogram; a refused one also as an error', async () => {
    const admin = await makeAdmin(t.db, 'viewer');
    const before = await metricsText();
    const okBefore = sample(before, 'acube_trpc_request_duration_seconds_count', { procedure: 'me.get', code: 'OK' }) ?? 0;
    const errBefore = sample(before, 'acube_trpc_errors_total', { procedure: 'me.get', code: 'UNAUTHORIZED' }) ?? 0;

    await callerFor(t.db, admin).me.get();
    await callerFor(t.db, admin).me.get();
    await expect(callerFor(t.db, null).me.get()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const text = await metricsText();
    expect(sample(text, 'acube_trpc_request_duration_seconds_count', { procedure: 'me.get', type: 'query', code: 'OK' })).toBe(okBefore + 2);
    expect(sample(text, 'acube_trpc_request_duration_seconds_bucket', { procedure: 'me.get', code: 'OK', le: '+Inf' })).toBe(okBefore + 2);
    expect(sample(text, 'acube_trpc_request_duration_seconds_sum', { procedure: 'me.get', code: 'OK' })).toBeGreaterThan(0);
    expect(sample(text, 'acube_trpc_errors_total', { procedure: 'me.get', code: 'UNAUTHORIZED' })).toBe(errBefore + 1);
    expect(sample(text, 'acube_trpc_errors_total', { procedure: 'me.get', code: 'OK' })).toBeUndefined();
  });

  it('cache hits, misses and entries per tier', async () => {
    const before = await metricsText();
    for (const tier of ['static', 'reference', 'dashboard', 'counts', 'hot']) {
      expect(sample(before, 'acube_cache_hits_total', { tier }), tier).toBeTypeOf('number');
      expect(sample(before, 'acube_cache_misses_total', { tier }), tier).toBeTypeOf('number');
      expect(sample(before, 'acube_cache_entries', { tier }), tier).toBeTypeOf('number');
    }
    const key = `metrics-test-${Date.now()}`;
    await cached(t.db, 'hot', key, ['metrics'], async () => 1);
    await cached(t.db, 'hot', key, ['metrics'], async () => 1);
    await cached(t.db, 'hot', key, ['metrics'], async () => 1);
    const after = await metricsText();
    expect(sample(after, 'acube_cache_misses_total', { tier: 'hot' })).toBe(sample(before, 'acube_cache_misses_total', { tier: 'hot' })! + 1);
    expect(sample(after, 'acube_cache_hits_total', { tier: 'hot' })).toBe(sample(before, 'acube_cache_hits_total', { tier: 'hot' })! + 2);
    expect(sample(after, 'acube_cache_entries', { tier: 'hot' })).toBe(sample(before, 'acube_cache_entries', { tier: 'hot' })! + 1);
  });

  it('MongoDB command durations and pool connections from the driver events', async () => {
    const client = new MongoClient(TEST_URI, { monitorCommands: true, serverSelectionTimeoutMS: 5000 });
    attachDriverMetrics(client);
    attachDriverMetrics(client); // twice is once
    try {
      const before = sample(await metricsText(), 'acube_mongodb_command_duration_seconds_count', { command: 'ping', outcome: 'succeeded' }) ?? 0;
      await client.db(t.db.databaseName).command({ ping: 1 });
      await client.db(t.db.databaseName).command({ ping: 1 });
      await expect(client.db(t.db.databaseName).command({ noSuchCommand: 1 })).rejects.toThrow();
      const text = await metricsText();
      expect(sample(text, 'acube_mongodb_command_duration_seconds_count', { command: 'ping', outcome: 'succeeded' })).toBe(before + 2);
      expect(sample(text, 'acube_mongodb_command_duration_seconds_count', { command: 'noSuchCommand', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'acube_mongodb_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'acube_mongodb_pool_connections_checked_out')).toBe(0);
    } finally {
      await client.close();
    }
    expect(sample(await metricsText(), 'acube_mongodb_pool_connections')).toBe(0);
  });

  it('rollup queue depth and the ages of the newest complete and verified backups, read at scrape time', async () => {
    let text = await metricsText();
    expect(sample(text, 'acube_analytics_rollup_queue_depth')).toBe(0);
    expect(sample(text, 'acube_backup_last_complete_age_seconds')).toBeUndefined(); // no backup yet
    expect(sample(text, 'acube_backup_last_verified_age_seconds')).toBeUndefined();

    await t.db.collection(ROLLUP_QUEUE).insertMany([
      { at: new Date(), ids: [] },
      { at: new Date(), ids: [] },
    ]);
    const hour = 3_600_000;
    const doc = (id: string, finishedAgo: number, verified: boolean): BackupDoc => ({
      _id: id,
      status: 'complete',
      trigger: 'manual',
      note: '',
      by: null,
      sourceDb: t.db.databaseName,
      file: `${id}.archive.gz`,
      createdAt: new Date(Date.now() - finishedAgo - 60_000),
      finishedAt: new Date(Date.now() - finishedAgo),
      durationMs: 60_000,
      collections: [],
      totalDocs: 0,
      rawBytes: 0,
      sizeBytes: 0,
      sha256: null,
      serverVersion: 'x',
      verifiedAt: verified ? new Date() : null,
      verifyStatus: verified ? 'ok' : null,
      verifyError: null,
      error: null,
      jobId: null,
    });
    await bk.backups(t.db).insertMany([doc('b-old-verified', 30 * hour, true), doc('b-new', 2 * hour, false)]);
    await bk.backups(t.db).insertOne({ ...doc('b-running', 0, false), status: 'running', finishedAt: null });

    text = await metricsText();
    expect(sample(text, 'acube_analytics_rollup_queue_depth')).toBe(2);
    expect(sample(text, 'acube_backup_last_complete_age_seconds')).toBeCloseTo(2 * 3600, -1);
    expect(sample(text, 'acube_backup_last_verified_age_seconds')).toBeCloseTo(30 * 3600, -1);
  });

  it('without the database the scrape still answers, leaving the database figures out', async () => {
    const res = await scrape(undefined, () => Promise.reject(new Error('down')));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'acube_analytics_rollup_queue_depth')).toBeUndefined();
    expect(sample(text, 'acube_backup_last_complete_age_seconds')).toBeUndefined();
    expect(sample(text, 'acube_cache_hits_total', { tier: 'hot' })).toBeTypeOf('number');
  });

  it('sign-in failures by reason and sign-in rate-limit refusals', async () => {
    const admin = await makeAdmin(t.db, 'viewer');
    const before = await metricsText();
    const invalid0 = sample(before, 'acube_signin_failures_total', { reason: 'invalid' }) ?? 0;
    const limited0 = sample(before, 'acube_signin_failures_total', { reason: 'rate_limited' }) ?? 0;
    const refused0 = sample(before, 'acube_rate_limit_refusals_total', { limiter: 'signin' }) ?? 0;
    const meta = { ip: '10.9.8.7', userAgent: 'vitest' };
    const n = SIGNIN_LIMITS.perEmailIp.points;
    for (let i = 0; i < n; i++) expect((await verifyCredentials(t.db, t.client, { email: admin.email, password: 'wrong' }, meta)).ok).toBe(false);
    const blocked = await verifyCredentials(t.db, t.client, { email: admin.email, password: TEST_PASSWORD }, meta);
    expect(blocked).toMatchObject({ ok: false, reason: 'rate_limited' });
    const text = await metricsText();
    expect(sample(text, 'acube_signin_failures_total', { reason: 'invalid' })).toBe(invalid0 + n);
    expect(sample(text, 'acube_signin_failures_total', { reason: 'rate_limited' })).toBe(limited0 + 1);
    expect(sample(text, 'acube_rate_limit_refusals_total', { limiter: 'signin' })).toBe(refused0 + 1);
  });
});
