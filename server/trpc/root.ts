import { createCallerFactory, router } from './init';
import { meRouter } from '../me/router';
import { dashboardRouter } from '../dashboard/router';
import { backupRouter } from '../backup/router';

export const appRouter = router({
  me: meRouter,
  dashboard: dashboardRouter,
  backup: backupRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
