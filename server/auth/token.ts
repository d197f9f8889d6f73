/**
 * Reading the session cookie cheaply. NextAuth's own path (getServerSession) derives the encryption key
 * with HKDF, decrypts the token, runs the callbacks, derives the key again and encrypts a renewed token on
 * every request: under load that is a large share of a request's CPU (issue 16's load test). Here the
 * derived key is computed once per secret, and a token renewed less than RENEW_AFTER_S ago is only
 * decrypted; an older one goes through getServerSession, which renews the cookie (sliding expiry, so a
 * session still lapses SESSION_MAX_AGE_HOURS after the last activity, give or take RENEW_AFTER_S).
 */
import hkdf from '@panva/hkdf';
import { jwtDecrypt, type JWTPayload } from 'jose';
import type { SessionIdentity } from './session';

/** A token younger than this is used as is; older ones are renewed by NextAuth. */
export const RENEW_AFTER_S = 300;

const keys = new Map<string, Promise<Uint8Array>>();

/** The key NextAuth v4 encrypts session tokens with (same HKDF parameters as next-auth/jwt), once per secret. */
function encryptionKey(secret: string, salt = ''): Promise<Uint8Array> {
  const k = `${salt}\u0000${secret}`;
  let p = keys.get(k);
  if (!p) {
    p = hkdf('sha256', secret, salt, `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ''}`, 32);
    keys.set(k, p);
  }
  return p;
}

/** next-auth/jwt's decode with the key cached (same algorithm, same 15 s clock tolerance). */
export async function decodeSessionToken(params: { token?: string; secret: string | Buffer; salt?: string }): Promise<JWTPayload | null> {
  if (!params.token) return null;
  const { payload } = await jwtDecrypt(params.token, await encryptionKey(String(params.secret), params.salt ?? ''), { clockTolerance: 15 });
  return payload;
}

/** The identity inside a decoded token (what the session callback of server/auth/options.ts exposes). */
export function identityOfToken(token: Record<string, unknown>): SessionIdentity {
  return {
    adminId: String(token.adminId ?? ''),
    sessionVersion: Number(token.sv ?? -1),
    authTime: typeof token.authTime === 'number' ? token.authTime : undefined,
    sid: typeof token.sid === 'string' ? token.sid : undefined,
  };
}

/** True when the token was issued (or last renewed) less than RENEW_AFTER_S ago. */
export function freshToken(token: JWTPayload, now = Date.now()): boolean {
  return typeof token.iat === 'number' && now / 1000 - token.iat < RENEW_AFTER_S && token.iat * 1000 <= now + 60_000;
}
