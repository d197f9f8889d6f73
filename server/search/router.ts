import { protectedProcedure, router } from '../trpc/init';
import { RecordInput, SavedSearchCreate, SavedSearchDelete, SearchInput } from './schema';
import { collectionsFor, createSaved, deleteSaved, getRecord, getRelated, listSaved, search } from './service';

/**
 * Search is open to any signed-in operator at the procedure level; each collection is then
 * guarded by its own read permission (registry `read`) in the service, and personal fields
 * by `data.personal.read`.
 */
export const searchRouter = router({
  collections: protectedProcedure.query(({ ctx }) => collectionsFor(ctx.operator.role)),

  query: protectedProcedure.input(SearchInput).query(({ ctx, input }) => search(ctx.db, ctx.operator.role, input)),

  /** One record (the drawer opened from a link), guarded like `query` by the collection's read permission. */
  record: protectedProcedure.input(RecordInput).query(({ ctx, input }) => getRecord(ctx.db, ctx.operator.role, input)),

  /** The records that reference one record (a member's bookings, registrations, recent activity). */
  related: protectedProcedure.input(RecordInput).query(({ ctx, input }) => getRelated(ctx.db, ctx.operator.role, input)),

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
