import { protectedProcedure, router } from '../trpc/init';
import { SavedSearchCreate, SavedSearchDelete, SearchInput } from './schema';
import { collectionsFor, createSaved, deleteSaved, listSaved, search } from './service';

/**
 * Search is open to any signed-in operator at the procedure level; each collection is then
 * guarded by its own read permission (registry `read`) in the service, and personal fields
 * by `data.personal.read`.
 */
export const searchRouter = router({
  collections: protectedProcedure.query(({ ctx }) => collectionsFor(ctx.operator.role)),

  query: protectedProcedure.input(SearchInput).query(({ ctx, input }) => search(ctx.db, ctx.operator.role, input)),

  saved: router({
    list: protectedProcedure.query(({ ctx }) => listSaved(ctx.db, ctx.operator.role, ctx.operator.admin._id)),
    create: protectedProcedure.input(SavedSearchCreate).mutation(async ({ ctx, input }) => {
      const r = await createSaved(ctx.db, ctx.operator.role, ctx.operator.admin._id, input);
      ctx.audit.target = { type: 'saved_search', id: r.id, label: input.name };
      return r;
    }),
    delete: protectedProcedure.input(SavedSearchDelete).mutation(async ({ ctx, input }) => {
      const r = await deleteSaved(ctx.db, ctx.operator.admin._id, input.id);
      ctx.audit.target = { type: 'saved_search', id: input.id, label: r.name };
      return r;
    }),
  }),
});
