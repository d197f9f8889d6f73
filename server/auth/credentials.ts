import type { Db, MongoClient } from 'mongodb';
import { z } from 'zod';
import { collections, type AdminDoc } from '../db/collections';
import { writeAudit } from '../audit/service';
import { dummyHash, verifyPassword } from './password';
import { createSignInLimiter, pruneExpired, type SignInLimiter } from './rate-limit';
import { pruneSessionRevocations } from './session';
import { recordSignIn } from './admins';
import { recordRateLimitRefusal, recordSignInFailure } from '../metrics/registry';

export const CredentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});

export type SignInResult = { ok: true; admin: AdminDoc } | { ok: false; reason: 'invalid' | 'deactivated' | 'rate_limited'; retryAfter?: number };

const limiters = new WeakMap<MongoClient, SignInLimiter>();
let lastPrune = 0;

/**
 * Checks an email + password. Every outcome is audited; failures count against the per-(email + IP)
 * and per-IP limits and the per-email slow-down (./rate-limit.ts); deactivated admins cannot sign in.
 */
export async function verifyCredentials(db: Db, client: MongoClient, raw: unknown, meta: { ip: string; userAgent: string | null }): Promise<SignInResult> {
  const parsed = CredentialsSchema.safeParse(raw);
  if (!parsed.success) {
    recordSignInFailure('invalid');
    return { ok: false, reason: 'invalid' };
  }
  const { email, password } = parsed.data;

  let limiter = limiters.get(client);
  if (!limiter) limiters.set(client, (limiter = createSignInLimiter(client, db.databaseName)));
  if (Date.now() - lastPrune > 10 * 60_000) {
    lastPrune = Date.now();
    void pruneExpired(client, db.databaseName).catch(() => undefined);
    void pruneSessionRevocations(db).catch(() => undefined);
  }

  const audit = (result: 'success' | 'failure', error: string | null, admin?: AdminDoc) =>
    writeAudit(db, {
      actor: admin ? { id: admin._id.toHexString(), email: admin.email, role: admin.role } : null,
      action: 'auth.signIn',
      target: { type: 'admin', id: admin?._id.toHexString(), label: email },
      input: { email },
      result,
      error,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });

  const { blockedFor, delayMs } = await limiter.check(email, meta.ip);
  if (blockedFor > 0) {
    recordSignInFailure('rate_limited');
    recordRateLimitRefusal('signin');
    await audit('failure', 'rate_limited');
    return { ok: false, reason: 'rate_limited', retryAfter: blockedFor };
  }
  // Many recent failures for this email (from anywhere): slow down instead of locking the owner out.
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));

  const admin = await collections.admins(db).findOne({ email });
  const valid = await verifyPassword(admin?.passwordHash ?? (await dummyHash()), password);
  if (!admin || !valid) {
    recordSignInFailure('invalid');
    await limiter.recordFailure(email, meta.ip);
    await audit('failure', admin ? 'wrong_password' : 'unknown_email', admin ?? undefined);
    return { ok: false, reason: 'invalid' };
  }
  if (admin.status !== 'active') {
    recordSignInFailure('deactivated');
    await audit('failure', 'deactivated', admin);
    return { ok: false, reason: 'deactivated' };
  }
  await limiter.reset(email, meta.ip);
  await recordSignIn(db, admin._id);
  await audit('success', null, admin);
  return { ok: true, admin };
}
