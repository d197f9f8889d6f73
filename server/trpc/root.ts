import { createCallerFactory, router } from './init';
import { meRouter } from '../me/router';
import { dashboardRouter } from '../dashboard/router';
import { searchRouter } from '../search/router';
import { qualityRouter } from '../quality/router';
import { exportsRouter } from '../export/router';
import { analyticsRouter } from '../analytics/router';
import { adminsRouter } from '../admins/router';
import { rolesRouter } from '../roles/router';
import { auditRouter } from '../audit/router';
import { backupRouter } from '../backup/router';
import { contentRouter } from '../content/router';
import { moderationRouter } from '../moderation/router';
import { messagingRouter } from '../messaging/router';
import { liveRouter } from '../live/router';
import { notificationsRouter } from '../notifications/router';
import { systemRouter } from '../system/router';

export const appRouter = router({
  me: meRouter,
  dashboard: dashboardRouter,
  search: searchRouter,
  quality: qualityRouter,
  exports: exportsRouter,
  analytics: analyticsRouter,
  admins: adminsRouter,
  roles: rolesRouter,
  audit: auditRouter,
  backup: backupRouter,
  content: contentRouter,
  moderation: moderationRouter,
  messaging: messagingRouter,
  live: liveRouter,
  notifications: notificationsRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
