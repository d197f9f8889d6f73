import { permissionProcedure, router } from '../trpc/init';
import { dashboardWidgets } from './get';

export const dashboardRouter = router({
  /** The caller's widgets (those whose permission the role holds), each with its data or its own error. */
  get: permissionProcedure('dashboard.view').query(({ ctx }) => dashboardWidgets(ctx.db, ctx.operator)),
});
