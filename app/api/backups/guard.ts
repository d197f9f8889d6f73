import 'server-only';
import type { Db } from 'mongodb';
import { getDb } from '@/server/db/client';
import { loadOperator, type Operator } from '@/server/auth/session';
import { sessionIdentity } from '@/server/trpc/context';
import { can, type Permission } from '@/server/permissions';
import { AppError, HTTP_STATUS } from '@/server/errors';

export function jsonError(status: number, message: string) {
  return Response.json({ error: message }, { status });
}

/** Session + permission check for the backup route handlers (401/403 as JSON). */
export async function guard(permission: Permission): Promise<{ db: Db; op: Operator } | Response> {
  let db: Db;
  try {
    db = await getDb();
  } catch {
    return jsonError(503, 'The database is unreachable.');
  }
  const op = await loadOperator(db, await sessionIdentity());
  if (!op) return jsonError(401, 'Sign in to continue.');
  if (!can(op.role, permission)) return jsonError(403, `Your role (${op.role.label}) lacks the permission "${permission}".`);
  return { db, op };
}

export function errorResponse(e: unknown) {
  if (e instanceof AppError) return jsonError(HTTP_STATUS[e.code], e.message);
  console.error('[backups route]', e);
  return jsonError(500, 'Something went wrong on the server. It has been logged.');
}
