/**
 * Demo data for the A-Cube platform: `npm run seed -- --users N --bookings N --activity N [--audit N] [--seed S] [--drop]`,
 * or `npm run seed -- --scale K --drop`: K times the demo data (bookings, activity events; as many members as
 * bookings when K > 1) plus
 * 4,000 × K audit entries; `--scale 25` is the benchmark size (100,000 members, 100,000 bookings,
 * 1,000,000 activity events, 100,000 audit entries).
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
import { seedAudit } from '../server/seed/audit';

const { values } = parseArgs({
  options: {
    users: { type: 'string' },
    bookings: { type: 'string' },
    activity: { type: 'string' },
    audit: { type: 'string' },
    scale: { type: 'string' },
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
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) throw new Error(`--scale must be a whole number between 1 and 1000 (got "${values.scale}")`);
  const opts = {
    // --scale K (K > 1) is the benchmark size of issue 12: as many members as bookings (4,000 × K; 25× =
    // 100,000 members), K × the bookings and activity events; the demo itself (K = 1) keeps its 1,500 members.
    users: count('users', values.users, scale === 1 ? DEMO_DEFAULTS.users : DEMO_DEFAULTS.bookings * scale),
    bookings: count('bookings', values.bookings, DEMO_DEFAULTS.bookings * scale),
    activity: count('activity', values.activity, DEMO_DEFAULTS.activity * scale),
    seed: count('seed', values.seed, DEMO_DEFAULTS.seed ?? 42),
  };
  const auditEntries = count('audit', values.audit, values.scale === undefined ? 0 : 4_000 * scale);
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    const db = client.db(dbName);
    if (values.drop)
      for (const c of [...COLLECTION_KEYS, ...(auditEntries ? ['audit_logs'] : [])])
        await db
          .collection(c)
          .drop()
          .catch(() => undefined);
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
    if (auditEntries) {
      const ta = Date.now();
      const n = await seedAudit(db, auditEntries, opts.seed);
      console.log(`[seed] audit_logs: ${n.toLocaleString('en-US')} entries in ${((Date.now() - ta) / 1000).toFixed(1)} s`);
    }
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
