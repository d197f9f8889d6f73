import type { MongoClient } from 'mongodb';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Failed sign-ins, with the counters in MongoDB (collection `rate_limits`) so the limits hold across
 * app instances. FerretDB has no TTL indexes, so expired counters are removed by `pruneExpired`.
 *
 * - per email + IP: 5 failures in 15 min block that email from that address (a password guesser);
 * - per IP: 30 failures in 15 min block the address (a sprayer trying many emails);
 * - per email, from anywhere: no lock (anyone could lock anyone out by failing 5 times), but after
 *   5 failures in 15 min every further attempt for that email waits, 0.5 s doubling up to 8 s, before
 *   the password is checked: guessing from many addresses is slowed, the owner still gets in.
 * The IP is the one `clientIp()` resolved (the socket, or TRUST_PROXY hops of X-Forwarded-For).
 */
export const SIGNIN_LIMITS = {
  perEmailIp: { points: 5, duration: 15 * 60 },
  perIp: { points: 30, duration: 15 * 60 },
  perEmail: { duration: 15 * 60, freeFailures: 5, baseDelayMs: 500, maxDelayMs: 8_000 },
};

/** The wait before checking a password for an email that has had `failures` failures in the window. */
export function emailDelayMs(failures: number): number {
  const { freeFailures, baseDelayMs, maxDelayMs } = SIGNIN_LIMITS.perEmail;
  if (failures < freeFailures) return 0;
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(20, failures - freeFailures));
}

export interface SignInCheck {
  /** Seconds to wait if blocked (per email + IP or per IP), else 0. */
  blockedFor: number;
  /** Milliseconds to wait before checking the password (per-email slow-down), else 0. */
  delayMs: number;
}

export interface SignInLimiter {
  check(email: string, ip: string): Promise<SignInCheck>;
  recordFailure(email: string, ip: string): Promise<void>;
  /** After a successful sign-in. */
  reset(email: string, ip: string): Promise<void>;
}

const emailIpKey = (email: string, ip: string) => `${email}|${ip}`;

export function createSignInLimiter(client: MongoClient, dbName: string): SignInLimiter {
  const common = { storeClient: client, dbName, tableName: 'rate_limits', disableIndexesCreation: true };
  const byEmailIp = new RateLimiterMongo({ ...common, keyPrefix: 'signin_email_ip', ...SIGNIN_LIMITS.perEmailIp });
  const byIp = new RateLimiterMongo({ ...common, keyPrefix: 'signin_ip', ...SIGNIN_LIMITS.perIp });
  // Only counts (never refuses): the budget is far above what a 15-minute window can hold.
  const byEmail = new RateLimiterMongo({ ...common, keyPrefix: 'signin_email', points: 1_000_000_000, duration: SIGNIN_LIMITS.perEmail.duration });

  const wait = (r: RateLimiterRes | null, limit: number) => (r && r.consumedPoints >= limit ? Math.ceil(r.msBeforeNext / 1000) : 0);

  return {
    async check(email, ip) {
      const [ei, i, e] = await Promise.all([byEmailIp.get(emailIpKey(email, ip)), byIp.get(ip), byEmail.get(email)]);
      return {
        blockedFor: Math.max(wait(ei, SIGNIN_LIMITS.perEmailIp.points), wait(i, SIGNIN_LIMITS.perIp.points)),
        delayMs: emailDelayMs(e?.consumedPoints ?? 0),
      };
    },
    async recordFailure(email, ip) {
      // consume() rejects once the budget is spent; that is the signal, not an error.
      await Promise.all([
        byEmailIp.consume(emailIpKey(email, ip)).catch(() => undefined),
        byIp.consume(ip).catch(() => undefined),
        byEmail.consume(email).catch(() => undefined),
      ]);
    },
    async reset(email, ip) {
      await Promise.all([byEmailIp.delete(emailIpKey(email, ip)), byEmail.delete(email)]);
    },
  };
}

export async function pruneExpired(client: MongoClient, dbName: string): Promise<number> {
  const r = await client
    .db(dbName)
    .collection('rate_limits')
    .deleteMany({ expire: { $lte: new Date() } });
  return r.deletedCount;
}
