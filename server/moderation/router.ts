import { permissionProcedure, router } from '../trpc/init';
import { BulkInput, ClaimInput, ItemRef, ModSetStatusInput, NoteInput, QueueInput, ReplyInput } from './schema';
import { addNote, claim, item, queue, reply, setStatus } from './service';
import { bulkSetStatus } from './bulk';

const manage = permissionProcedure('moderation.manage');

export const moderationRouter = router({
  queue: manage.input(QueueInput).query(({ ctx, input }) => queue(ctx.db, ctx.operator, input)),
  item: manage.input(ItemRef).query(({ ctx, input }) => item(ctx.db, ctx.operator, input.kind, input.id)),
  claim: manage.input(ClaimInput).mutation(({ ctx, input }) => claim(ctx.db, ctx.operator, input, ctx.audit)),
  setStatus: manage.input(ModSetStatusInput).mutation(({ ctx, input }) => setStatus(ctx.db, ctx.operator, input, ctx.audit)),
  note: manage.input(NoteInput).mutation(({ ctx, input }) => addNote(ctx.db, ctx.operator, input, ctx.audit)),
  reply: manage.input(ReplyInput).mutation(({ ctx, input }) => reply(ctx.db, ctx.operator, input, ctx.audit)),
  bulk: manage.input(BulkInput).mutation(({ ctx, input }) => bulkSetStatus(ctx.db, ctx.operator, input, ctx.audit)),
});
