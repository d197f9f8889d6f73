import type { Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import { collections, type AdminDoc } from '../db/collections';
import { AppError } from '../errors';
import { hashPassword } from './password';

export const DEMO_PASSWORD = 'acube-demo';
export const DEMO_ADMINS = [
  { email: 'superadmin@acube.local', name: 'Sasha Super', role: 'super_admin' },
  { email: 'admin@acube.local', name: 'Arjun Admin', role: 'admin' },
  { email: 'content@acube.local', name: 'Chitra Content', role: 'content_manager' },
  { email: 'moderator@acube.local', name: 'Meera Moderator', role: 'moderator' },
  { email: 'analyst@acube.local', name: 'Anil Analyst', role: 'analyst' },
  { email: 'viewer@acube.local', name: 'Vera Viewer', role: 'viewer' },
] as const;

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
    if ((e as { code?: number }).code === 11000) throw new AppError('CONFLICT', `An admin with email ${doc.email} already exists.`);
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
