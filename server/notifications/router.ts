import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init';
import { listNotifications, markRead } from './service';

export const MarkReadInput = z.union([
  z.object({
    ids: z
      .array(z.string().regex(/^[0-9a-f]{24}$/i))
      .min(1)
      .max(100),
  }),
  z.object({ all: z.literal(true) }),
]);

export const notificationsRouter = router({
  /** The caller's latest notifications (addressed to them or to a permission they hold) with unread state. */
  list: protectedProcedure.query(({ ctx }) => listNotifications(ctx.db, ctx.operator.admin._id.toHexString(), ctx.operator.role)),
  markRead: protectedProcedure
    .input(MarkReadInput)
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.operator.admin._id.toHexString(), ctx.operator.role, 'all' in input ? 'all' : input.ids)),
});
