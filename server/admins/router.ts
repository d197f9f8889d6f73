import { permissionProcedure, router } from '../trpc/init';
import { AdminCreateInput, AdminIdInput, AdminSetRoleInput, AdminsListInput } from './schema';
import { createAdmin, deactivateAdmin, listAdmins, reactivateAdmin, resetAdminPassword, revokeAdminSessions, setAdminRole } from './service';

const manage = permissionProcedure('admins.manage');

export const adminsRouter = router({
  list: permissionProcedure('admins.read')
    .input(AdminsListInput)
    .query(({ ctx, input }) => listAdmins(ctx.db, input)),
  create: manage.input(AdminCreateInput).mutation(({ ctx, input }) => createAdmin(ctx.db, ctx.operator, input, ctx.audit)),
  setRole: manage.input(AdminSetRoleInput).mutation(({ ctx, input }) => setAdminRole(ctx.db, ctx.operator, input.id, input.role, ctx.audit)),
  deactivate: manage.input(AdminIdInput).mutation(({ ctx, input }) => deactivateAdmin(ctx.db, ctx.operator, input.id, ctx.audit)),
  reactivate: manage.input(AdminIdInput).mutation(({ ctx, input }) => reactivateAdmin(ctx.db, ctx.operator, input.id, ctx.audit)),
  resetPassword: manage.input(AdminIdInput).mutation(({ ctx, input }) => resetAdminPassword(ctx.db, ctx.operator, input.id, ctx.audit)),
  revokeSessions: manage.input(AdminIdInput).mutation(({ ctx, input }) => revokeAdminSessions(ctx.db, ctx.operator, input.id, ctx.audit)),
});
