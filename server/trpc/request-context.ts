/**
 * What both HTTP paths of tRPC (the route handler in server/trpc/context.ts and scripts/serve.mjs's direct
 * path in server/trpc/node-handler.ts) build a call's context from: the database (or the error that kept it
 * away: procedures answer 503), the session's identity, the client's address and user agent.
 */
import type { Db } from 'mongodb';
import type { SessionIdentity } from '../auth/session';
import { getDb } from '../db/client';
import { createContextInner } from './init';

/** A cookie without its sign-in time or session id predates absolute lifetimes: refused, the operator signs in again. */
export function completeIdentity(id: SessionIdentity): SessionIdentity | null {
  return id.adminId && typeof id.authTime === 'number' && id.sid ? id : null;
}

/** The context of one request; `session` is read only when the database is reachable. */
export async function requestContext(session: () => Promise<SessionIdentity | null> | SessionIdentity | null, ip: string, userAgent: string | null) {
  let db: Db | undefined;
  let dbError: Error | undefined;
  try {
    db = await getDb();
  } catch (e) {
    dbError = e as Error;
  }
  return createContextInner({ db: db as Db, dbError, session: dbError ? null : await session(), ip, userAgent });
}
