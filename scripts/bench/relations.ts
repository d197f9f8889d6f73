/**
 * Relations benchmark (issue 13, item 1): through tRPC (createCaller, as an admin), on the demo data set
 * scaled by --scale (1 = 1,500 members, 4,000 bookings, 40,000 activity events):
 *   - a page of bookings with member and psychologist names (two batched `_id $in` finds),
 *   - a member's bookings by email: `is`, `starts with`, `contains` (resolved to ids first),
 *   - a condition whose related side is over the cap (refused),
 *   - a member's drawer: the record and its related records.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27036 ACUBE_EMBEDDED=1 npx tsx scripts/bench/relations.ts [--scale 1] [--runs 5]
 */
import './no-server-only';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { insertAdmin } from '../../server/auth/admins';
import { collections } from '../../server/db/collections';
import { ensureIndexes } from '../../server/db/indexes';
import { clearCaches } from '../../server/db/cache';
import { seedPlatform, DEMO_DEFAULTS } from '../../server/seed/demo';
import { DAY_ACTIVE, rebuildRollup } from '../../server/analytics/rollup';
import { createContextInner } from '../../server/trpc/init';
import { createCaller } from '../../server/trpc/root';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' } } });
const SCALE = Number(values.scale);
const RUNS = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const client = new MongoClient(process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017');
await client.connect();
const db = client.db(`bench_relations_x${SCALE}`);
if ((await db.collection('users').estimatedDocumentCount()) === 0) {
  console.error(`[bench] seeding x${SCALE}…`);
  await ensureIndexes(db);
  await seedPlatform(db, { users: DEMO_DEFAULTS.users * SCALE, bookings: DEMO_DEFAULTS.bookings * SCALE, activity: DEMO_DEFAULTS.activity * SCALE, seed: 13 });
}
// a member's recent activity is found through the day → members rollup (kept by ingestion)
if ((await db.collection(DAY_ACTIVE).estimatedDocumentCount()) === 0) await rebuildRollup(db);
await ensureIndexes(db);
const email = 'bench-admin@acube.local';
const admin =
  (await collections.admins(db).findOne({ email })) ?? (await insertAdmin(db, { email, name: 'Bench admin', role: 'admin', password: 'bench-password-0000' }));
const caller = createCaller(createContextInner({ db, session: { adminId: admin._id.toHexString(), sessionVersion: admin.sessionVersion } }));

// a member with bookings
const b = await db.collection('session_bookings').findOne({}, { sort: { _id: 1 } });
const member = await db.collection('users').findOne({ _id: b!.userId });
const mail = String(member!.email);
const newestEvent = await db
  .collection('activity_events')
  .find({}, { projection: { userId: 1 }, sort: { ts: -1 }, limit: 1 })
  .next();
const recent = (newestEvent!.userId as { toHexString(): string }).toHexString();
const counts = { users: await db.collection('users').countDocuments(), bookings: await db.collection('session_bookings').countDocuments() };
const where = (field: string, operator: 'eq' | 'contains' | 'startsWith', value: string) => ({ op: 'and' as const, conditions: [{ field, operator, value }] });

const cases: { label: string; run: () => Promise<unknown> }[] = [
  { label: 'bookings page (50) with member + psychologist names', run: () => caller.search.query({ collection: 'session_bookings', pageSize: 50 }) },
  {
    label: 'bookings where Member email is <email>',
    run: () => caller.search.query({ collection: 'session_bookings', where: where('userId.email', 'eq', mail) }),
  },
  {
    label: 'bookings where Member email starts with <local part>',
    run: () => caller.search.query({ collection: 'session_bookings', where: where('userId.email', 'startsWith', mail.split('@')[0]!) }),
  },
  {
    label: 'bookings where Member email contains <email>',
    run: () => caller.search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', mail) }),
  },
  {
    label: 'bookings where Member email contains "@" (over the cap: refused)',
    run: () => caller.search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', '@') }).catch(() => 'refused'),
  },
  {
    label: "member's drawer: search.record + search.related (member of the first booking)",
    run: () =>
      Promise.all([
        caller.search.record({ collection: 'users', id: member!._id.toHexString() }),
        caller.search.related({ collection: 'users', id: member!._id.toHexString() }),
      ]),
  },
  { label: "member's drawer, the most recently active member", run: () => caller.search.related({ collection: 'users', id: recent }) },
];
for (const c of cases) await c.run(); // warm-up
const ms: number[][] = cases.map(() => []);
for (let i = 0; i < RUNS; i++) {
  for (const [j, c] of cases.entries()) {
    clearCaches(); // counts are cached two minutes: measure the uncached path
    const t0 = performance.now();
    await c.run();
    ms[j]!.push(performance.now() - t0);
  }
}
console.log(
  `\nx${SCALE}: ${counts.users.toLocaleString('en-US')} members, ${counts.bookings.toLocaleString('en-US')} bookings; ${RUNS} runs, caches cleared, median ms`,
);
console.log('| query | median ms | min | max |');
console.log('|---|---:|---:|---:|');
for (const [j, c] of cases.entries())
  console.log(`| ${c.label} | ${median(ms[j]!).toFixed(1)} | ${Math.min(...ms[j]!).toFixed(1)} | ${Math.max(...ms[j]!).toFixed(1)} |`);
await client.close();
