import { permissionProcedure, protectedProcedure, router } from '../trpc/init';
import {
  activeUsersInput,
  atRiskInput,
  createKeyInput,
  featureUsageInput,
  keyUsageInput,
  lifecycleInput,
  retentionInput,
  revokeKeyInput,
  rotateKeyInput,
  stickinessInput,
  trackInput,
} from './schema';
import { activeUsers, atRisk, featureUsage, homeSummary, lifecycle, retention, stickiness } from './service';
import { apiKeyUsage, createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from './keys';
import { trackAdminEvents } from './track';

export const analyticsRouter = router({
  activeUsers: permissionProcedure('analytics.read')
    .input(activeUsersInput)
    .query(({ ctx, input }) => activeUsers(ctx.db, input)),
  retention: permissionProcedure('analytics.read')
    .input(retentionInput)
    .query(({ ctx, input }) => retention(ctx.db, input)),
  lifecycle: permissionProcedure('analytics.read')
    .input(lifecycleInput)
    .query(({ ctx, input }) => lifecycle(ctx.db, input)),
  stickiness: permissionProcedure('analytics.read')
    .input(stickinessInput)
    .query(({ ctx, input }) => stickiness(ctx.db, input)),
  featureUsage: permissionProcedure('analytics.read')
    .input(featureUsageInput)
    .query(({ ctx, input }) => featureUsage(ctx.db, input)),
  atRisk: permissionProcedure('analytics.read')
    .input(atRiskInput)
    .query(({ ctx, input }) => atRisk(ctx.db, input, ctx.operator.role)),
  homeSummary: permissionProcedure('analytics.read').query(({ ctx }) => homeSummary(ctx.db)),
  /** The admin app's own usage (which analytics views operators open); any signed-in operator. */
  track: protectedProcedure.input(trackInput).mutation(({ ctx, input }) => trackAdminEvents(ctx.db, ctx.operator.admin._id, input.events)),
  keys: router({
    list: permissionProcedure('analytics.keys').query(({ ctx }) => listApiKeys(ctx.db)),
    create: permissionProcedure('analytics.keys')
      .input(createKeyInput)
      .mutation(async ({ ctx, input }) => {
        const res = await createApiKey(ctx.db, input.name, ctx.operator.admin.email, { scopes: input.scopes, expiresInDays: input.expiresInDays });
        ctx.audit.target = { type: 'analytics_api_key', id: res.apiKey.id, label: res.apiKey.name };
        ctx.audit.details = { prefix: res.apiKey.prefix, scopes: res.apiKey.scopes, expiresAt: res.apiKey.expiresAt };
        return res;
      }),
    /** A new key for the same platform; the old one keeps working for the overlap window. */
    rotate: permissionProcedure('analytics.keys')
      .input(rotateKeyInput)
      .mutation(async ({ ctx, input }) => {
        const res = await rotateApiKey(ctx.db, input.id, input.overlapHours, ctx.operator.admin.email, input.expiresInDays);
        ctx.audit.target = { type: 'analytics_api_key', id: res.old.id, label: res.old.name };
        ctx.audit.details = { newKey: { id: res.apiKey.id, prefix: res.apiKey.prefix }, oldKeyExpiresAt: res.old.expiresAt };
        return res;
      }),
    usage: permissionProcedure('analytics.keys')
      .input(keyUsageInput)
      .query(({ ctx, input }) => apiKeyUsage(ctx.db, input.id, input.days)),
    revoke: permissionProcedure('analytics.keys')
      .input(revokeKeyInput)
      .mutation(async ({ ctx, input }) => {
        const res = await revokeApiKey(ctx.db, input.id, ctx.operator.admin.email);
        ctx.audit.target = { type: 'analytics_api_key', id: res.id, label: res.name };
        return res;
      }),
  }),
});
