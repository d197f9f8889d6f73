import { randomBytes } from 'node:crypto';
import { ObjectId, type Db, type Filter } from 'mongodb';
import { collections, type AdminDoc } from '../db/collections';
import { AppError } from '../errors';
import { insertAdmin } from '../auth/admins';
import { hashPassword } from '../auth/password';
import { invalidateOperatorCache, resolveRole, type Operator } from '../auth/session';
import { assertHolds, requireRole, type AuditSink } from '../roles/service';
import type { AdminCreateInput, AdminsListInput } from './schema';
import { escapeRegex } from '../db/util';

export interface AdminDTO {
  id: string;
  email: string;
  name: string;
  role: string;
  status: AdminDoc['status'];
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  /** The creator's email when the creator is an admin; the raw marker otherwise (e.g. "demo-seed", "cli"). */
  createdByLabel: string | null;
}

function toDTO(a: AdminDoc, creators: Map<string, string>): AdminDTO {
  return {
    id: a._id.toHexString(),
    email: a.email,
    name: a.name,
    role: a.role,
    status: a.status,
    lastSignInAt: a.lastSignInAt ?? null,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    createdBy: a.createdBy ?? null,
    createdByLabel: a.createdBy ? (creators.get(a.createdBy) ?? a.createdBy) : null,
  };
}

function snapshot(a: Pick<AdminDoc, 'email' | 'name' | 'role' | 'status'>) {
  return { email: a.email, name: a.name, role: a.role, status: a.status };
}

async function creatorEmails(db: Db, admins: AdminDoc[]): Promise<Map<string, string>> {
  const ids = [...new Set(admins.map((a) => a.createdBy).filter((x): x is string => !!x && ObjectId.isValid(x) && x.length === 24))];
  if (!ids.length) return new Map();
  const rows = await collections
    .admins(db)
    .find({ _id: { $in: ids.map((i) => new ObjectId(i)) } }, { projection: { email: 1 } })
    .toArray();
  return new Map(rows.map((r) => [r._id.toHexString(), r.email]));
}

/** Operator accounts, searchable by name/email (escaped, case-insensitive) and filterable by role and status. */
export async function listAdmins(db: Db, input: AdminsListInput) {
  const filter: Filter<AdminDoc> = {};
  if (input.role) filter.role = input.role;
  if (input.status) filter.status = input.status;
  if (input.q) {
    const rx = { $regex: escapeRegex(input.q), $options: 'i' };
    filter.$or = [{ email: rx }, { name: rx }];
  }
  const col = collections.admins(db);
  const [total, docs] = await Promise.all([
    col.countDocuments(filter),
    col
      .find(filter, { projection: { passwordHash: 0 } })
      .sort({ email: 1 })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .toArray(),
  ]);
  const creators = await creatorEmails(db, docs as AdminDoc[]);
  return { total, page: input.page, pageSize: input.pageSize, items: (docs as AdminDoc[]).map((a) => toDTO(a, creators)) };
}

/** A random initial / reset password (~128 bits), shown to the operator once and stored only as an argon2 hash. */
export function generatePassword(): string {
  return randomBytes(16).toString('base64url');
}

async function loadTarget(db: Db, id: string): Promise<AdminDoc> {
  const a = await collections.admins(db).findOne({ _id: new ObjectId(id) });
  if (!a) throw new AppError('NOT_FOUND', 'There is no such admin.');
  return a;
}

/** You may only manage an admin whose current role holds nothing you lack (no demoting a super admin from below). */
async function assertOutranks(db: Db, operator: Operator, target: AdminDoc, what: string) {
  // A role that no longer exists grants nothing; a failed lookup (database error) must fail the
  // change, not skip the check (it used to be caught and treated like an unknown role).
  const role = await resolveRole(db, target.role);
  if (role) assertHolds(operator, role.permissions, what);
}

/** Guard rail: the last active super_admin stays an active super_admin. */
async function assertNotLastSuperAdmin(db: Db, target: AdminDoc, what: string) {
  if (target.role !== 'super_admin' || target.status !== 'active') return;
  const others = await collections.admins(db).countDocuments({ role: 'super_admin', status: 'active', _id: { $ne: target._id } });
  if (others === 0) throw new AppError('PRECONDITION_FAILED', `${target.email} is the last active super admin and cannot be ${what}.`);
}

/**
 * The race-proof half of the last-super-admin guard (no transactions on FerretDB, and a count followed by
 * an update lets two concurrent demotions each see the other and both pass). The change is written first
 * (conditionally, see `change`) and the active super admins are counted afterwards: if none is left, this
 * change is undone and refused. Of two concurrent demotions of the last two, the one whose count comes
 * last always sees zero, so they cannot both succeed (at worst both are refused and can be retried).
 */
async function keepOneSuperAdmin(db: Db, before: AdminDoc, after: AdminDoc, bumped: boolean) {
  const wasActiveSuper = before.role === 'super_admin' && before.status === 'active';
  const isActiveSuper = after.role === 'super_admin' && after.status === 'active';
  if (!wasActiveSuper || isActiveSuper) return;
  const left = await collections.admins(db).countDocuments({ role: 'super_admin', status: 'active' });
  if (left > 0) return;
  await collections
    .admins(db)
    .updateOne(
      { _id: before._id, role: after.role, status: after.status },
      { $set: { role: before.role, status: before.status, updatedAt: new Date() }, ...(bumped ? { $inc: { sessionVersion: -1 } } : {}) },
    );
  invalidateOperatorCache();
  throw new AppError(
    'PRECONDITION_FAILED',
    `${before.email} is the last active super admin and cannot be ${after.status !== 'active' ? 'deactivated' : 'demoted'}.`,
  );
}

