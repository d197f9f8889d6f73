import { permissionProcedure, router } from '../trpc/init';
import { dashboardWidgetList, loadWidget } from './get';
import { WidgetInput } from './schema';

export const dashboardRouter = router({
  /** The caller's widgets (those whose permission the role holds), in page order. */
  list: permissionProcedure('dashboard.view').query(({ ctx }) => dashboardWidgetList(ctx.operator)),
  /** All the caller's widgets with their data in one answer (loaded in parallel, each failing on its own). */
  get: permissionProcedure('dashboard.view').query(({ ctx }) =>
    Promise.all(dashboardWidgetList(ctx.operator).map((w) => loadWidget(ctx.db, ctx.operator, w.key))),
  ),
  /** One widget with its data; FORBIDDEN unless the role holds that widget's own permission. */
  widget: permissionProcedure('dashboard.view')
    .input(WidgetInput)
    .query(({ ctx, input }) => loadWidget(ctx.db, ctx.operator, input.key)),
});
