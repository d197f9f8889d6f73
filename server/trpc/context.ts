import 'server-only';
import { getServerSession } from 'next-auth';
import { getToken } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { env } from '../env';
import { decodeSessionToken, freshToken, identityOfToken } from '../auth/token';
import { authOptions, clientIp } from '../auth/options';
import type { SessionIdentity } from '../auth/session';
import { completeIdentity, requestContext } from './request-context';

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

export function createContext(req: Request) {
  return requestContext(sessionIdentity, clientIp(req.headers), req.headers.get('user-agent'));
}
