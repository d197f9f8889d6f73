import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../server/db/indexes';
import { ensureDemoAdmins } from '../server/auth/admins';
import { seedPlatform } from '../server/seed/demo';
import { rebuildRollup } from '../server/analytics/rollup';

/** A fresh e2e database: demo operators plus a small platform data set. */
export default async function globalSetup() {
  const client = new MongoClient(process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017');
  await client.connect();
  const db = client.db(process.env.E2E_DB || 'acube_e2e');
  await db.dropDatabase();
  await ensureIndexes(db);
  await ensureDemoAdmins(db);
  await seedPlatform(db, { users: 300, bookings: 600, activity: 5000, seed: 7, now: new Date() });
  await rebuildRollup(db);
  await client.close();
}
