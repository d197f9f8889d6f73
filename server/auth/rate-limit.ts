import type { MongoClient } from 'mongodb';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Failed sign-ins are limited per email and per IP, with the counters in MongoDB
 * (collection `rate_limits`) so the limit holds across app instances.
 * FerretDB has no TTL indexes, so expired counters are removed by `pruneExpired`.
 */
export const SIGNIN_LIMITS = {
  perEmail: { points: 5, duration: 15 * 60 },
  perIp: { points: 30, duration: 15 * 60 },
};

export interface SignInLimiter {
  /** Seconds to wait if blocked, else 0. */
  blockedFor(email: string, ip: string): Promise<number>;
  recordFailure(email: string, ip: string): Promise<void>;
  reset(email: string): Promise<void>;
}

export function createSignInLimiter(client: MongoClient, dbName: string): SignInLimiter {
  const common = { storeClient: client, dbName, tableName: 'rate_limits', disableIndexesCreation: true };
  const byEmail = new RateLimiterMongo({ ...common, keyPrefix: 'signin_email', ...SIGNIN_LIMITS.perEmail });
  const byIp = new RateLimiterMongo({ ...common, keyPrefix: 'signin_ip', ...SIGNIN_LIMITS.perIp });

  const wait = (r: RateLimiterRes | null, limit: number) =>
    r && r.consumedPoints >= limit ? Math.ceil(r.msBeforeNext / 1000) : 0;

  return {
    async blockedFor(email, ip) {
      const [e, i] = await Promise.all([byEmail.get(email), byIp.get(ip)]);
      return Math.max(wait(e, SIGNIN_LIMITS.perEmail.points), wait(i, SIGNIN_LIMITS.perIp.points));
    },
    async recordFailure(email, ip) {
      // consume() rejects once the budget is spent; that is the signal, not an error.
      await Promise.all([byEmail.consume(email).catch(() => undefined), byIp.consume(ip).catch(() => undefined)]);
    },
    async reset(email) {
      await byEmail.delete(email);
    },
  };
}

export async function pruneExpired(client: MongoClient, dbName: string): Promise<number> {
  const r = await client.db(dbName).collection('rate_limits').deleteMany({ expire: { $lte: new Date() } });
  return r.deletedCount;
}
