/**
 * Audit log viewer benchmark: audit.list (keyset pages on the `at` index, filters) and
 * the admin-activity dashboard widget over a large audit_logs collection.
 *   MONGODB_URI=mongodb://127.0.0.1:27017 npx tsx scripts/bench/audit.ts [entries=100000] [runs=7]
 * Uses its own database (bench_audit), dropped at the end.
 */
import './no-server-only';
import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../../server/db/indexes';
import { listAudit } from '../../server/audit/list';
import { AuditListInput } from '../../server/audit/schema';
import { dayKey } from '../../server/lib/buckets';
import { mulberry32 } from '../../server/lib/prng';
import { loadWidget } from '../../server/dashboard/get';
import { builtinRole } from '../../server/permissions';

const N = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 7);
const ACTIONS = ['auth.signIn', 'admins.setRole', 'roles.update', 'export.run', 'backup.create', 'search.query', 'me.changePassword'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>) {
  const out: number[] = [];
  await fn(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return { median: median(out), min: Math.min(...out), max: Math.max(...out) };
}

async function main() {
  const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  const db = client.db('bench_audit');
  await db.dropDatabase();
  await ensureIndexes(db);
  const rnd = mulberry32(42);
  const start = Date.now() - 180 * 86400_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, N - i) }, (_, k) => {
      const at = new Date(start + ((i + k) / N) * 180 * 86400_000);
      const a = Math.floor(rnd() * 40);
      return {
        at,
        day: dayKey(at),
        actor: { id: (a + 1).toString(16).padStart(24, '0'), email: `admin${a}@acube.local`, role: 'admin' },
        action: ACTIONS[Math.floor(rnd() * ACTIONS.length)]!,
        target: { type: 'admin', id: String(i + k), label: `target-${(i + k) % 997}` },
        input: { n: i + k },
        details: { before: { role: 'viewer' }, after: { role: 'analyst' } },
        result: rnd() < 0.9 ? 'success' : rnd() < 0.5 ? 'failure' : 'denied',
        error: null,
        ip: '10.0.0.1',
        userAgent: 'bench',
      };
    });
    await db.collection('audit_logs').insertMany(batch as never[]);
  }
  const loadMs = performance.now() - t0;

  const first = AuditListInput.parse({});
  const page1 = await listAudit(db, first);
  // a deeper page: walk 10 pages once to obtain the cursor
  let cursor = page1.nextCursor;
  for (let i = 0; i < 9 && cursor; i++) cursor = (await listAudit(db, AuditListInput.parse({ cursor }))).nextCursor;
  const mid = new Date(start + 90 * 86400_000);
  const rows: [string, () => Promise<unknown>][] = [
    ['audit.list first page (50)', () => listAudit(db, first)],
    ['audit.list page 11 via cursor', () => listAudit(db, AuditListInput.parse({ cursor }))],
    ['audit.list action filter', () => listAudit(db, AuditListInput.parse({ action: 'admins.setRole' }))],
    ['audit.list admin filter (email)', () => listAudit(db, AuditListInput.parse({ actor: 'admin7@' }))],
    ['audit.list 7-day range', () => listAudit(db, AuditListInput.parse({ from: mid, to: new Date(mid.getTime() + 7 * 86400_000) }))],
    ['audit.list result=denied + range', () => listAudit(db, AuditListInput.parse({ result: 'denied', from: mid }))],
    [
      'dashboard widget adminActivity (super admin)',
      () => loadWidget(db, { admin: { _id: null as never } as never, role: builtinRole('super_admin') }, 'adminActivity'),
    ],
  ];
  console.log(`audit_logs: ${N.toLocaleString('en-US')} entries (inserted in ${(loadMs / 1000).toFixed(1)} s); ${RUNS} runs each, after one warm-up\n`);
  console.log('| query | median ms | min ms | max ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, fn] of rows) {
    const r = await time(fn);
    console.log(`| ${name} | ${r.median.toFixed(1)} | ${r.min.toFixed(1)} | ${r.max.toFixed(1)} |`);
  }
  await db.dropDatabase();
  await client.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
