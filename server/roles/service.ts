import type { Db } from 'mongodb';
import { collections, type CustomRoleDoc } from '../db/collections';
import { AppError } from '../errors';
import { invalidateOperatorCache, resolveRole, type Operator } from '../auth/session';
import {
  BUILTIN_ROLE_KEYS,
  BUILTIN_ROLES,
  PERMISSION_AREAS,
  PERMISSION_INFO,
  PERMISSIONS,
  isBuiltinRole,
  isPermission,
  type Permission,
  type PermissionArea,
} from '../permissions';
import type { RoleCreateInput, RoleUpdateInput } from './schema';
import { isDuplicateKeyError } from '../db/util';

export interface RoleDTO {
  key: string;
  label: string;
  description: string;
  builtin: boolean;
  permissions: Permission[];
  /** Admin accounts (any status) holding this role. */
  adminCount: number;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** How many admins hold each role key (one $group; FerretDB-safe). */
async function adminCounts(db: Db): Promise<Map<string, number>> {
  const rows = await collections
    .admins(db)
    .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$role', n: { $sum: 1 } } }])
    .toArray();
  return new Map(rows.map((r) => [r._id, r.n]));
}

function customToDTO(doc: CustomRoleDoc, count: number): RoleDTO {
  return {
    key: doc.key,
    label: doc.label,
    description: doc.description,
    builtin: false,
    permissions: doc.permissions.filter(isPermission),
    adminCount: count,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** Built-in roles first (in their declared order), then custom roles by label. */
export async function listRoles(db: Db): Promise<RoleDTO[]> {
  const [counts, customs] = await Promise.all([adminCounts(db), collections.roles(db).find({}).sort({ label: 1 }).limit(500).toArray()]);
  const builtins: RoleDTO[] = BUILTIN_ROLE_KEYS.map((key) => ({
    key,
    label: BUILTIN_ROLES[key].label,
    description: BUILTIN_ROLES[key].description,
    builtin: true,
    permissions: [...BUILTIN_ROLES[key].permissions],
    adminCount: counts.get(key) ?? 0,
    createdAt: null,
    updatedAt: null,
  }));
  return [...builtins, ...customs.map((c) => customToDTO(c, counts.get(c.key) ?? 0))];
}

export async function getRole(db: Db, key: string): Promise<RoleDTO> {
  const found = (await listRoles(db)).find((r) => r.key === key);
  if (!found) throw new AppError('NOT_FOUND', `There is no role "${key}".`);
  return found;
}

/** The permission matrix: permissions grouped by area (rows) with their explanation, and every role (columns). */
export async function roleMatrix(db: Db) {
  const areas = (Object.keys(PERMISSION_AREAS) as PermissionArea[])
    .map((area) => ({
      key: area,
      label: PERMISSION_AREAS[area],
      permissions: PERMISSIONS.filter((p) => PERMISSION_INFO[p].area === area).map((p) => ({
        key: p,
        label: PERMISSION_INFO[p].label,
      })),
    }))
    .filter((a) => a.permissions.length > 0);
  return { areas, roles: await listRoles(db) };
}

/** Guard rail: nobody grants a permission they do not hold themselves. */
export function assertHolds(operator: Operator, permissions: readonly Permission[], what: string): void {
  const missing = permissions.filter((p) => !operator.role.permissions.includes(p));
  if (missing.length) {
    throw new AppError('FORBIDDEN', `You cannot ${what}: it includes permissions your role does not hold (${missing.join(', ')}).`, {
      missing,
    });
  }
}

function snapshot(doc: Pick<CustomRoleDoc, 'key' | 'label' | 'description' | 'permissions'>) {
  return { key: doc.key, label: doc.label, description: doc.description, permissions: [...doc.permissions].sort() };
}

export interface AuditSink {
  target?: { type: string; id?: string; label?: string };
  details?: unknown;
}

export async function createRole(db: Db, operator: Operator, input: RoleCreateInput, audit: AuditSink = {}) {
  audit.target = { type: 'role', id: input.key, label: input.label };
  if (isBuiltinRole(input.key)) throw new AppError('CONFLICT', `"${input.key}" is a built-in role key; choose another key.`);
  assertHolds(operator, input.permissions, 'create this role');
  const now = new Date();
  const doc = {
    key: input.key,
    label: input.label,
    description: input.description ?? '',
    permissions: input.permissions,
    createdAt: now,
    updatedAt: now,
    createdBy: operator.admin._id.toHexString(),
  };
  try {
    await collections.roles(db).insertOne(doc as CustomRoleDoc);
  } catch (e) {
    if (isDuplicateKeyError(e)) throw new AppError('CONFLICT', `A role with key "${input.key}" already exists.`);
    throw e;
  }
  invalidateOperatorCache();
  audit.details = { before: null, after: snapshot(doc) };
  return getRole(db, input.key);
}

export async function updateRole(db: Db, operator: Operator, input: RoleUpdateInput, audit: AuditSink = {}) {
  audit.target = { type: 'role', id: input.key };
  if (isBuiltinRole(input.key)) throw new AppError('FORBIDDEN', 'Built-in roles are read-only. Clone one into a custom role instead.');
  const before = await collections.roles(db).findOne({ key: input.key });
  if (!before) throw new AppError('NOT_FOUND', `There is no custom role "${input.key}".`);
  audit.target.label = before.label;
  const next = {
    label: input.label ?? before.label,
    description: input.description ?? before.description,
    permissions: input.permissions ?? before.permissions,
  };
  // Editing a role changes what every holder may do, so it is managing them: allowed only when every
  // holder's permissions (this role's) are a subset of the editor's own. Without this a holder of
  // roles.manage could strip the role of an admin who outranks them.
  const holders = await collections.admins(db).countDocuments({ role: before.key });
  if (holders > 0) {
    const missing = before.permissions.filter((p) => isPermission(p) && !operator.role.permissions.includes(p));
    if (missing.length) {
      throw new AppError(
        'FORBIDDEN',
        `You cannot edit the role "${before.label}": its ${holders} holder(s) hold permissions your role does not (${missing.join(', ')}).`,
        { missing },
      );
    }
  }
  const added = next.permissions.filter((p): p is Permission => isPermission(p) && !before.permissions.includes(p));
  assertHolds(operator, added, 'grant these permissions');
  // Conditional on the version we checked (updatedAt), so a concurrent edit cannot slip past the checks above.
  const res = await collections.roles(db).updateOne({ _id: before._id, updatedAt: before.updatedAt }, { $set: { ...next, updatedAt: new Date() } });
  if (res.matchedCount === 0) throw new AppError('CONFLICT', `The role "${before.label}" was changed meanwhile; reload and try again.`);
  invalidateOperatorCache();
  audit.details = { before: snapshot(before), after: snapshot({ key: before.key, ...next }) };
  return getRole(db, input.key);
}

export async function deleteRole(db: Db, operator: Operator, key: string, audit: AuditSink = {}) {
  audit.target = { type: 'role', id: key };
  if (isBuiltinRole(key)) throw new AppError('FORBIDDEN', 'Built-in roles cannot be deleted.');
  const before = await collections.roles(db).findOne({ key });
  if (!before) throw new AppError('NOT_FOUND', `There is no custom role "${key}".`);
  audit.target.label = before.label;
  const inUse = await collections.admins(db).countDocuments({ role: key });
  if (inUse > 0) {
    throw new AppError('CONFLICT', `The role "${before.label}" is held by ${inUse} admin(s); give them another role first.`, { inUse });
  }
  await collections.roles(db).deleteOne({ _id: before._id });
  invalidateOperatorCache();
  audit.details = { before: snapshot(before), after: null };
  return { ok: true as const };
}

/** Role exists (built-in or custom)? Used by the admins service. */
export async function requireRole(db: Db, key: string) {
  const role = await resolveRole(db, key);
  if (!role) throw new AppError('BAD_REQUEST', `There is no role "${key}".`);
  return role;
}
