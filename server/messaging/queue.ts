/**
 * The due queue: which messages the outbox should look at next, kept apart from `messages` so that
 * picking a batch costs the same at 0 or 100,000 sent messages.
 *
 * Why: the batch query `messages.find({status: 'queued', nextAttemptAt: {$lte: now}})` is a SQLite SCAN
 * on the embedded FerretDB (only `status` is indexable there and its statistics call it unselective), so
 * it walked past every sent message first: 65 → 29 msg/s by 42,000 sent in a 100,000 campaign. An index
 * hint or a keyset got the index in one run and not the next (round 2). Here the read has no filter and
 * no sort, which FerretDB sends to SQLite as `SELECT … LIMIT n` in rowid (insertion) order: it reads n
 * rows whatever the planner's statistics say, and the collection holds only messages still to be sent.
 *
 * - `messaging_queue` `{_id: message id, t}`: messages that are queued and due. Read in natural order.
 * - `messaging_queue_later` `{_id: message id, due, t}`: queued messages waiting for a retry; promoted
 *   to the due queue when due (a small collection: only messages that failed with a 4xx recently).
 *
 * The message's status stays the truth; an entry only says "look at this message". Rules that keep it
 * exactly-once and loss-free without transactions:
 * 1. An entry is written **before** the message becomes `queued` (insert, resume, retry, recovery), so a
 *    crash in between leaves an entry without a queued message (dropped when read), never a queued
 *    message without an entry.
 * 2. Every write of an entry gives it a fresh token `t`; an entry found stale (its message is not queued)
 *    is deleted only if its token is still the one read, so a resume or retry that re-queued the message
 *    meanwhile keeps its entry.
 * 3. The outbox deletes an entry only after the message's outcome is written (sent, failed, dead,
 *    skipped, held, cancelled; a retry moves it to the later queue first). A sender killed mid-batch
 *    leaves the entries: its batch is recovered from its lease document, then sent from the queue.
 * 4. An entry whose message does not exist yet (written just before the insert) is skipped while it is
 *    younger than ORPHAN_MS and deleted after (the insert never happened: a crash, a duplicate key).
 */
import { ObjectId, type Db } from 'mongodb';
import { duplicateKeyIndexes } from '../db/util';

export interface DueEntry {
  _id: ObjectId;
  t: ObjectId;
}
export interface LaterEntry {
  _id: ObjectId;
  due: Date;
  t: ObjectId;
}

export const dueQueue = (db: Db) => db.collection<DueEntry>('messaging_queue');
export const laterQueue = (db: Db) => db.collection<LaterEntry>('messaging_queue_later');

/** An entry without its message is dropped once older than this (its insert did not happen). */
export const ORPHAN_MS = 30_000;

const CHUNK = 500;

/**
 * Writes entries with fresh tokens: insertMany, then the ones that already existed (a stale entry a resume
 * finds, an entry a crashed enqueue left) are replaced, so their token is new too (rule 2).
 */
async function put<T extends { _id: ObjectId; t: ObjectId }>(db: Db, name: string, docs: T[]): Promise<void> {
  const coll = db.collection<T>(name);
  for (let i = 0; i < docs.length; i += CHUNK) {
    const chunk = docs.slice(i, i + CHUNK);
    let again: T[] = [];
    try {
      await coll.insertMany(chunk as never[], { ordered: false });
    } catch (e) {
      const idx = duplicateKeyIndexes(e);
      if (!idx) throw e;
      again = idx === 'unknown' ? chunk : idx.map((k) => chunk[k]!);
    }
    for (const d of again) await coll.replaceOne({ _id: d._id } as never, d as never, { upsert: true });
  }
}

