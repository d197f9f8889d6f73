/**
 * One subscriber's stream: the backlog after its last event id (a reconnect misses nothing the bus still
 * holds), then what the hub delivers. Before every delivery the operator is read again (loadOperator: the
 * database, cached ≤ 2 s), so each event is checked against the *current* role and a demoted operator stops
 * receiving what the new role may not see, a deactivated one is dropped. While idle, the session is checked
 * every CHECK_MS without a query (signed out, revoked, past its lifetime: the stream ends with
 * UNAUTHORIZED) and the operator read every RELOAD_MS: a thousand idle streams cost no stream of queries.
 */
import type { Db } from 'mongodb';
import { loadOperator, sessionStillValid, type Operator, type SessionIdentity } from '../auth/session';
import { can } from '../permissions';
import { AppError } from '../errors';
import { eventsAfter, hubFor, type LiveEvent } from './bus';

const CHECK_MS = 5_000;
/** An idle stream reads its operator (admin and role, one query each when not cached) this often. */
const RELOAD_MS = 30_000;

export function visibleTo(op: Operator, ev: Pick<LiveEvent, 'permission' | 'adminId'>): boolean {
  if (ev.adminId && ev.adminId !== op.admin._id.toHexString()) return false;
  if (ev.permission && !can(op.role, ev.permission)) return false;
  return true;
}

/** Whether `ev` is a job's state that a later event of the same job in `queue` replaces. */
export function supersededJobEvent(ev: Pick<LiveEvent, 'type' | 'data' | 'seq'>, queue: Pick<LiveEvent, 'type' | 'data' | 'seq'>[]): boolean {
  if (ev.type !== 'job' || typeof ev.data.id !== 'string') return false;
  return queue.some((q) => q.type === 'job' && q.seq > ev.seq && q.data.id === ev.data.id);
}

export interface StreamItem {
  seq: number;
  type: LiveEvent['type'] | 'hello';
  at: Date;
  data: Record<string, unknown>;
}

export async function* liveStream(db: Db, session: SessionIdentity | null, lastEventId: number | null, signal?: AbortSignal): AsyncGenerator<StreamItem> {
  const queue: LiveEvent[] = [];
  let wake: (() => void) | null = null;
  const hub = hubFor(db);
  const unsubscribe = await hub.subscribe((ev) => {
    queue.push(ev);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  const delivered = new Set<number>();
  try {
    if (lastEventId !== null) {
      // Backlog first; the hub's events that arrived meanwhile are in the queue and deduplicated below.
      queue.unshift(...(await eventsAfter(db, lastEventId)));
    } else {
      // A fresh subscriber gets a starting point, so that its first reconnect already has an id to resume from:
      // the hub's newest (it delivers everything after it to this listener), not a query per subscriber.
      yield { seq: hub.lastSeq, type: 'hello', at: new Date(), data: {} };
    }
    let checkedAt = 0;
    let loadedAt = 0;
    let op: Operator | null = null;
    while (!signal?.aborted) {
      if (!queue.length) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CHECK_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
        if (signal?.aborted) break;
      }
      if (queue.length || Date.now() - loadedAt >= RELOAD_MS) {
        // before any delivery (and every RELOAD_MS while idle): the operator as the database has it now
        op = await loadOperator(db, session);
        loadedAt = checkedAt = Date.now();
        if (!op) throw new AppError('UNAUTHORIZED', 'Your session has ended. Sign in again.');
      } else if (Date.now() - checkedAt >= CHECK_MS) {
        // idle: sign-out, revocation and the absolute lifetime end the stream within CHECK_MS, with no query
        checkedAt = Date.now();
        if (!(await sessionStillValid(db, session))) throw new AppError('UNAUTHORIZED', 'Your session has ended. Sign in again.');
      }
      while (queue.length) {
        const ev = queue.shift()!;
        if (delivered.has(ev.seq)) continue;
        delivered.add(ev.seq);
        // A job's event is its whole state: when a newer one of the same job waits behind it (a stream that fell
        // behind), only the newest is worth sending — each delivery costs the app ~1 ms of CPU.
        if (supersededJobEvent(ev, queue)) continue;
        if (delivered.size > 5_000) delivered.delete(delivered.values().next().value as number);
        if (visibleTo(op!, ev)) yield { seq: ev.seq, type: ev.type, at: ev.at, data: ev.data };
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
