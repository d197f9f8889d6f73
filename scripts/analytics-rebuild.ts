/**
 * Rebuilds the analytics rollup (one document per member per UTC day) from activity_events:
 * `npm run analytics:rebuild`. Uses MONGODB_URI / MONGODB_DB like the app.
 */
import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../server/db/indexes';
import { rebuildRollup } from '../server/analytics/rollup';

async function main() {
  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
  const dbName = process.env.MONGODB_DB ?? 'acube';
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    const db = client.db(dbName);
    await ensureIndexes(db);
    const r = await rebuildRollup(db, (m) => console.log(`[analytics] ${m}`));
    console.log(
      `[analytics] rollup rebuilt: ${r.events.toLocaleString('en-US')} events → ${r.docs.toLocaleString('en-US')} member-days in ${(r.ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await client.close();
  }
}

main().catch((e) => {
  console.error(`[analytics] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
