import { tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init';
import { AppError } from '../errors';
import { liveStream } from './stream';

export const LiveInput = z
  .object({
    /** The id of the last event received (tRPC's httpSubscriptionLink sends it on reconnect). */
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/)
      .nullish(),
  })
  .optional();

export const liveRouter = router({
  /**
   * Live events for the signed-in operator over SSE: job progress, audit entries, notifications,
   * maintenance runs, each only when the operator's current role may see it (server/live/stream.ts).
   */
  events: protectedProcedure.input(LiveInput).subscription(async function* ({ ctx, input, signal }) {
    const last = input?.lastEventId ? Number(input.lastEventId) : null;
    try {
      for await (const item of liveStream(ctx.db, ctx.session, last, signal)) {
        yield tracked(String(item.seq), item);
      }
    } catch (e) {
      if (e instanceof AppError && e.code === 'UNAUTHORIZED') throw new TRPCError({ code: 'UNAUTHORIZED', message: e.message });
      throw e;
    }
  }),
});
