import { permissionProcedure, router } from '../trpc/init';
import { RoleCreateInput, RoleDeleteInput, RoleGetInput, RoleUpdateInput } from './schema';
import { createRole, deleteRole, getRole, listRoles, roleMatrix, updateRole } from './service';

export const rolesRouter = router({
  list: permissionProcedure('roles.read').query(({ ctx }) => listRoles(ctx.db)),
  get: permissionProcedure('roles.read')
    .input(RoleGetInput)
    .query(({ ctx, input }) => getRole(ctx.db, input.key)),
  matrix: permissionProcedure('roles.read').query(({ ctx }) => roleMatrix(ctx.db)),
  create: permissionProcedure('roles.manage')
    .input(RoleCreateInput)
    .mutation(({ ctx, input }) => createRole(ctx.db, ctx.operator, input, ctx.audit)),
  update: permissionProcedure('roles.manage')
    .input(RoleUpdateInput)
    .mutation(({ ctx, input }) => updateRole(ctx.db, ctx.operator, input, ctx.audit)),
  delete: permissionProcedure('roles.manage')
    .input(RoleDeleteInput)
    .mutation(({ ctx, input }) => deleteRole(ctx.db, ctx.operator, input.key, ctx.audit)),
});
