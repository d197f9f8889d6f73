import { permissionProcedure, router } from '../trpc/init';
import { platformCounts } from './service';

export const dashboardRouter = router({
  counts: permissionProcedure('dashboard.view').query(({ ctx }) => platformCounts(ctx.db, ctx.operator.role)),
});
