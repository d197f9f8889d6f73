import 'server-only';
import type { Db } from 'mongodb';
import { getServerSession } from 'next-auth';
import { authOptions, clientIp } from '../auth/options';
import type { SessionIdentity } from '../auth/session';
import { getDb } from '../db/client';
import { createContextInner } from './init';

/** Reads the NextAuth session of an HTTP request: the identity inside it, or null. */
export async function sessionIdentity(): Promise<SessionIdentity | null> {
  const s = (await getServerSession(authOptions)) as { identity?: SessionIdentity } | null;
  // A cookie without its sign-in time predates absolute lifetimes: refused, the operator signs in again.
  return s?.identity?.adminId && typeof s.identity.authTime === 'number' && s.identity.sid ? s.identity : null;
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
