/**
 * Scheduled publishing (issue 14): a croner job at every minute, armed on every app instance like the backup
 * scheduler (server/backup/scheduler.ts). Per minute, a run-once marker in `backup_locks` (the same MongoDB
 * lock, unique _id `content-publish:<minute>`) lets one instance run; the publish itself is a compare-and-set
 * on the document's version and `status: 'draft'`, so even two runs of the same minute publish an item once.
 */
import type { Db } from 'mongodb';
import { Cron } from 'croner';
import { getDb } from '../db/client';
import { writeAudit } from '../audit/service';
import { AppError } from '../errors';
import { tryLock } from '../db/locks';
import { bk } from '../backup/model';
import type { AuditNote } from '../trpc/init';
import { PUBLISHED_STATUS } from './model';
import { CONTENT_TYPES, type ContentType } from './schema';
import { setContentStatus } from './service';

const MARKER_PREFIX = 'content-publish:';
const MARKER_LEASE_MS = 10 * 60_000;

export interface PublishRun {
  ran: boolean;
  published: { type: ContentType; id: string; title: string }[];
  conflicts: number;
}

/** Publishes every draft whose publishAt is at or before `now`; at most one instance per minute runs it. */
export async function publishDue(db: Db, now = new Date(), owner = `pid-${process.pid}`): Promise<PublishRun> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const out: PublishRun = { ran: false, published: [], conflicts: 0 };
  if (!(await tryLock(db, `${MARKER_PREFIX}${minute.toISOString().slice(0, 16)}`, owner, MARKER_LEASE_MS))) return out;
  out.ran = true;
  // markers of earlier minutes are never taken again; drop the expired ones (no TTL index on FerretDB)
  await bk
    .locks(db)
    .deleteMany({ _id: { $regex: `^${MARKER_PREFIX}` }, expiresAt: { $lt: now } })
    .catch(() => undefined);
  for (const type of CONTENT_TYPES) {
    const due = await db
      .collection(type)
      .find({ status: 'draft', publishAt: { $lte: now } }, { projection: { _id: 1, version: 1, title: 1, publishAt: 1 } })
      .limit(500)
      .toArray();
    for (const d of due) {
      const audit: AuditNote = {};
      try {
        await setContentStatus(
          db,
          null,
          { type, id: String(d._id), version: typeof d.version === 'number' ? d.version : 0, to: PUBLISHED_STATUS[type] },
          audit,
          { action: 'scheduled_publish', now },
        );
        out.published.push({ type, id: String(d._id), title: String(d.title ?? '') });
        await writeAudit(db, {
          actor: null,
          action: 'content.scheduledPublish',
          target: audit.target ?? null,
          details: { ...(audit.details as object), publishAt: d.publishAt },
          result: 'success',
        });
      } catch (e) {
        // edited or published in between: the next minute sees the new version if it is still due
        if (e instanceof AppError && (e.code === 'CONFLICT' || e.code === 'NOT_FOUND')) out.conflicts++;
        else {
          console.error('[content] scheduled publish failed', type, String(d._id), e);
          await writeAudit(db, {
            actor: null,
            action: 'content.scheduledPublish',
            target: { type, id: String(d._id) },
            result: 'failure',
            error: (e as Error).message?.slice(0, 500),
          });
        }
      }
    }
  }
  if (out.published.length) console.log(`[content] published ${out.published.length} scheduled item(s)`);
  return out;
}

const g = globalThis as unknown as { __acubeContentScheduler?: Cron };

/** Called once per server process from instrumentation.ts. */
export function startContentScheduler(): void {
  if (g.__acubeContentScheduler) return;
  g.__acubeContentScheduler = new Cron('* * * * *', { timezone: 'UTC', protect: true }, async (self: Cron) => {
    const at = self.currentRun() ?? new Date();
    try {
      await publishDue(await getDb(), at);
    } catch (e) {
      console.error('[content] scheduled publishing:', e instanceof Error ? e.message : e);
    }
  });
}
