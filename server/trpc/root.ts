import { createCallerFactory, router } from './init';
import { meRouter } from '../me/router';
import { dashboardRouter } from '../dashboard/router';
import { analyticsRouter } from '../analytics/router';

export const appRouter = router({
  me: meRouter,
  dashboard: dashboardRouter,
  analytics: analyticsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
