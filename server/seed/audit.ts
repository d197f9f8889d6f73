/**
 * Synthetic audit entries for benchmarks and demo data at scale (`npm run seed -- --audit N`): operators,
 * actions, targets and results in realistic proportions, spread over the last year, deterministic for a
 * seed. Written directly (not through writeAudit: no input summaries to build), in the same shape.
 */
import { ObjectId, type Db } from 'mongodb';
import type { AuditLogDoc } from '../db/collections';
import { Rng } from '../lib/prng';
import { dayKey } from '../lib/buckets';

const ROLES = ['super_admin', 'admin', 'content_manager', 'moderator', 'analyst', 'viewer'] as const;
const ACTIONS: ReadonlyArray<readonly [string, number, string | null]> = [
  ['auth.signIn', 40, null],
  ['export.download', 12, 'export'],
  ['search.saved.create', 5, 'saved_search'],
  ['backup.create', 4, 'backup'],
  ['backup.verify', 3, 'backup'],
  ['backup.scheduled', 3, 'backup'],
  ['backup.restore', 1, 'backup'],
  ['quality.applyFixes', 2, 'collection'],
  ['admins.create', 1, 'admin'],
  ['admins.setRole', 1, 'admin'],
  ['admins.resetPassword', 1, 'admin'],
  ['roles.update', 1, 'role'],
  ['analytics.keys.create', 1, 'api_key'],
  ['analytics.csv', 4, 'analytics'],
];

export async function seedAudit(db: Db, n: number, seed = 7, now = Date.now()): Promise<number> {
  const rng = new Rng(seed).fork('audit');
  const operators = Array.from({ length: 40 }, (_, i) => ({
    id: new ObjectId(`6500000000000000000${String(i).padStart(5, '0')}`).toHexString(),
    email: i < ROLES.length ? `${['superadmin', 'admin', 'content', 'moderator', 'analyst', 'viewer'][i]}@acube.local` : `operator${i}@acube.local`,
    role: ROLES[i % ROLES.length]!,
  }));
  const weighted = ACTIONS.map((a) => [a, a[1]] as const);
  const coll = db.collection<AuditLogDoc>('audit_logs');
  let written = 0;
  const batch: AuditLogDoc[] = [];
  const flush = async () => {
    if (batch.length) await coll.insertMany(batch.splice(0), { ordered: false });
  };
  for (let i = 0; i < n; i++) {
    const at = new Date(now - Math.floor(rng.next() * 365 * 86_400_000));
    const [action, , targetType] = rng.weighted(weighted);
    const op = rng.chance(0.03) && action === 'auth.signIn' ? null : rng.pick(operators);
    const result = action === 'auth.signIn' && rng.chance(0.08) ? 'failure' : rng.chance(0.03) ? 'denied' : 'success';
    batch.push({
      _id: new ObjectId(),
      at,
      day: dayKey(at),
      actor: op,
      actorEmail: op?.email ?? '',
      action,
      target: targetType ? { type: targetType, id: new ObjectId().toHexString(), label: `${targetType} ${rng.int(1, 500)}` } : null,
      result,
      error: result === 'failure' ? 'Wrong email or password' : null,
      ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      userAgent: 'Mozilla/5.0 (bench)',
      details: null,
    });
    if (batch.length >= 1000) {
      written += batch.length;
      await flush();
    }
  }
  written += batch.length;
  await flush();
  return written;
}
