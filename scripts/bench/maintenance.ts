/**
 * Maintenance benchmark (issue 16): `MONGODB_URI=… MONGODB_DB=<seeded db> ACUBE_EMBEDDED=1 npx tsx scripts/bench/maintenance.ts`
 * on a database seeded with `npm run seed` (demo size by default). Prints:
 *   - member directory: a full build vs an incremental refresh (nothing changed; CHANGED members changed),
 *     medians of RUNS;
 *   - analytics compaction, twice: on the rollup as the seed leaves it (one document per member-day, a
 *     rebuild's shape), and after replaying every stored event through the drain's applyToRollup in steps
 *     of STEP events in time order (the part-per-step shape live ingestion leaves): documents before and
 *     after, the compaction's time, and a 90-day feature-usage read before and after (whose results must be
 *     identical, and identical across both shapes).
 * Writes to the rollup collections of that database (it ends compacted, with the same numbers).
 */
process.env.MONGODB_DB ??= 'acube_bench';
import './no-server-only';
import { MongoClient, type ObjectId } from 'mongodb';

const RUNS = Number(process.env.RUNS ?? 5);
const CHANGED = Number(process.env.CHANGED ?? 20);
const STEP = Number(process.env.STEP ?? 50);
/** JSON with object keys sorted: the same numbers in another key order (byName follows row order) compare equal. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const members = await import('../../server/analytics/members');
  const { featureUsage } = await import('../../server/analytics/service');
  const { clearResultCache } = await import('../../server/analytics/cache');
  const { applyToRollup, ROLLUP } = await import('../../server/analytics/rollup');
  const { compactRollup } = await import('../../server/analytics/compact');
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  const db = client.db(process.env.MONGODB_DB);

  // ---------------------------------------------------------------- member directory
  const full: number[] = [];
  const incIdle: number[] = [];
  const incChanged: number[] = [];
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    members.forgetMemberDirectory(db);
    const t0 = performance.now();
    size = (await members.memberDirectory(db)).size;
    full.push(performance.now() - t0);
    incIdle.push((await members.refreshMemberDirectory(db)).ms);
    const ids = (
      await db
        .collection('users')
        .find({}, { projection: { _id: 1 } })
        .skip(i * CHANGED)
        .limit(CHANGED)
        .toArray()
    ).map((u) => u._id as ObjectId);
    await db.collection('users').updateMany({ _id: { $in: ids } }, { $set: { updatedAt: new Date() } });
    const r = await members.refreshMemberDirectory(db);
    if (r.mode !== 'incremental' || r.scanned < CHANGED) throw new Error(`unexpected refresh ${JSON.stringify(r)}`);
    incChanged.push(r.ms);
  }
  console.log(`member directory (${size.toLocaleString('en-US')} members), median of ${RUNS}:`);
  console.log(`  full build                         ${median(full).toFixed(0)} ms`);
  console.log(`  incremental, nothing changed       ${median(incIdle).toFixed(0)} ms`);
  console.log(`  incremental, ${CHANGED} members changed     ${median(incChanged).toFixed(0)} ms`);

  // ---------------------------------------------------------------- compaction
  const today = new Date();
  const range = {
    from: new Date(today.getTime() - 89 * 86_400_000).toISOString().slice(0, 10),
    to: today.toISOString().slice(0, 10),
    interval: 'week' as const,
    event: null,
  };
  const read = async () => {
    clearResultCache();
    const t0 = performance.now();
    const v = await featureUsage(db, range);
    return { ms: performance.now() - t0, json: canonical(v) };
  };
  const compactOnce = async (label: string, reference: string | null) => {
    const docs = await db.collection(ROLLUP).countDocuments({});
    const before = await read();
    const r = await compactRollup(db, today);
    const after = await read();
    if (after.json !== before.json) throw new Error(`${label}: feature usage changed by compaction`);
    if (reference && before.json !== reference) throw new Error(`${label}: differs from the rebuild's numbers`);
    console.log(`compaction, ${label}:`);
    console.log(
      `  documents ${docs.toLocaleString('en-US')} → ${r.docsAfter.toLocaleString('en-US')} (${r.days} days, ${r.memberDays.toLocaleString('en-US')} member-days) in ${r.ms} ms`,
    );
    console.log(`  90-day feature usage read: ${before.ms.toFixed(0)} ms before, ${after.ms.toFixed(0)} ms after (identical results)`);
    return before.json;
  };
  const reference = await compactOnce('seeded rollup (one document per member-day)', null);

  // Replay the stored events through the drain's fold in steps of STEP, in time order.
  await db.collection(ROLLUP).deleteMany({});
  const t0 = performance.now();
  let batch: Array<{ userId: ObjectId; name: string; day: string; week: string; month: string }> = [];
  let steps = 0;
  const cursor = db
    .collection('activity_events')
    .find({}, { projection: { _id: 0, userId: 1, name: 1, day: 1, week: 1, month: 1 }, sort: { ts: 1, _id: 1 }, batchSize: 10_000 });
  for await (const ev of cursor) {
    batch.push(ev as never);
    if (batch.length === STEP) {
      await applyToRollup(db, batch);
      steps++;
      batch = [];
    }
  }
  if (batch.length) {
    await applyToRollup(db, batch);
    steps++;
  }
  console.log(`replayed the events in ${steps.toLocaleString('en-US')} drain steps of ${STEP} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await compactOnce(`after the replay (one part per day and step)`, reference);
  await client.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
