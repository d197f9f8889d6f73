/** Integration-test helper: a live.events subscription read in the background through a server-side caller. */
import type { Db } from 'mongodb';
import { createContextInner } from '../server/trpc/init';
import { createCaller } from '../server/trpc/root';
import type { StreamItem } from '../server/live/stream';
import type { AdminDoc } from '../server/db/collections';

/** Reads a subscription in the background; `until` waits for a matching item. */
export async function listen(db: Db, admin: AdminDoc, lastEventId?: string, sid?: string) {
  const ac = new AbortController();
  // the abort signal of a server-side caller is given when the caller is made (as the SSE handler passes the request's)
  const caller = createCaller(
    createContextInner({
      db,
      session: { adminId: admin._id.toHexString(), sessionVersion: admin.sessionVersion, ...(sid ? { sid, authTime: Math.floor(Date.now() / 1000) } : {}) },
      ip: '127.0.0.1',
    }),
    { signal: ac.signal },
  );
  const items: { id: string; item: StreamItem }[] = [];
  let error: unknown = null;
  let done = false;
  const iterable = (await caller.live.events(lastEventId ? { lastEventId } : undefined)) as AsyncIterable<unknown>;
  const it = iterable[Symbol.asyncIterator]();
  const pump = (async () => {
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        // tracked(id, data) arrives as [id, data, symbol] through a server-side caller
        const [id, item] = r.value as [string, StreamItem];
        items.push({ id, item });
      }
    } catch (e) {
      error = e;
    } finally {
      done = true;
    }
  })();
  async function until(pred: (i: StreamItem) => boolean, ms = 8_000): Promise<StreamItem> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = items.find((x) => pred(x.item));
      if (hit) return hit.item;
      if (done || Date.now() > end)
        throw new Error(`not received within ${ms} ms (done=${done}, error=${String(error)}); got ${items.map((x) => x.item.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    items,
    until,
    get error() {
      return error;
    },
    get done() {
      return done;
    },
    async close() {
      ac.abort();
      await it.return?.(undefined);
      await pump;
    },
  };
}
