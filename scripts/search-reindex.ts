/**
 * Backfills the `_kw` search keywords of existing platform documents:
 *   npm run search:reindex [-- --collection users]
 * against MONGODB_URI / MONGODB_DB (default mongodb://127.0.0.1:27017 / acube).
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../server/db/indexes';
import { isSearchKey, hasKeywords } from '../server/registry';
import { reindexKeywords } from '../server/search/reindex';

const { values } = parseArgs({ options: { collection: { type: 'string', multiple: true } } });
const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const dbName = process.env.MONGODB_DB ?? 'acube';
const picked = values.collection ?? [];
for (const c of picked) {
  if (!isSearchKey(c) || !hasKeywords(c)) {
    console.error(`[reindex] "${c}" is not a collection with search keywords`);
    process.exit(1);
  }
}
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
try {
  await client.connect();
  const db = client.db(dbName);
  await ensureIndexes(db);
  const t0 = Date.now();
  const r = await reindexKeywords(db, picked.length ? (picked as never) : undefined, { log: (m) => console.log(`[reindex] ${m}`) });
  console.log(`[reindex] done in ${((Date.now() - t0) / 1000).toFixed(1)} s`, r);
} catch (e) {
  console.error(`[reindex] ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  await client.close();
}
