import { permissionProcedure, protectedProcedure, router } from '../trpc/init';
import { activeUsersInput, atRiskInput, createKeyInput, featureUsageInput, lifecycleInput, retentionInput, revokeKeyInput, stickinessInput, trackInput } from './schema';
import { activeUsers, atRisk, featureUsage, homeSummary, lifecycle, retention, stickiness } from './service';
import { createApiKey, listApiKeys, revokeApiKey } from './keys';
import { trackAdminEvents } from './track';

export const analyticsRouter = router({
  activeUsers: permissionProcedure('analytics.read').input(activeUsersInput).query(({ ctx, input }) => activeUsers(ctx.db, input)),
  retention: permissionProcedure('analytics.read').input(retentionInput).query(({ ctx, input }) => retention(ctx.db, input)),
  lifecycle: permissionProcedure('analytics.read').input(lifecycleInput).query(({ ctx, input }) => lifecycle(ctx.db, input)),
  stickiness: permissionProcedure('analytics.read').input(stickinessInput).query(({ ctx, input }) => stickiness(ctx.db, input)),
  featureUsage: permissionProcedure('analytics.read').input(featureUsageInput).query(({ ctx, input }) => featureUsage(ctx.db, input)),
  atRisk: permissionProcedure('analytics.read').input(atRiskInput).query(({ ctx, input }) => atRisk(ctx.db, input, ctx.operator.role)),
  homeSummary: permissionProcedure('analytics.read').query(({ ctx }) => homeSummary(ctx.db)),
  /** The admin app's own usage (which analytics views operators open); any signed-in operator. */
  track: protectedProcedure.input(trackInput).mutation(({ ctx, input }) => trackAdminEvents(ctx.db, ctx.operator.admin._id, input.events)),
  keys: router({
    list: permissionProcedure('analytics.keys').query(({ ctx }) => listApiKeys(ctx.db)),
    create: permissionProcedure('analytics.keys')
      .input(createKeyInput)
      .mutation(async ({ ctx, input }) => {
        const res = await createApiKey(ctx.db, input.name, ctx.operator.admin.email);
        ctx.audit.target = { type: 'analytics_api_key', id: res.apiKey.id, label: res.apiKey.name };
        ctx.audit.details = { prefix: res.apiKey.prefix };
        return res;
      }),
    revoke: permissionProcedure('analytics.keys')
      .input(revokeKeyInput)
      .mutation(async ({ ctx, input }) => {
        const res = await revokeApiKey(ctx.db, input.id, ctx.operator.admin.email);
        ctx.audit.target = { type: 'analytics_api_key', id: res.id, label: res.name };
        return res;
      }),
  }),
});
