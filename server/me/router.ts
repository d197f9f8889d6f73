import { protectedProcedure, router } from '../trpc/init';
import { visibleSections } from '../permissions';
import { ChangePasswordInput } from './schema';
import { changeOwnPassword } from './service';

export const meRouter = router({
  /** Who is signed in, with the role and permissions read from the database on this request. */
  get: protectedProcedure.query(({ ctx }) => {
    const { admin, role } = ctx.operator;
    return {
      id: admin._id.toHexString(),
      email: admin.email,
      name: admin.name,
      role: role.key,
      roleLabel: role.label,
      permissions: [...role.permissions],
      sections: visibleSections(role).map((s) => s.key),
    };
  }),

  changePassword: protectedProcedure.input(ChangePasswordInput).mutation(({ ctx, input }) => {
    ctx.audit.target = { type: 'admin', id: ctx.operator.admin._id.toHexString(), label: ctx.operator.admin.email };
    return changeOwnPassword(ctx.db, ctx.operator.admin, input.currentPassword, input.newPassword);
  }),
});
