import type { Db } from 'mongodb';
import { collections, type AdminDoc } from '../db/collections';
import { AppError } from '../errors';
import { verifyPassword } from '../auth/password';
import { setOwnPassword } from '../auth/admins';
import { invalidateOperatorCache } from '../auth/session';

export async function changeOwnPassword(db: Db, admin: AdminDoc, currentPassword: string, newPassword: string) {
  const fresh = await collections.admins(db).findOne({ _id: admin._id });
  if (!fresh || !(await verifyPassword(fresh.passwordHash, currentPassword))) {
    throw new AppError('BAD_REQUEST', 'The current password is wrong.');
  }
  await setOwnPassword(db, admin._id, newPassword);
  invalidateOperatorCache();
  // Every session ends, this one included (a stolen cookie must not outlive the password it was made with):
  // the browser signs in again with the new password.
  return { ok: true as const, signedOut: true as const };
}
