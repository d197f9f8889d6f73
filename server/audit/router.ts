import { permissionProcedure, router } from '../trpc/init';
import { AuditListInput } from './schema';
import { auditActions, listAudit } from './list';

export const auditRouter = router({
  list: permissionProcedure('audit.read')
    .input(AuditListInput)
    .query(({ ctx, input }) => listAudit(ctx.db, input)),
  actions: permissionProcedure('audit.read').query(({ ctx }) => auditActions(ctx.db)),
});