/** Queues messages that are (about to be) `queued`: due ones in the due queue, the others in the later queue. */
export async function queueMessages(db: Db, msgs: { _id: ObjectId; nextAttemptAt?: Date | null }[], now = new Date()): Promise<void> {
  const due: DueEntry[] = [];
  const later: LaterEntry[] = [];
  for (const m of msgs) {
    if (m.nextAttemptAt && m.nextAttemptAt > now) later.push({ _id: m._id, due: m.nextAttemptAt, t: new ObjectId() });
    else due.push({ _id: m._id, t: new ObjectId() });
  }
  if (due.length) await put(db, 'messaging_queue', due);
  if (later.length) await put(db, 'messaging_queue_later', later);
}

/** The next `limit` entries of the due queue: no filter, no sort (SQLite: rowid order + LIMIT). */
export function readDue(db: Db, limit: number): Promise<DueEntry[]> {
  return dueQueue(db).find({}, { limit }).toArray();
}

/** Deletes the entries as read (their token unchanged), in commands of 200. */
export async function dropEntries(db: Db, entries: { _id: ObjectId; t: ObjectId }[], which: 'due' | 'later' = 'due'): Promise<void> {
  const coll = which === 'due' ? dueQueue(db) : laterQueue(db);
  for (let i = 0; i < entries.length; i += 200) {
    const chunk = entries.slice(i, i + 200);
    // `t` leads no index: only `_id $in` is pushed down; each token is written once, so the pair is exact
    await coll.deleteMany({ _id: { $in: chunk.map((e) => e._id) }, t: { $in: chunk.map((e) => e.t) } });
  }
}

/** Deletes the due entries of messages that reached a final status (sent): nothing can queue them again. */
export async function dropDone(db: Db, ids: ObjectId[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 200) await dueQueue(db).deleteMany({ _id: { $in: ids.slice(i, i + 200) } });
}

/** Moves retries that came due into the due queue. Returns how many. */
export async function promoteDue(db: Db, now = new Date(), limit = 1_000): Promise<number> {
  const ready = await laterQueue(db)
    .find({ due: { $lte: now } }, { limit })
    .toArray();
  if (!ready.length) return 0;
  await put(
    db,
    'messaging_queue',
    ready.map((r) => ({ _id: r._id, t: new ObjectId() })),
  );
  await dropEntries(db, ready, 'later');
  return ready.length;
}

/** Moves due-queue entries of messages not due yet (a retry whose entry was not yet moved) to the later queue. */
export async function postpone(db: Db, items: { entry: DueEntry; due: Date }[]): Promise<void> {
  if (!items.length) return;
  await put(
    db,
    'messaging_queue_later',
    items.map((x) => ({ _id: x.entry._id, due: x.due, t: new ObjectId() })),
  );
  await dropEntries(
    db,
    items.map((x) => x.entry),
  );
}

/** Is anything due (the sweeper's cheap check)? */
export async function anythingDue(db: Db, now = new Date()): Promise<boolean> {
  if (await dueQueue(db).findOne({}, { projection: { _id: 1 } })) return true;
  return !!(await laterQueue(db).findOne({ due: { $lte: now } }, { projection: { _id: 1 } }));
}

/** Entry counts (tests, benchmark). */
export async function queueSizes(db: Db): Promise<{ due: number; later: number }> {
  return { due: await dueQueue(db).countDocuments({}), later: await laterQueue(db).countDocuments({}) };
}

/**
 * Messages queued by a version without the due queue get their entries: called by ensureIndexes while the
 * later queue's index is missing (once, on the first start of this version; the index is created after, so
 * a crash mid-way repeats it, and queueMessages is idempotent).
 */
export async function backfillQueue(db: Db): Promise<number> {
  let n = 0;
  let batch: { _id: ObjectId; nextAttemptAt: Date }[] = [];
  for await (const m of db
    .collection<{ _id: ObjectId; status: string; nextAttemptAt: Date }>('messages')
    .find({ status: 'queued' }, { projection: { _id: 1, nextAttemptAt: 1 } })) {
    batch.push(m);
    if (batch.length >= CHUNK) {
      await queueMessages(db, batch);
      n += batch.length;
      batch = [];
    }
  }
  if (batch.length) await queueMessages(db, batch);
  return n + batch.length;
}
