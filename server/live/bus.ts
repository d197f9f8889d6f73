/**
 * The cross-instance event bus behind the live updates (tRPC subscriptions over SSE, issue 16).
 *
 * publish() appends an event to the `live_events` collection under the next sequence number, claimed
 * by the unique _id (retry on a duplicate), so every instance sees one order. Each instance has one hub per database
 * that tails the collection and hands new events to the subscribers of that process:
 * - on the embedded FerretDB (no change streams) by polling `seq > last` every POLL_MS while someone
 *   listens (an index on `seq` serves it; the collection is pruned to a day by the maintenance job);
 * - on a MongoDB replica set, detected at start (`hello.setName` and no `ferretdb` in buildInfo), by a
 *   change stream on inserts, with polling as the fallback if the stream fails.
 *
 * Numbers are claimed by inserting, so a number is visible as soon as it is taken; but two writers'
 * inserts can still commit out of order (a poll may see 7 before 6). Missing numbers are remembered as gaps and looked for again for GAP_MS (after which
 * the number is assumed lost: a writer that died between $inc and insert), so a late event is still
 * delivered (after its successor; consumers treat events as idempotent).
 *
 * Events carry an audience (a permission, or one operator); the subscription procedure filters them with
 * the operator's current role on every delivery (server/live/router.ts). Nothing here knows about roles.
 */
import type { ChangeStream, Db, IndexDescription } from 'mongodb';
import type { Permission } from '../permissions';
import { invalidate } from '../db/cache';

export type LiveEventType = 'job' | 'audit' | 'notification' | 'maintenance' | 'metrics' | 'tiles';

export interface LiveEventDoc {
  _id: number;
  seq: number;
  at: Date;
  type: LiveEventType;
  /** Who may receive it: holders of `permission` (null: any signed-in operator) … */
  permission: Permission | null;
  /** … and, when set, only this operator. */
  adminId: string | null;
  data: Record<string, unknown>;
}

export interface LiveEvent {
  seq: number;
  at: Date;
  type: LiveEventType;
  permission: Permission | null;
  adminId: string | null;
  data: Record<string, unknown>;
}

export const LIVE_INDEXES: Record<string, IndexDescription[]> = {
  // compound so the embedded index policy keeps it; `seq` leads, which serves the range and the order of the tail
  live_events: [{ key: { seq: 1, at: 1 }, name: 'seq_at' }],
};

const POLL_MS = Number(process.env.LIVE_POLL_MS ?? 400);
const GAP_MS = 5_000;
const BATCH = 500;
export const BACKLOG_LIMIT = 1_000;

export const liveEvents = (db: Db) => db.collection<LiveEventDoc>('live_events');
const lastSeq = new WeakMap<Db, number>();

function toEvent(d: LiveEventDoc): LiveEvent {
  return { seq: d.seq, at: d.at, type: d.type, permission: d.permission ?? null, adminId: d.adminId ?? null, data: d.data ?? {} };
}

const chains = new WeakMap<Db, Promise<unknown>>();

/**
 * Appends one event; resolves with its sequence number. Publishes of one process go one after another
 * (a chain per database), so they never race each other for a number; only another instance can.
 */
export function publish(
  db: Db,
  ev: { type: LiveEventType; permission?: Permission | null; adminId?: string | null; data: Record<string, unknown> },
): Promise<number> {
  const p = (chains.get(db) ?? Promise.resolve()).catch(() => undefined).then(() => append(db, ev));
  chains.set(db, p);
  return p;
}

async function append(
  db: Db,
  ev: { type: LiveEventType; permission?: Permission | null; adminId?: string | null; data: Record<string, unknown> },
): Promise<number> {
  // The unique _id is the claim: take the next number after the newest one known, and on a duplicate
  // (another writer, on this or another instance, got there first) read the newest again and retry.
  // FerretDB's findAndModify is not atomic under concurrency ($inc handed out one value twice), so no counter document.
  const doc = { seq: 0, at: new Date(), type: ev.type, permission: ev.permission ?? null, adminId: ev.adminId ?? null, data: ev.data };
  // this process's last number is the usual guess (one round trip); the stored newest only when it has none or lost a race
  const hint = lastSeq.get(db);
  let next = (hint ?? (await currentSeq(db))) + 1;
  for (let attempt = 0; ; attempt++) {
    try {
      await liveEvents(db).insertOne({ ...doc, _id: next, seq: next });
      lastSeq.set(db, next);
      return next;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000 || attempt >= 50) throw e;
      next = Math.max(next, await currentSeq(db)) + 1;
    }
  }
}

/** publish() for callers that must never fail or wait because of a live update (audit, job progress). */
export function publishQuietly(db: Db, ev: Parameters<typeof publish>[1]): void {
  publish(db, ev).catch((e) => console.error('[live] publish failed:', e instanceof Error ? e.message : e));
}

/** Events after `seq`, in order (a reconnecting subscriber's backlog), at most `limit`. */
export async function eventsAfter(db: Db, seq: number, limit = BACKLOG_LIMIT): Promise<LiveEvent[]> {
  const docs = await liveEvents(db)
    .find({ seq: { $gt: seq } })
    .sort({ seq: 1 })
    .limit(limit)
    .toArray();
  return docs.map(toEvent);
}

