import { permissionProcedure, router } from '../trpc/init';
import { QualityInput } from './schema';
import { applyFixes, checkCollection, previewFixes } from './service';

export const qualityRouter = router({
  check: permissionProcedure('data.validate')
    .input(QualityInput)
    .query(({ ctx, input }) => checkCollection(ctx.db, input.collection)),
  preview: permissionProcedure('data.fix')
    .input(QualityInput)
    .query(({ ctx, input }) => previewFixes(ctx.db, input.collection)),
  applyFixes: permissionProcedure('data.fix')
    .input(QualityInput)
    .mutation(async ({ ctx, input }) => {
      const r = await applyFixes(ctx.db, input.collection);
      ctx.audit.target = { type: 'collection', id: input.collection };
      ctx.audit.details = { applied: r.applied };
      return r;
    }),
});