function assertNotSelf(operator: Operator, target: AdminDoc, what: string) {
  if (operator.admin._id.equals(target._id)) throw new AppError('FORBIDDEN', `You cannot ${what} yourself; ask another admin.`);
}

export async function createAdmin(db: Db, operator: Operator, input: AdminCreateInput, audit: AuditSink = {}) {
  audit.target = { type: 'admin', label: input.email };
  const role = await requireRole(db, input.role);
  assertHolds(operator, role.permissions, `give the role "${role.label}"`);
  const password = generatePassword();
  const doc = await insertAdmin(db, { ...input, password, createdBy: operator.admin._id.toHexString() });
  invalidateOperatorCache();
  audit.target.id = doc._id.toHexString();
  audit.details = { before: null, after: snapshot(doc) };
  const creators = new Map([[operator.admin._id.toHexString(), operator.admin.email]]);
  return { admin: toDTO(doc, creators), initialPassword: password };
}

async function change(
  db: Db,
  operator: Operator,
  id: string,
  audit: AuditSink,
  apply: (target: AdminDoc) => Promise<{ set: Partial<AdminDoc>; bump?: boolean }>,
) {
  const target = await loadTarget(db, id);
  audit.target = { type: 'admin', id, label: target.email };
  const { set, bump } = await apply(target);
  // Conditional on the role and status the checks in `apply` saw: a concurrent change in between
  // (another demotion, a promotion) makes this one fail instead of acting on stale checks.
  const res = await collections
    .admins(db)
    .findOneAndUpdate(
      { _id: target._id, role: target.role, status: target.status },
      { $set: { ...set, updatedAt: new Date() }, ...(bump ? { $inc: { sessionVersion: 1 } } : {}) },
      { returnDocument: 'after' },
    );
  invalidateOperatorCache();
  if (!res) throw new AppError('CONFLICT', `${target.email} was changed meanwhile; reload and try again.`);
  await keepOneSuperAdmin(db, target, res, !!bump);
  const after = res;
  audit.details = { before: snapshot(target), after: snapshot(after), ...(bump ? { sessionsRevoked: true } : {}) };
  return after;
}

/** Takes effect on the admin's next request (their sessions end; roles are read from the database on every request). */
export async function setAdminRole(db: Db, operator: Operator, id: string, roleKey: string, audit: AuditSink = {}) {
  const after = await change(db, operator, id, audit, async (target) => {
    assertNotSelf(operator, target, 'change the role of');
    const role = await requireRole(db, roleKey);
    await assertOutranks(db, operator, target, `change the role of ${target.email}`);
    assertHolds(operator, role.permissions, `give the role "${role.label}"`);
    if (roleKey !== 'super_admin') await assertNotLastSuperAdmin(db, target, 'demoted');
    // A role change ends the admin's sessions: whatever a browser had loaded or subscribed to under the
    // old role stops at once, and the next sign-in starts from the new role.
    return { set: { role: roleKey }, bump: roleKey !== target.role };
  });
  return toDTO(after, new Map());
}

/** Deactivation also revokes every session, so a later reactivation does not revive old cookies. */
export async function deactivateAdmin(db: Db, operator: Operator, id: string, audit: AuditSink = {}) {
  const after = await change(db, operator, id, audit, async (target) => {
    assertNotSelf(operator, target, 'deactivate');
    await assertOutranks(db, operator, target, `deactivate ${target.email}`);
    await assertNotLastSuperAdmin(db, target, 'deactivated');
    return { set: { status: 'deactivated' }, bump: true };
  });
  return toDTO(after, new Map());
}

export async function reactivateAdmin(db: Db, operator: Operator, id: string, audit: AuditSink = {}) {
  const after = await change(db, operator, id, audit, async (target) => {
    await assertOutranks(db, operator, target, `reactivate ${target.email}`);
    return { set: { status: 'active' } };
  });
  return toDTO(after, new Map());
}

/** A new random password shown once; every existing session of that admin ends. */
export async function resetAdminPassword(db: Db, operator: Operator, id: string, audit: AuditSink = {}) {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const after = await change(db, operator, id, audit, async (target) => {
    assertNotSelf(operator, target, 'reset the password of (use "Change password")');
    await assertOutranks(db, operator, target, `reset the password of ${target.email}`);
    return { set: { passwordHash }, bump: true };
  });
  return { admin: toDTO(after, new Map()), newPassword: password };
}

/** Force sign-out: bump sessionVersion; every session cookie of that admin stops working on its next request. */
export async function revokeAdminSessions(db: Db, operator: Operator, id: string, audit: AuditSink = {}) {
  const after = await change(db, operator, id, audit, async (target) => {
    if (!operator.admin._id.equals(target._id)) await assertOutranks(db, operator, target, `sign out ${target.email}`);
    return { set: {}, bump: true };
  });
  return toDTO(after, new Map());
}
