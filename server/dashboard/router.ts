import { permissionProcedure, router } from '../trpc/init';
import { dashboardWidgetList, loadWidget } from './get';
import { WidgetInput } from './schema';

export const dashboardRouter = router({
  /** The caller's widgets (those whose permission the role holds), in page order. */
  list: permissionProcedure('dashboard.view').query(({ ctx }) => dashboardWidgetList(ctx.operator)),
  /** One widget with its data; FORBIDDEN unless the role holds that widget's own permission. */
  widget: permissionProcedure('dashboard.view')
    .input(WidgetInput)
    .query(({ ctx, input }) => loadWidget(ctx.db, ctx.operator, input.key)),
});