/** The newest sequence number stored (0 when none; after pruning, the newest kept event's). */
export async function currentSeq(db: Db): Promise<number> {
  const d = await liveEvents(db)
    .find({}, { projection: { seq: 1 } })
    .sort({ seq: -1 })
    .limit(1)
    .next();
  return d?.seq ?? 0;
}

export type Listener = (ev: LiveEvent) => void;

/** Tails live_events for the listeners of one process and one database. */
export class Hub {
  private listeners = new Set<Listener>();
  private last = -1;
  private gaps = new Map<number, number>(); // seq -> first noticed (ms)
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling = false;
  private stream: ChangeStream | null = null;
  private mode: 'poll' | 'stream' | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly pollMs = POLL_MS,
  ) {}

  get size() {
    return this.listeners.size;
  }
  get transport() {
    return this.mode;
  }
  /** The newest sequence number this hub has seen (after subscribe() resolved): a fresh subscriber's start. */
  get lastSeq() {
    return Math.max(0, this.last);
  }

  /** Adds a listener; resolves once the hub is tailing (events published after that are delivered). */
  async subscribe(fn: Listener): Promise<() => void> {
    this.listeners.add(fn);
    await this.start();
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private start(): Promise<void> {
    if (this.mode) return Promise.resolve();
    this.starting ??= (async () => {
      if (this.last < 0) this.last = await currentSeq(this.db);
      if (await supportsChangeStreams(this.db)) {
        try {
          this.openStream();
          this.mode = 'stream';
          return;
        } catch (e) {
          console.error('[live] change stream unavailable, polling instead:', e instanceof Error ? e.message : e);
        }
      }
      this.mode = 'poll';
      this.schedule();
    })().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stream?.close().catch(() => undefined);
    this.stream = null;
    this.mode = null;
  }

  private openStream() {
    const s = liveEvents(this.db).watch<LiveEventDoc>([{ $match: { operationType: 'insert' } }]);
    s.on('change', (c) => {
      if (c.operationType === 'insert') this.deliver([c.fullDocument]);
    });
    s.on('error', (e) => {
      console.error('[live] change stream failed, polling instead:', e.message);
      this.stream = null;
      if (this.listeners.size) {
        this.mode = 'poll';
        this.schedule();
      }
    });
    this.stream = s;
  }

  private schedule() {
    if (this.timer || this.mode !== 'poll') return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref?.();
  }

  /** One tail step; exported through the hub for tests. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = Date.now();
      for (const [s, t] of this.gaps) if (now - t > GAP_MS) this.gaps.delete(s);
      const floor = this.gaps.size ? Math.min(...this.gaps.keys()) - 1 : this.last;
      const docs = await liveEvents(this.db)
        .find({ seq: { $gt: floor } })
        .sort({ seq: 1 })
        .limit(BATCH)
        .toArray();
      this.deliver(docs);
    } catch (e) {
      console.error('[live] poll failed:', e instanceof Error ? e.message : e);
    } finally {
      this.polling = false;
    }
  }

  private deliver(docs: LiveEventDoc[]) {
    const now = Date.now();
    for (const d of docs) {
      if (d.seq <= this.last) {
        if (!this.gaps.delete(d.seq)) continue; // seen already
      } else {
        for (let s = this.last + 1; s < d.seq && this.gaps.size < 1_000; s++) this.gaps.set(s, now);
        this.last = d.seq;
      }
      const ev = toEvent(d);
      invalidateFor(this.db, ev);
      for (const fn of this.listeners) {
        try {
          fn(ev);
        } catch (e) {
          console.error('[live] listener failed:', e);
        }
      }
    }
  }
}

/**
 * Events that say records changed make this instance's result caches fresh before its subscribers hear of
 * them (a dashboard refetches on the event): `tiles` names its collections (server/live/tiles.ts), an
 * `audit` event is a new audit entry.
 */
function invalidateFor(db: Db, ev: LiveEvent) {
  if (ev.type === 'tiles' && Array.isArray(ev.data.tags)) invalidate(db, ...ev.data.tags.filter((t): t is string => typeof t === 'string'));
  else if (ev.type === 'audit') invalidate(db, 'audit_logs');
}

const hubs = ((globalThis as unknown as { __acubeLiveHubs?: WeakMap<Db, Hub> }).__acubeLiveHubs ??= new WeakMap());

/** The process's hub for this database (one tail per instance, shared by all its subscribers). */
export function hubFor(db: Db): Hub {
  let h = hubs.get(db);
  if (!h) {
    h = new Hub(db);
    hubs.set(db, h);
  }
  return h;
}

const csCache = new WeakMap<Db, Promise<boolean>>();

/**
 * Change streams need a replica set (or sharded cluster) of real MongoDB; FerretDB answers `hello`
 * without setName and reports itself in buildInfo. LIVE_TRANSPORT=poll forces polling.
 */
export function supportsChangeStreams(db: Db): Promise<boolean> {
  if (process.env.LIVE_TRANSPORT === 'poll') return Promise.resolve(false);
  let p = csCache.get(db);
  if (!p) {
    p = (async () => {
      try {
        const admin = db.admin();
        const [hello, build] = await Promise.all([admin.command({ hello: 1 }), admin.command({ buildInfo: 1 })]);
        if ('ferretdb' in build || 'ferretdbFeatures' in build) return false;
        return Boolean(hello.setName || hello.msg === 'isdbgrid');
      } catch {
        return false;
      }
    })();
    csCache.set(db, p);
  }
  return p;
}
