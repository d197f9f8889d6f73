/**
 * Hourly rollups of a campaign's engagement (issue 15, report at 100,000 recipients): one small document
 * per campaign and hour with how many of its messages were sent, opened, clicked and unsubscribed in
 * that hour. Each transition that sets `sentAt` / `openedAt` / `clickedAt` / `unsubscribedAt` is a
 * conditional update (only from null, only from in flight), and the rollup is incremented afterwards by
 * the number of documents that update really changed, so a repeated event or a retried batch is not
 * counted twice.
 *
 * The two writes are not atomic (no transactions on the embedded FerretDB): a process killed between
 * them leaves the rollup short by that update. Once the campaign is not sending and nothing is in
 * flight, the report checks each rollup total against an exact count and rebuilds the campaign's rollups
 * from its messages when one differs (campaignReport); while it sends, the rollups are shown as they are.
 */
import type { Db, ObjectId } from 'mongodb';

export type RollupMetric = 'sent' | 'opened' | 'clicked' | 'unsubscribed';
export const ROLLUP_METRICS: readonly RollupMetric[] = ['sent', 'opened', 'clicked', 'unsubscribed'];

export interface CampaignHourDoc {
  /** `<campaign hex>:<YYYY-MM-DDTHH>:00Z` */
  _id: string;
  campaignId: ObjectId;
  /** the hour, `YYYY-MM-DDTHH:00Z` (the report's series key) */
  t: string;
  sent?: number;
  opened?: number;
  clicked?: number;
  unsubscribed?: number;
}

export const campaignHours = (db: Db) => db.collection<CampaignHourDoc>('messaging_campaign_hours');

export function hourOf(d: Date): string {
  return `${d.toISOString().slice(0, 13)}:00Z`;
}

/** Adds n to a campaign's metric in the hour of `at` (n = what the conditional update changed). */
export async function bumpRollup(db: Db, campaignId: ObjectId | null | undefined, at: Date, metric: RollupMetric, n: number): Promise<void> {
  if (!campaignId || n <= 0) return;
  const t = hourOf(at);
  const write = () =>
    campaignHours(db).updateOne({ _id: `${campaignId.toHexString()}:${t}` }, { $inc: { [metric]: n }, $setOnInsert: { campaignId, t } }, { upsert: true });
  try {
    await write();
  } catch (e) {
    // two upserts of a new hour at once: the second insert loses, and its $inc applies to the first's document
    if ((e as { code?: number }).code !== 11000) throw e;
    await write();
  }
}
