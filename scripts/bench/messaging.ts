/**
 * Messaging benchmark: a real campaign (cohort audience, 10 % holdout) rendered and delivered over SMTP to
 * an embedded Mailpit of its own (in memory, started here), on the database in MONGODB_URI.
 *
 *   throughput : N members → campaign planned + enrolled + enqueued (timed), then the outbox drained by
 *                this process (timed): messages/s sustained, RSS growth (peak − before, sampled every 50 ms)
 *   kill       : the same with a child sender SIGKILLed after K messages (right after the SMTP server
 *                accepted one: the worst moment), then this process takes over: every recipient is
 *                counted in Mailpit by its X-Idempotency-Key header: duplicates and missing must be 0.
 *
 * Usage: MONGODB_URI=mongodb://127.0.0.1:27017 npx tsx scripts/bench/messaging.ts [--members 5000] [--runs 3]
 *        [--kill-members 2000] [--kill-after 700] [--smtp-port 1127] [--http-port 8127] [--skip-kill]
 *        [--mailpit-max 0] [--ferretdb-pid <pid>] [--progress-sec 60] [--overlap] [--mailpit-args=<args>]
 *
 * --overlap: the outbox drains while the campaign is still being enqueued (as the app's outbox worker does:
 * each enqueued chunk kicks it); "send" is then the whole campaign, from the start of planning to the last
 * message. --mailpit-args: extra Mailpit options, e.g. `--mailpit-args=--compression=1` (write it with `=`).
 * The SMTP connections and the concurrency are the embedded defaults (32 / 64, transport.ts) unless
 * SMTP_MAX_CONNECTIONS / MESSAGING_CONCURRENCY are set.
 *
 * At 100,000 (issue 15: < 10 min, < 150 MB growth): `--members 111112 --runs 1 --skip-kill --mailpit-max 5000`
 * (≈ 100,000 sent after the 10 % holdout; Mailpit keeps the newest 5,000 so the run does not fill the
 * disk); `--enqueue-only` stops after planning + enqueueing. Memory: RSS and V8 heap sampled every 50 ms from before the campaign starts to the end of the
 * report (peak − before; the heap peak with the phase it fell in), and the heap right after each full GC
 * (what is held, without the garbage not yet collected); the report (campaignReport) is timed too.
 */
import './no-server-only';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { MongoClient, ObjectId, type Db } from 'mongodb';
// @ts-expect-error -- plain ESM helper without types
import { startMailpit } from '../lib/mailpit.mjs';
import { cpuSeconds } from './proc-cpu';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    'kill-members': { type: 'string', default: '2000' },
    'kill-after': { type: 'string', default: '700' },
    'smtp-port': { type: 'string', default: '1127' },
    'http-port': { type: 'string', default: '8127' },
    'skip-kill': { type: 'boolean', default: false },
    'ferretdb-pid': { type: 'string' },
    'mailpit-max': { type: 'string', default: '0' },
    'enqueue-only': { type: 'boolean', default: false },
    'progress-sec': { type: 'string', default: '60' },
    'mailpit-args': { type: 'string', default: '' },
    overlap: { type: 'boolean', default: false },
  },
});
const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function seedMembers(db: Db, n: number, tag: string) {
  const created = new Date('2026-01-15T12:00:00Z');
  for (let i = 0; i < n; i += 1000) {
    const docs = Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
      const j = i + k;
      return {
        _id: new ObjectId(),
        name: `Bench Member ${j}`,
        email: `m${j}.${tag}@d${j % 50}.bench.test`,
        city: 'Pune',
        status: 'active',
        createdAt: created,
      };
    });
    await db.collection('users').insertMany(docs);
  }
}

async function mailpitKeys(api: string, tag: string): Promise<{ total: number; keys: Map<string, number> }> {
  const keys = new Map<string, number>();
  let total = 0;
  for (let start = 0; ; start += 500) {
    const r = (await (await fetch(`${api}/api/v1/search?query=${encodeURIComponent(`to:.${tag}@`)}&start=${start}&limit=500`)).json()) as {
      messages: { ID: string }[];
    };
    total += r.messages.length;
    // headers of each message, 16 at a time
    for (let i = 0; i < r.messages.length; i += 16) {
      await Promise.all(
        r.messages.slice(i, i + 16).map(async (m) => {
          const h = (await (await fetch(`${api}/api/v1/message/${m.ID}/headers`)).json()) as Record<string, string[]>;
          const k = h['X-Idempotency-Key']?.[0] ?? '(none)';
          keys.set(k, (keys.get(k) ?? 0) + 1);
        }),
      );
    }
    if (r.messages.length < 500) break;
  }
  return { total, keys };
}

