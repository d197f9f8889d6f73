import type { Db } from 'mongodb';
import { collections, type AdminDoc } from '../db/collections';
import { AppError } from '../errors';
import { hashPassword, verifyPassword } from '../auth/password';
import { invalidateOperatorCache } from '../auth/session';

export async function changeOwnPassword(db: Db, admin: AdminDoc, currentPassword: string, newPassword: string) {
  const fresh = await collections.admins(db).findOne({ _id: admin._id });
  if (!fresh || !(await verifyPassword(fresh.passwordHash, currentPassword))) {
    throw new AppError('BAD_REQUEST', 'The current password is wrong.');
  }
  await collections.admins(db).updateOne(
    { _id: admin._id },
    { $set: { passwordHash: await hashPassword(newPassword), updatedAt: new Date() }, $inc: { sessionVersion: 1 } },
  );
  invalidateOperatorCache();
  // Every session ends, this one included (a stolen cookie must not outlive the password it was made with):
  // the browser signs in again with the new password.
  return { ok: true as const, signedOut: true as const };
}
