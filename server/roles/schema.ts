import { z } from 'zod';
import { PERMISSIONS, type Permission } from '../permissions';

/** A role key: lower-case snake case, used in admin documents and the audit log. */
export const RoleKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'Use 2–40 lower-case letters, digits or underscores, starting with a letter');

export const PermissionSchema = z.enum(PERMISSIONS as [Permission, ...Permission[]]);

/** A permission set: known permissions only, duplicates removed. */
export const PermissionList = z
  .array(PermissionSchema)
  .max(PERMISSIONS.length * 2)
  .transform((ps) => [...new Set(ps)]);

export const RoleLabel = z.string().trim().min(1, 'Give the role a name').max(60);
export const RoleDescription = z.string().trim().max(300).default('');

export const RoleGetInput = z.object({ key: z.string().trim().min(1).max(40) });

export const RoleCreateInput = z.object({
  key: RoleKey,
  label: RoleLabel,
  description: RoleDescription,
  permissions: PermissionList,
});
export type RoleCreateInput = z.infer<typeof RoleCreateInput>;

export const RoleUpdateInput = z.object({
  key: z.string().trim().min(1).max(40),
  label: RoleLabel.optional(),
  description: z.string().trim().max(300).optional(),
  permissions: PermissionList.optional(),
});
export type RoleUpdateInput = z.infer<typeof RoleUpdateInput>;

export const RoleDeleteInput = z.object({ key: z.string().trim().min(1).max(40) });
