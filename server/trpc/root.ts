import { createCallerFactory, router } from './init';
import { meRouter } from '../me/router';
import { dashboardRouter } from '../dashboard/router';
import { searchRouter } from '../search/router';
import { qualityRouter } from '../quality/router';
import { exportsRouter } from '../export/router';

export const appRouter = router({
  me: meRouter,
  dashboard: dashboardRouter,
  search: searchRouter,
  quality: qualityRouter,
  exports: exportsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
