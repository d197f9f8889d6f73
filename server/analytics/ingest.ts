/**
 * Event ingestion: validate each event of a batch on its own, store the good ones with their
 * UTC day / ISO week / month buckets, skip duplicates by client event id (unique index), and
 * queue them for the rollups (queue.ts).
 */
import { MongoBulkWriteError, ObjectId, type Db } from 'mongodb';
import { bucketsCache } from '../lib/buckets';
import { KW_FIELD, keywordsCache } from '../search/keywords';
import { AppError } from '../errors';
import { incomingEvent, MAX_BATCH, MAX_FUTURE_MS } from './schema';
import { existingMembers } from './members';
import { enqueueRollup, flushRollupQueue } from './queue';

export { EVENTS, ANALYTICS_INDEXES } from './collections';
import { EVENTS } from './collections';
import { isDuplicateKeyError } from '../db/util';

export interface StoredEvent {
  _id: ObjectId;
  eventId: string;
  userId: ObjectId;
  name: string;
  ts: Date;
  day: string;
  week: string;
  month: string;
  props: Record<string, unknown>;
  source: string;
  receivedAt: Date;
  /** Search keywords (the registry's searchable fields), as every write path keeps them. */
  _kw: string[];
}

export interface IngestResult {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; eventId: string | null; reasons: string[] }>;
}

const eventKeywords = keywordsCache(EVENTS);
/** The day / week / month keys, remembered per UTC day (a batch's events fall on a few days). */
const eventBuckets = bucketsCache();

/** Oldest accepted timestamp: events older than this are almost surely a client bug. */
export const OLDEST_TS = Date.UTC(2015, 0, 1);

/**
 * The stored events go to the rollup queue (queue.ts). `rollup: 'queue'` (POST /api/events) leaves
 * them to the drain, so a request costs one insertMany plus one small insert; `'now'` (default:
 * tests, scripts) drains the queue before returning.
 */
export async function ingestEvents(db: Db, batch: unknown, opts: { now?: Date; checkUsers?: boolean; rollup?: 'now' | 'queue' } = {}): Promise<IngestResult> {
  if (!Array.isArray(batch)) throw new AppError('BAD_REQUEST', 'Send {"events": [...]} with an array of events.');
  if (batch.length === 0) throw new AppError('BAD_REQUEST', 'The batch is empty.');
  if (batch.length > MAX_BATCH) throw new AppError('BAD_REQUEST', `At most ${MAX_BATCH} events per batch (got ${batch.length}).`);
  const now = opts.now ?? new Date();
  const rejected: IngestResult['rejected'] = [];
  const good: Array<{ index: number; doc: StoredEvent }> = [];
  const seenIds = new Map<string, number>();
  let duplicates = 0;
  batch.forEach((raw, index) => {
    const rawId = raw && typeof raw === 'object' && typeof (raw as { eventId?: unknown }).eventId === 'string' ? (raw as { eventId: string }).eventId : null;
    const parsed = incomingEvent.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, eventId: rawId, reasons: parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`) });
      return;
    }
    const ev = parsed.data;
    const ts = new Date(ev.ts);
    const reasons: string[] = [];
    if (ts.getTime() > now.getTime() + MAX_FUTURE_MS) reasons.push('ts: more than 5 minutes in the future');
    if (ts.getTime() < OLDEST_TS) reasons.push('ts: before 2015-01-01');
    if (reasons.length) {
      rejected.push({ index, eventId: ev.eventId, reasons });
      return;
    }
    if (seenIds.has(ev.eventId)) {
      duplicates++; // the same event twice in one batch: keep the first
      return;
    }
    seenIds.set(ev.eventId, index);
    const b = eventBuckets(ts);
    const doc: StoredEvent = {
      _id: new ObjectId(),
      eventId: ev.eventId,
      userId: new ObjectId(ev.userId),
      name: ev.name,
      ts,
      day: b.day,
      week: b.week,
      month: b.month,
      props: ev.props,
      source: ev.source,
      receivedAt: now,
      [KW_FIELD]: [],
    };
    doc[KW_FIELD] = eventKeywords(doc); // as withKeywords would set it, remembered per event name
    good.push({ index, doc });
  });

  let candidates = good;
  if (opts.checkUsers !== false && candidates.length) {
    const known = await existingMembers(db, [...new Set(candidates.map((g) => g.doc.userId.toHexString()))]);
    candidates = candidates.filter((g) => {
      if (known.has(g.doc.userId.toHexString())) return true;
      rejected.push({ index: g.index, eventId: g.doc.eventId, reasons: ['userId: no member with this id'] });
      return false;
    });
  }

  let stored: StoredEvent[] = [];
  if (candidates.length) {
    const docs = candidates.map((g) => g.doc);
    try {
      await db.collection<StoredEvent>(EVENTS).insertMany(docs, { ordered: false });
      stored = docs;
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError)) throw e;
      const failed = new Set<number>();
      const errs = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
      for (const we of errs) {
        failed.add(we.index);
        if (isDuplicateKeyError(we)) duplicates++;
        else
          rejected.push({
            index: candidates[we.index]!.index,
            eventId: candidates[we.index]!.doc.eventId,
            reasons: [`storage: ${we.errmsg ?? 'write failed'}`],
          });
      }
      stored = docs.filter((_, i) => !failed.has(i));
    }
  }
  await enqueueRollup(db, stored);
  if (opts.rollup !== 'queue' && stored.length) await flushRollupQueue(db);
  rejected.sort((a, b) => a.index - b.index);
  return { received: batch.length, accepted: stored.length, duplicates, rejected };
}
