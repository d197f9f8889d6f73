import 'server-only';
import type { Db } from 'mongodb';
import { getServerSession } from 'next-auth';
import { getToken } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { env } from '../env';
import { decodeSessionToken, freshToken, identityOfToken } from '../auth/token';
import { authOptions, clientIp } from '../auth/options';
import type { SessionIdentity } from '../auth/session';
import { getDb } from '../db/client';
import { createContextInner } from './init';
import { completeIdentity } from './identity';

/**
 * Reads the NextAuth session of an HTTP request: the identity inside it, or null. A recently renewed cookie
 * is only decrypted (server/auth/token.ts); otherwise NextAuth reads it and renews it.
 */
export async function sessionIdentity(): Promise<SessionIdentity | null> {
  const [c, h] = await Promise.all([cookies(), headers()]);
  const token = await getToken({
    req: { cookies: c, headers: h } as unknown as Parameters<typeof getToken>[0]['req'],
    secret: env().NEXTAUTH_SECRET,
    decode: decodeSessionToken,
  });
  if (token && freshToken(token)) return completeIdentity(identityOfToken(token));
  const s = (await getServerSession(authOptions)) as { identity?: SessionIdentity } | null;
  return s?.identity ? completeIdentity(s.identity) : null;
}

export async function createContext(req: Request) {
  let db: Db | undefined;
  let dbError: Error | undefined;
  try {
    db = await getDb();
  } catch (e) {
    dbError = e as Error;
  }
  return createContextInner({
    db: db as Db,
    dbError,
    session: dbError ? null : await sessionIdentity(),
    ip: clientIp(req.headers),
    userAgent: req.headers.get('user-agent'),
  });
}
