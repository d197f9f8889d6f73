/**
 * Analytics benchmark: `MONGODB_URI=… MONGODB_DB=<bench db> npx tsx scripts/bench/analytics.ts`
 * (the db seeded with e.g. `npm run seed -- --users 100000 --bookings 0 --activity 2000000`,
 * which also builds the rollup). Prints a table of medians:
 *   - 90-day daily active users series and 12-week weekly retention table:
 *     cold (result cache and member directory empty), cold result cache with a warm member
 *     directory, and cached;
 *   - ingestion through the POST /api/events handler (in-process: the handler function itself,
 *     with a real Request, API key check, validation, storage and the rollup queue; no HTTP socket),
 *     then the time until the queue is drained (the rollup caught up),
 *     batches of 500, into the same database (the events stay: they are real events of the last hour).
 * COUNTS=0 skips counting the collections. RUNS (default 5; 0 = ingestion only) and BATCHES (default 20; 0 = queries only) tune it; CLIENTS (default 1) sends that many batches at
 * a time (clients of the platform posting concurrently). BASE_URL (e.g. http://localhost:3200) posts
 * over HTTP to a running server on the same database instead of calling the handler in-process; the
 * rollup is then drained by that server. Against the embedded FerretDB run it with
 * ACUBE_EMBEDDED=1, as the app runs there (unique indexes only: server/db/index-policy.ts).
 */
process.env.MONGODB_DB ??= 'acube_bench';
import './no-server-only';
import { MongoClient, ObjectId } from 'mongodb';

