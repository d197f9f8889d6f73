/**
 * Demo data for the A-Cube platform: `npm run seed -- --users N --bookings N --activity N [--seed S] [--drop]`.
 * `--if-empty` seeds only an empty database; `--demo-admins` adds one operator per role
 * (refused unless the embedded database is in use: never on a real MONGODB_URI).
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../server/db/indexes';
import { ensureDemoAdmins } from '../server/auth/admins';
import { seedPlatform, DEMO_DEFAULTS } from '../server/seed/demo';
import { COLLECTION_KEYS } from '../server/registry';
import { rebuildRollup } from '../server/analytics/rollup';

const { values } = parseArgs({
  options: {
    users: { type: 'string' },
    bookings: { type: 'string' },
    activity: { type: 'string' },
    seed: { type: 'string' },
    'if-empty': { type: 'boolean', default: false },
    'demo-admins': { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
  },
});

function count(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 50_000_000) throw new Error(`--${name} must be a whole number between 0 and 50,000,000 (got "${v}")`);
  return n;
}

async function main() {
  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
  const dbName = process.env.MONGODB_DB ?? 'acube';
  const embedded = process.env.ACUBE_EMBEDDED === '1';
  if (values['demo-admins'] && !embedded) {
    throw new Error('--demo-admins is only for the embedded database; use `npm run admin:create` against a real server.');
  }
  // Only these four are given; seedPlatform derives the other collections' sizes from the member count.
  const opts = {
    users: count('users', values.users, DEMO_DEFAULTS.users),
    bookings: count('bookings', values.bookings, DEMO_DEFAULTS.bookings),
    activity: count('activity', values.activity, DEMO_DEFAULTS.activity),
    seed: count('seed', values.seed, DEMO_DEFAULTS.seed ?? 42),
  };
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    const db = client.db(dbName);
    if (values.drop) for (const c of COLLECTION_KEYS) await db.collection(c).drop().catch(() => undefined);
    await ensureIndexes(db);
    if (values['demo-admins']) {
      const n = await ensureDemoAdmins(db);
      if (n) console.log(`[seed] created ${n} demo operator accounts (password acube-demo)`);
    }
    const existing = await db.collection('users').estimatedDocumentCount();
    if (values['if-empty'] && existing > 0) {
      console.log(`[seed] database "${dbName}" already has data (${existing} members); not seeding`);
      return;
    }
    const t0 = Date.now();
    const counts = await seedPlatform(db, opts, (m) => console.log(`[seed] ${m}`));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`[seed] ${total.toLocaleString('en-US')} documents in ${((Date.now() - t0) / 1000).toFixed(1)} s:`, counts);
    const r = await rebuildRollup(db, (m) => console.log(`[seed] analytics: ${m}`));
    console.log(`[seed] analytics rollup: ${r.docs.toLocaleString('en-US')} member-days in ${(r.ms / 1000).toFixed(1)} s`);
  } finally {
    await client.close();
  }
}

main().catch((e) => {
  console.error(`[seed] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