async function main() {
  const mp = await startMailpit({
    smtpPort: Number(values['smtp-port']),
    httpPort: Number(values['http-port']),
    maxMessages: Number(values['mailpit-max']),
    extraArgs: values['mailpit-args'].split(/\s+/).filter(Boolean),
  });
  process.env.SMTP_URL = mp.smtpUrl;
  process.env.MAILPIT_API = mp.apiUrl;
  process.env.MAIL_FROM ||= 'A-Cube <no-reply@acube.bench>';
  process.env.NEXTAUTH_SECRET ||= 'bench-secret-not-for-production-0123456789';
  process.env.MESSAGING_RATE_PER_SEC ||= '2000';
  process.env.MESSAGING_DOMAIN_RATE_PER_SEC ||= '1000';
  const client = new MongoClient(uri);
  await client.connect();
  // On FerretDB the app runs with ACUBE_EMBEDDED=1 (npm start sets it): counts use the `count` command
  // (server/db/count.ts) instead of an aggregation that reads every matching document. Without it, the
  // progress line's count of sent messages read up to 100,000 documents a minute (round 4's 100,000 run)
  // and the report took 15 s.
  const build = (await client.db('admin').command({ buildInfo: 1 })) as { ferretdbVersion?: string };
  if (build.ferretdbVersion && process.env.ACUBE_EMBEDDED !== '1') {
    process.env.ACUBE_EMBEDDED = '1';
    console.log(`FerretDB ${build.ferretdbVersion}: ACUBE_EMBEDDED=1 (embedded index policy and counts, as npm start)`);
  }
  const { drainOutbox } = await import('../../server/messaging/outbox');
  const { createCampaign, scheduleCampaign, startDueCampaigns, campaignReport } = await import('../../server/messaging/campaigns');
  const { ms } = await import('../../server/messaging/model');
  const { ensureIndexes } = await import('../../server/db/indexes');
  const { closeTransports } = await import('../../server/messaging/transport');

  const N = Number(values.members);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GB, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );

  async function campaign(db: Db, members: number, tag: string) {
    await db.dropDatabase();
    await ensureIndexes(db);
    await seedMembers(db, members, tag);
    const c = await createCampaign(
      db,
      {
        name: `bench ${tag}`,
        templateKey: 'reengagement',
        audience: { kind: 'cohort', signupFrom: '2026-01-15', signupTo: '2026-01-15' },
        holdoutPct: 10,
        frequencyCapDays: 0,
      },
      null,
    );
    await scheduleCampaign(db, c._id.toHexString(), null);
    return c;
  }

  const rows: {
    enqueueMs: number;
    sendMs: number;
    totalMs: number;
    sent: number;
    perSec: number;
    memMB: number;
    heapMB: number;
    reportMs: number;
    cpuMs: { app: number; mailpit: number; ferretdb: number };
  }[] = [];
  const fdbPid = values['ferretdb-pid'] ? Number(values['ferretdb-pid']) : undefined;
  for (let run = 1; run <= Number(values.runs); run++) {
    const tag = `t${run}x${Date.now().toString(36)}`;
    const db = client.db(`acube_bench_msg`);
    const c = await campaign(db, N, tag);
    gc();
    const base = process.memoryUsage().rss;
    const heapBase = process.memoryUsage().heapUsed;
    let peak = base;
    let heapPeak = heapBase;
    // when the heap peaked, and the heap right after each full GC (what is really held, without the
    // garbage V8 has not collected yet: the sampled peak is that plus the garbage since the last full GC)
    let heapPeakAt = 0;
    let heapPeakPhase = 'enqueue';
    let liveMax = heapBase;
    let liveMaxAt = 0;
    let liveAfterEnqueue = Infinity;
    let majorGCs = 0;
    const sinceStart = () => (performance.now() - t0) / 1000;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      if (m.heapUsed > heapPeak) {
        heapPeak = m.heapUsed;
        heapPeakAt = sinceStart();
        heapPeakPhase = enqueued ? 'send' : 'enqueue';
      }
    }, 50);
    const gcWatch = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if ((e as unknown as { detail?: { kind?: number } }).detail?.kind !== perfConstants.NODE_PERFORMANCE_GC_MAJOR) continue;
        majorGCs++;
        const live = process.memoryUsage().heapUsed;
        if (live > liveMax) {
          liveMax = live;
          liveMaxAt = sinceStart();
        }
        if (enqueued) liveAfterEnqueue = Math.min(liveAfterEnqueue, live);
      }
    });
    gcWatch.observe({ entryTypes: ['gc'] });
    const overlap = values.overlap && !values['enqueue-only'];
    // --overlap: the outbox drains while the campaign is still being enqueued, as the app's outbox worker
    // does (enqueueMany kicks it); the CPU per message and the rate then cover the whole campaign
    const cpuAtStart = { app: cpuSeconds(process.pid), mailpit: cpuSeconds(mp.child.pid), ferretdb: cpuSeconds(fdbPid) };
    const t0 = performance.now();
    let t1 = t0;
    let enqueued = false;
    const enqueue = startDueCampaigns(db).then(() => {
      t1 = performance.now();
      enqueued = true;
    });
    if (!overlap) await enqueue;
    const cpu0 = overlap ? cpuAtStart : { app: cpuSeconds(process.pid), mailpit: cpuSeconds(mp.child.pid), ferretdb: cpuSeconds(fdbPid) };
    const tSend = overlap ? t0 : t1;
    let sent = 0;
    if (values['enqueue-only']) {
      clearInterval(sampler);
      gcWatch.disconnect();
      const queued = await ms.messages(db).countDocuments({ campaignId: c._id });
      console.log(
        `enqueue only: ${N} members → ${queued} messages in ${((t1 - t0) / 1000).toFixed(1)} s; RSS +${((peak - base) / 1048576).toFixed(0)} MB, heap +${((heapPeak - heapBase) / 1048576).toFixed(0)} MB (peak − before)`,
      );
      continue;
    }
    // the send rate per minute: flat if picking a batch does not depend on how many were sent
    const { countMatching } = await import('../../server/db/count');
    let lastSent = 0;
    let lastAt = performance.now();
    const progress = setInterval(
      () => {
        countMatching(db, ms.messages(db), { campaignId: c._id, status: 'sent' })
          .then((n) => {
            const now = performance.now();
            console.log(
              `  ${((now - tSend) / 1000).toFixed(0)} s: ${n} sent, ${((n - lastSent) / ((now - lastAt) / 1000)).toFixed(0)} msg/s over the last interval, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB, load ${os.loadavg()[0]!.toFixed(1)}`,
            );
            lastSent = n;
            lastAt = now;
          })
          .catch(() => undefined);
      },
      Number(values['progress-sec']) * 1000,
    );
    progress.unref();
    for (;;) {
      const wasEnqueued = enqueued;
      const s = await drainOutbox(db);
      sent += s.sent;
      if (wasEnqueued && !(await ms.messages(db).findOne({ campaignId: c._id, status: { $in: ['queued', 'sending'] } }, { projection: { _id: 1 } }))) break;
      if (!wasEnqueued && !s.sent) await new Promise((r) => setTimeout(r, 20));
    }
    await enqueue;
    const t2 = performance.now();
    clearInterval(progress);
    const report = await campaignReport(db, c._id.toHexString());
    const reportMs = performance.now() - t2;
    clearInterval(sampler);
    gcWatch.disconnect();
    console.log(
      `  heap: sampled peak +${((heapPeak - heapBase) / 1048576).toFixed(0)} MB at ${heapPeakAt.toFixed(0)} s (${heapPeakPhase}); after a full GC at most +${((liveMax - heapBase) / 1048576).toFixed(0)} MB (at ${liveMaxAt.toFixed(0)} s), ` +
        `after the enqueue at least +${Number.isFinite(liveAfterEnqueue) ? ((liveAfterEnqueue - heapBase) / 1048576).toFixed(0) : '?'} MB; ${majorGCs} full GCs`,
    );
    if (report.counts.sent !== sent) console.log(`  (report says ${report.counts.sent} sent, the drain counted ${sent})`);
    // CPU per message of each process in the send phase: independent of what else loads the machine
    const per = (a: number, b: number) => ((b - a) * 1000) / Math.max(1, sent);
    const cpuMs = {
      app: per(cpu0.app, cpuSeconds(process.pid)),
      mailpit: per(cpu0.mailpit, cpuSeconds(mp.child.pid)),
      ferretdb: per(cpu0.ferretdb, cpuSeconds(fdbPid)),
    };
    const row = {
      enqueueMs: t1 - t0,
      sendMs: t2 - tSend,
      totalMs: t2 - t0,
      sent,
      perSec: sent / ((t2 - tSend) / 1000),
      memMB: (peak - base) / 1048576,
      heapMB: (heapPeak - heapBase) / 1048576,
      reportMs,
      cpuMs,
    };
    rows.push(row);
    console.log(
      `run ${run}: ${N} members → ${sent} sent; plan+enqueue ${(row.enqueueMs / 1000).toFixed(1)} s, send ${(row.sendMs / 1000).toFixed(1)} s = ${row.perSec.toFixed(0)} msg/s, total ${(row.totalMs / 1000).toFixed(1)} s${overlap ? ' (enqueue and send overlapped: send = the whole campaign)' : ''}, RSS +${row.memMB.toFixed(0)} MB (heap +${row.heapMB.toFixed(0)} MB), report ${row.reportMs.toFixed(0)} ms`,
    );
    const total = cpuMs.app + cpuMs.mailpit + cpuMs.ferretdb;
    console.log(
      `  CPU per message: app ${cpuMs.app.toFixed(2)} ms, Mailpit ${cpuMs.mailpit.toFixed(2)} ms, FerretDB ${fdbPid ? cpuMs.ferretdb.toFixed(2) : '(no --ferretdb-pid)'} ms → ${total.toFixed(2)} ms; CPU ceiling on two idle cores ≈ ${(2000 / total).toFixed(0)} msg/s`,
    );
    await fetch(`${mp.apiUrl}/api/v1/messages`, { method: 'DELETE' });
  }
  if (rows.length) {
    console.log(
      `median of ${rows.length}: plan+enqueue ${(median(rows.map((r) => r.enqueueMs)) / 1000).toFixed(1)} s, send ${median(rows.map((r) => r.perSec)).toFixed(0)} msg/s, ` +
        `campaign total ${(median(rows.map((r) => r.totalMs)) / 1000).toFixed(1)} s, RSS +${median(rows.map((r) => r.memMB)).toFixed(0)} MB, ` +
        `report ${median(rows.map((r) => r.reportMs)).toFixed(0)} ms, CPU ms/message app ${median(rows.map((r) => r.cpuMs.app)).toFixed(2)} Mailpit ${median(rows.map((r) => r.cpuMs.mailpit)).toFixed(2)} FerretDB ${median(rows.map((r) => r.cpuMs.ferretdb)).toFixed(2)}`,
    );
  }

  if (!values['skip-kill']) {
    const K = Number(values['kill-members']);
    const tag = `kill${Date.now().toString(36)}`;
    const db = client.db('acube_bench_msg_kill');
    const c = await campaign(db, K, tag);
    await startDueCampaigns(db);
    const enqueued = await ms.messages(db).countDocuments({ campaignId: c._id });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, '..', '..', 'server', 'messaging', 'testing', 'kill-child.ts'), db.databaseName],
      {
        env: { ...process.env, MONGODB_URI: uri, MESSAGING_KILL_AT: 'after-smtp', MESSAGING_KILL_AFTER: values['kill-after'], MESSAGING_LOCK_LEASE_MS: '3000' },
        stdio: 'inherit',
      },
    );
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
    const { leasedBatches } = await import('../../server/messaging/outbox');
    const stuck = await leasedBatches(db);
    console.log(`kill: child ended by ${signal} after ${values['kill-after']} messages; ${stuck} leased batch(es) left behind`);
    await new Promise((r) => setTimeout(r, 3_200));
    for (;;) {
      await drainOutbox(db);
      if (!(await ms.messages(db).findOne({ campaignId: c._id, status: { $in: ['queued', 'sending'] } }, { projection: { _id: 1 } }))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 500));
    const { total, keys } = await mailpitKeys(mp.apiUrl, tag);
    const dups = [...keys.values()].reduce((s, n) => s + (n - 1), 0);
    const expected = await ms
      .messages(db)
      .find({ campaignId: c._id }, { projection: { idempotencyKey: 1 } })
      .toArray();
    const missing = expected.filter((m) => !keys.has(m.idempotencyKey)).length;
    console.log(`kill: ${enqueued} enqueued, ${total} in Mailpit, ${keys.size} distinct idempotency keys → duplicates ${dups}, missing ${missing}`);
  }
  closeTransports();
  await client.close();
  await mp.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
