import 'server-only';
import { MongoClient, type Db } from 'mongodb';
import { env } from '../env';
import { ensureIndexes } from './indexes';
import { DatabaseUnavailableError } from './connection-errors';
import { attachDriverMetrics } from '../metrics/registry';
import { attachSlowCommandLog } from './slow-log';

export { DatabaseUnavailableError, isConnectionError } from './connection-errors';

/**
 * One MongoClient per process (cached on globalThis so Next.js dev reloads and
 * the several route bundles of a production server share it).
 */
interface DbGlobal {
  __acubeMongo?: { client: MongoClient; ready?: Promise<Db>; indexUpkeep?: { startedAt: Date; finishedAt: Date; error: string | null } };
}

/** The start-up index step of this process, once it ended (recorded as the index-upkeep maintenance run). */
export function startupIndexUpkeep() {
  return g.__acubeMongo?.indexUpkeep ?? null;
}
const g = globalThis as unknown as DbGlobal;

export function mongoClient(): MongoClient {
  if (!g.__acubeMongo) {
    const e = env();
    const client = new MongoClient(e.MONGODB_URI, {
      // Pool and timeouts: the seed's defaults, each overridable (README, Configuration). Server selection
      // fails fast and clearly when the database is down instead of hanging a request.
      maxPoolSize: e.MONGODB_MAX_POOL_SIZE,
      minPoolSize: e.MONGODB_MIN_POOL_SIZE,
      maxIdleTimeMS: e.MONGODB_MAX_IDLE_TIME_MS,
      connectTimeoutMS: e.MONGODB_CONNECT_TIMEOUT_MS,
      socketTimeoutMS: e.MONGODB_SOCKET_TIMEOUT_MS ?? (e.ACUBE_EMBEDDED === '1' ? 300_000 : 20_000),
      serverSelectionTimeoutMS: e.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
      appName: 'acube-admin',
      // Command events feed the command-duration histogram of GET /api/metrics (server/metrics/registry.ts).
      monitorCommands: true,
    });
    attachDriverMetrics(client);
    attachSlowCommandLog(client, e.DB_SLOW_COMMAND_MS);
    g.__acubeMongo = { client };
  }
  return g.__acubeMongo.client;
}

/** The app database, with indexes ensured once per process. */
export async function getDb(): Promise<Db> {
  const holder = (mongoClient(), g.__acubeMongo!);
  if (!holder.ready) {
    holder.ready = (async () => {
      const db = holder.client.db(env().MONGODB_DB);
      await db.command({ ping: 1 });
      // The start-up migration step: index upkeep, logged with its duration. instrumentation.ts starts it at
      // boot (so no request builds indexes), and /api/ready answers 503 "startup: pending" until it is done.
      const startedAt = new Date();
      console.log('[migrate] index upkeep: started');
      try {
        await ensureIndexes(db);
      } catch (e) {
        holder.indexUpkeep = { startedAt, finishedAt: new Date(), error: e instanceof Error ? e.message : String(e) };
        throw e;
      }
      holder.indexUpkeep = { startedAt, finishedAt: new Date(), error: null };
      console.log(`[migrate] index upkeep: done in ${Date.now() - startedAt.getTime()} ms`);
      return db;
    })().catch((e) => {
      holder.ready = undefined; // retry on the next request
      console.error('[db]', e instanceof Error ? e.message : e);
      throw new DatabaseUnavailableError(env().MONGODB_URI, e);
    });
  }
  return holder.ready;
}
