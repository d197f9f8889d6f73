import { z } from 'zod';
import { objectIdString } from '../db/util';

export const ObjectIdString = objectIdString('Not a valid id');
const RoleKeyRef = z.string().trim().min(1, 'Pick a role').max(40);

export const AdminsListInput = z
  .object({
    q: z.string().trim().max(100).optional(),
    role: z.string().trim().max(40).optional(),
    status: z.enum(['active', 'deactivated']).optional(),
    page: z.number().int().min(1).max(10_000).default(1),
    pageSize: z.number().int().min(1).max(200).default(50),
  })
  .default({ page: 1, pageSize: 50 });
export type AdminsListInput = z.infer<typeof AdminsListInput>;

export const AdminCreateInput = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email').max(254),
  name: z.string().trim().min(1, 'Enter a name').max(100),
  role: RoleKeyRef,
});
export type AdminCreateInput = z.infer<typeof AdminCreateInput>;

export const AdminIdInput = z.object({ id: ObjectIdString });
export const AdminSetRoleInput = z.object({ id: ObjectIdString, role: RoleKeyRef });
