import type { Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import { collections, type AdminDoc } from '../db/collections';
import { AppError } from '../errors';
import { hashPassword } from './password';
import { isDuplicateKeyError } from '../db/util';

export const DEMO_PASSWORD = 'acube-demo';
export const DEMO_ADMINS = [
  { email: 'superadmin@acube.local', name: 'Sasha Super', role: 'super_admin' },
  { email: 'admin@acube.local', name: 'Arjun Admin', role: 'admin' },
  { email: 'content@acube.local', name: 'Chitra Content', role: 'content_manager' },
  { email: 'moderator@acube.local', name: 'Meera Moderator', role: 'moderator' },
  { email: 'analyst@acube.local', name: 'Anil Analyst', role: 'analyst' },
  { email: 'viewer@acube.local', name: 'Vera Viewer', role: 'viewer' },
] as const;

/*
 * The operator accounts have one writer per concern: this module creates accounts and records what
 * the account holder does (sign-in time, own password); server/admins/service.ts changes accounts on
 * behalf of another operator (role, status, resets, forced sign-out) under its guard rails.
 */

/** After a successful sign-in. */
export async function recordSignIn(db: Db, id: ObjectId): Promise<void> {
  await collections.admins(db).updateOne({ _id: id }, { $set: { lastSignInAt: new Date() } });
}

/** The account holder's new password; every session of theirs ends (sessionVersion moves on). */
export async function setOwnPassword(db: Db, id: ObjectId, newPassword: string): Promise<void> {
  await collections
    .admins(db)
    .updateOne({ _id: id }, { $set: { passwordHash: await hashPassword(newPassword), updatedAt: new Date() }, $inc: { sessionVersion: 1 } });
}

export async function insertAdmin(
  db: Db,
  input: { email: string; name: string; role: string; password: string; createdBy?: string | null },
): Promise<AdminDoc> {
  const now = new Date();
  const doc: AdminDoc = {
    _id: new ObjectId(),
    email: input.email.trim().toLowerCase(),
    name: input.name.trim(),
    role: input.role,
    status: 'active',
    passwordHash: await hashPassword(input.password),
    sessionVersion: 0,
    createdAt: now,
    updatedAt: now,
    createdBy: input.createdBy ?? null,
    lastSignInAt: null,
  };
  try {
    await collections.admins(db).insertOne(doc);
  } catch (e) {
    if (isDuplicateKeyError(e)) throw new AppError('CONFLICT', `An admin with email ${doc.email} already exists.`);
    throw e;
  }
  return doc;
}

/** Demo accounts, one per built-in role. Only the embedded database's seed calls this. */
export async function ensureDemoAdmins(db: Db): Promise<number> {
  let created = 0;
  for (const a of DEMO_ADMINS) {
    if (await collections.admins(db).findOne({ email: a.email })) continue;
    await insertAdmin(db, { ...a, password: DEMO_PASSWORD, createdBy: 'demo-seed' });
    created++;
  }
  return created;
}