const RUNS = Number(process.env.RUNS ?? 5);
const BATCHES = Number(process.env.BATCHES ?? 20);
const CLIENTS = Math.max(1, Number(process.env.CLIENTS ?? 1));
const BASE_URL = process.env.BASE_URL;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const { activeUsers, retention } = await import('../../server/analytics/service');
  const { clearAnalyticsCache, clearResultCache } = await import('../../server/analytics/cache');
  const { createApiKey, revokeApiKey } = await import('../../server/analytics/keys');
  const { DAY_ACTIVE, ROLLUP } = await import('../../server/analytics/rollup');
  const { dayIndexOfKey, dayKeyOfIndex } = await import('../../server/analytics/periods');
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  const db = client.db(process.env.MONGODB_DB);
  // Counting is a full scan on FerretDB (minutes at 2M events): COUNTS=0 skips it.
  const count = (c: string) => (process.env.COUNTS === '0' ? Promise.resolve(NaN) : db.collection(c).estimatedDocumentCount());
  const sizes = {
    members: await count('users'),
    events: await count('activity_events'),
    memberDays: await count(ROLLUP),
  };
  const last = (
    await db
      .collection(DAY_ACTIVE)
      .find({}, { projection: { d: 1 } })
      .toArray()
  )
    .map((d) => d.d as string)
    .sort()
    .at(-1);
  if (!last) throw new Error('No rollup: run `npm run analytics:rebuild` first.');
  const ref = dayIndexOfKey(last);
  const dauInput = { from: dayKeyOfIndex(ref - 89), to: dayKeyOfIndex(ref), interval: 'day' as const, event: null };
  const retInput = {
    from: dayKeyOfIndex(ref - 83),
    to: dayKeyOfIndex(ref),
    interval: 'week' as const,
    event: null,
    mode: 'first_time' as const,
    criterion: 'on' as const,
  };

  const rows: Array<[string, number, string]> = [];
  async function measure(label: string, fn: () => Promise<unknown>, before: () => void) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      before();
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
    rows.push([label, median(times), times.map((x) => x.toFixed(0)).join(' ')]);
    console.error(`[bench] ${label}: ${times.map((x) => x.toFixed(0)).join(' ')} ms`);
  }
  const noop = () => undefined;
  // "cold" = no cached result. The member directory (users id → signup day) is loaded in the
  // background at server start and refreshed in the background, so requests find it warm; the
  // "new process" rows show what a request pays if it arrives before that first load finished.
  if (RUNS > 0) {
    await measure('DAU 90 days, cold (no cached result)', () => activeUsers(db, dauInput), clearAnalyticsCache);
    await measure('DAU 90 days, cached', () => activeUsers(db, dauInput), noop);
    await measure('Retention 12 weeks, new process: member directory not loaded yet', () => retention(db, retInput), clearAnalyticsCache);
    await measure('Retention 12 weeks, cold (no cached result; directory loaded at start-up)', () => retention(db, retInput), clearResultCache);
    await measure('Retention 12 weeks, cached', () => retention(db, retInput), noop);
  }

  if (BATCHES > 0) await ingestion();
  async function ingestion() {
    // Ingestion through the route handler.
    const { POST } = await import('../../app/api/events/route');
    // The route's getDb() ensures the app's indexes once per process (on a bench database seeded by an
    // older version that can mean building several): do that before timing, as a started server has.
    const { getDb } = await import('../../server/db/client');
    const t = performance.now();
    await getDb();
    console.error(`[bench] getDb() (ensure indexes) before ingestion: ${(performance.now() - t).toFixed(0)} ms`);
    // The server loads the member directory at start-up; so does the bench, before timing.
    const { memberDirectory } = await import('../../server/analytics/members');
    await memberDirectory(db);
    const { key, apiKey } = await createApiKey(db, 'bench', 'bench');
    const members = (
      await db
        .collection('users')
        .find({}, { projection: { _id: 1 } })
        .limit(20_000)
        .toArray()
    ).map((u) => (u._id as ObjectId).toHexString());
    const names = ['app.opened', 'page.viewed', 'blog.read', 'search.performed', 'session.booked'];
    const runId = new ObjectId().toHexString();
    let seq = 0;
    const batchTimes: number[] = [];
    let accepted = 0;
    const t0 = performance.now();
    let next = 0;
    async function client() {
      while (next < BATCHES) {
        next++;
        const now = Date.now();
        const events = Array.from({ length: 500 }, () => ({
          eventId: `bench-${runId}-${seq++}`,
          userId: members[Math.floor(Math.random() * members.length)],
          name: names[Math.floor(Math.random() * names.length)],
          ts: new Date(now - Math.floor(Math.random() * 3_600_000)).toISOString(),
        }));
        const init = { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) };
        const start = performance.now();
        const res = BASE_URL ? await fetch(`${BASE_URL}/api/events`, init) : await POST(new Request('http://bench/api/events', init));
        if (!res.ok) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
        batchTimes.push(performance.now() - start);
        const body = (await res.json()) as { accepted: number };
        accepted += body.accepted;
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const total = performance.now() - t0;
    // The route answers once the events are stored; the rollup follows from the queue (drained in
    // this process, as in the server). Caught up = the queue is empty and no drain is running.
    const { drainRollupQueue, queuedBatches } = await import('../../server/analytics/queue');
    const backlog = await queuedBatches(db);
    for (;;) {
      // Over HTTP the server drains (a queue document is deleted once applied); in-process, this process does.
      const r = BASE_URL ? { locked: true } : await drainRollupQueue(db);
      if (r.locked && (await queuedBatches(db)) === 0) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const caughtUp = performance.now() - t0;
    rows.push([
      `Ingestion${BASE_URL ? ' over HTTP' : ''}: ${BATCHES} batches of 500, ${CLIENTS} client${CLIENTS > 1 ? 's' : ''} (per batch)`,
      median(batchTimes),
      `${((accepted / total) * 1000).toFixed(0)} events/s accepted (${accepted} in ${(total / 1000).toFixed(1)} s)`,
    ]);
    rows.push([
      `Ingestion incl. rollup: until the queue is drained`,
      caughtUp,
      `${((accepted / caughtUp) * 1000).toFixed(0)} events/s end to end; ${backlog} batches queued when the last POST answered; rollup lag ${((caughtUp - total) / 1000).toFixed(1)} s`,
    ]);
    await revokeApiKey(db, apiKey.id, 'bench');
  }

  const { defaultIndexPolicy } = await import('../../server/db/index-policy');
  console.log(
    `\nAnalytics benchmark — db ${db.databaseName} (index policy ${defaultIndexPolicy()}): ${sizes.members.toLocaleString('en-US')} members, ${sizes.events.toLocaleString('en-US')} events, ${sizes.memberDays.toLocaleString('en-US')} member-days; reference day ${last}; ${RUNS} runs\n`,
  );
  console.log('| measurement | median ms | runs (ms) / notes |\n|---|---:|---|');
  for (const [l, m, n] of rows) console.log(`| ${l} | ${m.toFixed(0)} | ${n} |`);
  await client.close();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
