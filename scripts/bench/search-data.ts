/**
 * Bench data for the search and export benchmarks: N session_bookings (default 1,000,000)
 * in a bench database (MONGODB_DB, default `acube_bench`), seeded once and reused across runs.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27021 npx tsx scripts/bench/search-data.ts [--bookings 1000000] [--fresh]
 */
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import { ensureIndexes } from '../../server/db/indexes';
import { seedPlatform } from '../../server/seed/demo';
import { COLLECTION_KEYS } from '../../server/registry';

export const BENCH_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
export const BENCH_DB = process.env.MONGODB_DB ?? 'acube_bench';

/** Seeds the bench database unless it already holds `bookings` session_bookings. */
export async function ensureBenchData(db: Db, bookings: number, fresh = false): Promise<number> {
  const have = await db.collection('session_bookings').estimatedDocumentCount();
  if (!fresh && have >= bookings) return have;
  for (const c of COLLECTION_KEYS)
    await db
      .collection(c)
      .drop()
      .catch(() => undefined);
  await ensureIndexes(db);
  console.log(`[bench] seeding ${bookings.toLocaleString('en-US')} session_bookings into ${db.databaseName} (once; reused by later runs)…`);
  const counts = await seedPlatform(db, { users: 20_000, bookings, activity: 0, seed: 3, now: new Date('2026-11-01T00:00:00Z'), batchSize: 2000 }, (m) =>
    console.log(`[bench] ${m}`),
  );
  return counts.session_bookings ?? 0;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  const { values } = parseArgs({ options: { bookings: { type: 'string', default: '1000000' }, fresh: { type: 'boolean', default: false } } });
  const client = new MongoClient(BENCH_URI);
  await client.connect();
  try {
    const n = await ensureBenchData(client.db(BENCH_DB), Number(values.bookings), values.fresh);
    console.log(`[bench] ${BENCH_DB}.session_bookings: ${n.toLocaleString('en-US')} documents`);
  } finally {
    await client.close();
  }
}
