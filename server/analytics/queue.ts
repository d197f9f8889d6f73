/**
 * The rollup queue behind POST /api/events.
 *
 * The route stores the events (one insertMany) and one queue document naming them, and answers;
 * a drain folds up to DOCS_PER_STEP queued batches into one rollup update (applyToRollup): one
 * part document per day and a rewrite of each touched day document per step instead of per batch.
 * Every rollup write goes through here (ingestEvents' 'now' mode flushes the queue), so the day
 * documents have one writer at a time and can be rewritten without atomic array operators.
 *
 * - Durable: the queue is a collection; a crash leaves it for the next drain (any instance).
 * - One drainer at a time across instances: a lock in MongoDB (tryLock, shared with backups).
 * - Lag: a drain starts ~20 ms after each enqueue in the same process, and every instance sweeps
 *   every 5 s (startRollupWorker); readers see new events once their batch is drained.
 * - At least once: a drain applies, then deletes the queue documents it applied. A crash between
 *   the two applies those batches again: member presence (every metric but feature-usage counts)
 *   is idempotent; event counts of those member-days would be counted twice until
 *   `npm run analytics:rebuild`. The lock is renewed before each step; a drainer that finds it lost
 *   (a step longer than the 2-minute lease) stops.
 */
import { ObjectId, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { releaseLock, renewLock, tryLock } from '../db/locks';
import { bulkWriteChunked } from '../db/bulk';
import { countMatching } from '../db/count';
import { applyToRollup, type EventForRollup } from './rollup';

export const ROLLUP_QUEUE = 'analytics_rollup_queue';
const LOCK_KEY = 'analytics:rollup-queue';
const LEASE_MS = 120_000;
/**
 * Queue documents (≤ 500 events each) folded into one rollup update. The touched day documents are
 * rewritten once per step, so a backlog costs less per event in larger steps.
 */
export const DOCS_PER_STEP = 50;
const SWEEP_MS = 5_000;

/**
 * One line per stored event, 'userHex day week month name', joined by '\n' into one string (FerretDB
 * v1 rebuilds every array element on read and write; one string is one value). None of the five
 * can contain a space: event names are validated against a dotted lower-case pattern. Queues written
 * by an earlier version hold an array of lines: read alike.
 */
interface QueueDoc {
  _id: ObjectId;
  at: Date;
  ev: string | string[];
}

const queue = (db: Db) => db.collection<QueueDoc>(ROLLUP_QUEUE);

/** Queues stored events for the rollup; the caller schedules the drain (the route: scheduleDrain). */
export async function enqueueRollup(db: Db, events: EventForRollup[]): Promise<void> {
  if (!events.length) return;
  await queue(db).insertOne({
    _id: new ObjectId(),
    at: new Date(),
    ev: events.map((e) => `${e.userId.toHexString()} ${e.day} ${e.week} ${e.month} ${e.name}`).join('\n'),
  });
}

interface DrainState {
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<DrainResult> | null;
  again: boolean;
  sweeper: ReturnType<typeof setInterval> | null;
}
const g = globalThis as unknown as { __acubeRollupQueue?: Map<string, DrainState> };
const states = (g.__acubeRollupQueue ??= new Map());
function stateOf(db: Db): DrainState {
  let s = states.get(db.databaseName);
  if (!s) states.set(db.databaseName, (s = { timer: null, running: null, again: false, sweeper: null }));
  return s;
}

/** Starts a drain soon in this process (coalesced: at most one pending and one running). */
export function scheduleDrain(db: Db, delayMs = 20): void {
  const s = stateOf(db);
  if (s.running) {
    s.again = true;
    return;
  }
  if (s.timer) return;
  s.timer = setTimeout(() => {
    s.timer = null;
    runDrain(db).catch((e) => console.error('[analytics] rollup queue drain failed', e));
  }, delayMs);
  s.timer.unref?.();
}

async function runDrain(db: Db): Promise<DrainResult> {
  const s = stateOf(db);
  if (s.running) return s.running;
  s.running = drainRollupQueue(db);
  try {
    return await s.running;
  } finally {
    s.running = null;
    if (s.again) {
      s.again = false;
      scheduleDrain(db, 0);
    }
  }
}

export interface DrainResult {
  /** false when another drainer held the lock */
  locked: boolean;
  batches: number;
  events: number;
}

/** Applies every queued batch to the rollup; returns at once if another drainer holds the lock. */
export async function drainRollupQueue(db: Db): Promise<DrainResult> {
  const owner = `${process.pid}:${new ObjectId().toHexString()}`;
  if (!(await tryLock(db, LOCK_KEY, owner, LEASE_MS))) return { locked: false, batches: 0, events: 0 };
  const out: DrainResult = { locked: true, batches: 0, events: 0 };
  try {
    for (;;) {
      // No sort: FerretDB then pushes the limit down (a sorted find would read the whole queue).
      // Order does not matter: applying batches commutes.
      const docs = await queue(db).find({}, { limit: DOCS_PER_STEP }).toArray();
      if (!docs.length) break;
      // Lost the lock (a step outlived the lease and another drainer took over): leave the rest to it.
      if (!(await renewLock(db, LOCK_KEY, owner, LEASE_MS))) break;
      const events: EventForRollup[] = [];
      for (const d of docs) {
        for (const line of typeof d.ev === 'string' ? d.ev.split('\n') : d.ev) {
          const [u, day, week, month, name] = line.split(' ') as [string, string, string, string, string];
          events.push({ userId: new ObjectId(u), day, week, month, name });
        }
      }
      await applyToRollup(db, events);
      // Deleted one by one by _id: FerretDB serves _id equality from its index, `$in` by a scan.
      const dels: AnyBulkWriteOperation<QueueDoc>[] = docs.map((d) => ({ deleteOne: { filter: { _id: d._id } } }));
      await bulkWriteChunked(queue(db), dels);
      out.batches += docs.length;
      out.events += events.length;
    }
  } finally {
    await releaseLock(db, LOCK_KEY, owner);
  }
  return out;
}

/**
 * Applies every batch queued so far before returning (ingestEvents with rollup 'now': tests,
 * scripts): drains, or waits for the drainer that holds the lock and then drains what is left.
 * Gives up after `timeoutMs` and leaves the rest to the sweeper.
 */
export async function flushRollupQueue(db: Db, timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await drainRollupQueue(db)).locked) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Queued batches not yet applied (for the bench and the metrics' queue depth). countMatching: on the
 * embedded database a pushed-down `count` rather than an aggregation decoding every queued document.
 */
export async function queuedBatches(db: Db): Promise<number> {
  return countMatching(db, queue(db));
}

/**
 * Every instance sweeps the queue every few seconds: picks up batches left by a crashed or busy
 * instance and whatever arrived while this instance's drain was locked out.
 */
export function startRollupWorker(db: Db): void {
  const s = stateOf(db);
  if (s.sweeper) return;
  s.sweeper = setInterval(() => {
    if (s.running || s.timer) return;
    // Only take the lock when there is something to drain (an empty find with a limit is cheap on FerretDB).
    queue(db)
      .findOne({}, { projection: { _id: 1 } })
      .then((d) => d && scheduleDrain(db, 0))
      .catch(() => undefined);
  }, SWEEP_MS);
  s.sweeper.unref?.();
  scheduleDrain(db, 0);
}

/** Removes queue documents the rebuild has read the events of (ids taken before it started reading). */
export async function dropQueued(db: Db, ids: ObjectId[]): Promise<void> {
  await bulkWriteChunked(
    queue(db),
    ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
  );
}

export async function queuedIds(db: Db): Promise<ObjectId[]> {
  return (
    await queue(db)
      .find({}, { projection: { _id: 1 } })
      .toArray()
  ).map((d) => d._id);
}
