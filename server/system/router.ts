import { z } from 'zod';
import { permissionProcedure, protectedProcedure, router } from '../trpc/init';
import { MAINTENANCE_JOB_KEYS } from '../maintenance/jobs';
import { listMaintenance, runMaintenanceJob } from '../maintenance/runner';
import { alertsFor, systemOverview } from './service';

export const OverviewInput = z.object({ hours: z.number().int().min(1).max(48).default(6) });
export const RunJobInput = z.object({ key: z.enum(MAINTENANCE_JOB_KEYS) });

export const systemRouter = router({
  overview: permissionProcedure('system.read')
    .input(OverviewInput)
    .query(({ ctx, input }) => systemOverview(ctx.db, input.hours)),
  /** The alerts the caller's role can act on (dashboard banner): every signed-in operator, filtered by permission. */
  alerts: protectedProcedure.query(({ ctx }) => alertsFor(ctx.db, ctx.operator.role)),
  maintenance: router({
    list: permissionProcedure('system.read').query(({ ctx }) => listMaintenance(ctx.db)),
    run: permissionProcedure('system.maintain')
      .input(RunJobInput)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target = { type: 'maintenance', id: input.key };
        const r = await runMaintenanceJob(ctx.db, input.key, {
          trigger: 'manual',
          by: { id: ctx.operator.admin._id.toHexString(), email: ctx.operator.admin.email },
        });
        ctx.audit.details = r.record ?? null;
        return r.record ?? null;
      }),
  }),
});
