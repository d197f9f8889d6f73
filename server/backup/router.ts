import { permissionProcedure, router } from '../trpc/init';
import * as svc from './service';
import { createInput, idInput, jobInput, listInput, restoreInput, scheduleInput } from './schema';

const actor = (ctx: { operator: { admin: { _id: { toHexString(): string }; email: string } } }) => ({
  id: ctx.operator.admin._id.toHexString(),
  email: ctx.operator.admin.email,
});

export const backupRouter = router({
  list: permissionProcedure('backup.read')
    .input(listInput)
    .query(({ ctx, input }) => svc.listBackups(ctx.db, input.limit)),
  get: permissionProcedure('backup.read')
    .input(idInput)
    .query(({ ctx, input }) => svc.getBackup(ctx.db, input.id)),
  collections: permissionProcedure('backup.read').query(({ ctx }) => svc.availableCollections(ctx.db)),
  stats: permissionProcedure('backup.read').query(({ ctx }) => svc.backupStats(ctx.db)),
  job: permissionProcedure('backup.read')
    .input(jobInput)
    .query(({ ctx, input }) => svc.getJob(ctx.db, input.jobId)),
  jobs: permissionProcedure('backup.read').query(({ ctx }) => svc.activeJobs(ctx.db)),
  create: permissionProcedure('backup.create')
    .input(createInput)
    .mutation(async ({ ctx, input }) => {
      const r = await svc.startBackup(ctx.db, input, actor(ctx));
      ctx.audit.target = { type: 'backup', id: r.backupId };
      return r;
    }),
  verify: permissionProcedure('backup.read')
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { type: 'backup', id: input.id };
      return svc.startVerify(ctx.db, input.id, actor(ctx));
    }),
  restore: permissionProcedure('backup.restore')
    .input(restoreInput)
    .mutation(async ({ ctx, input }) => {
      // The target is the backup itself (named by its date); the mode and collections go in the details.
      const b = await svc.getBackup(ctx.db, input.id);
      ctx.audit.target = { type: 'backup', id: input.id, label: `backup of ${b.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` };
      ctx.audit.details = { mode: input.mode, collections: input.collections ?? b.collections.map((c) => c.name) };
      return svc.startRestore(ctx.db, input, actor(ctx), ctx.operator.role);
    }),
  delete: permissionProcedure('backup.delete')
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { type: 'backup', id: input.id };
      return svc.deleteBackup(ctx.db, input.id);
    }),
  retentionPreview: permissionProcedure('backup.delete').query(({ ctx }) => svc.retentionPreview(ctx.db)),
  cleanup: permissionProcedure('backup.delete').mutation(async ({ ctx }) => {
    const r = await svc.applyRetention(ctx.db);
    ctx.audit.details = r;
    return r;
  }),
  schedule: router({
    get: permissionProcedure('backup.read').query(({ ctx }) => svc.scheduleView(ctx.db)),
    set: permissionProcedure('backup.schedule')
      .input(scheduleInput)
      .mutation(async ({ ctx, input }) => {
        const r = await svc.setSchedule(ctx.db, input, actor(ctx));
        ctx.audit.target = { type: 'backup_schedule' };
        ctx.audit.details = { before: r.before, after: r.after };
        return { nextRun: r.nextRun };
      }),
  }),
});
