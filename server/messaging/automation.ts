/**
 * Automated re-engagement: one rule ("when a member becomes at risk, send template X, at most once per N
 * days"), evaluated daily by an in-process cron on every instance; a run-once marker lock per day (as
 * the backup scheduler does) makes exactly one instance evaluate it. Each evaluation is a campaign
 * (audience: at risk as of yesterday, holdout, frequency cap = the rule's N days), so every enrollment
 * (sent or holdout) is recorded and reported like any campaign. The outbox worker and the due-campaign
 * starter run here too.
 */
import type { Db } from 'mongodb';
import { Cron } from 'croner';
import { tryLock } from '../db/locks';
import { deliverPendingNotices } from './notices';
import { writeAudit } from '../audit/service';
import { dayKeyOfIndex, dayIndexOfDate } from '../analytics/periods';
import { createCampaign, finishCampaigns, scheduleCampaign, startDueCampaigns } from './campaigns';
import { startOutboxWorker } from './outbox';

export interface RuleDoc {
  _id: 'reengagement';
  enabled: boolean;
  templateKey: string;
  capDays: number;
  holdoutPct: number;
  updatedAt: Date;
  updatedBy: string | null;
  lastRunDay: string | null;
}

const rules = (db: Db) => db.collection<RuleDoc>('messaging_rules');

export async function getRule(db: Db): Promise<RuleDoc> {
  return (
    (await rules(db).findOne({ _id: 'reengagement' })) ?? {
      _id: 'reengagement',
      enabled: false,
      templateKey: 'reengagement',
      capDays: 30,
      holdoutPct: 10,
      updatedAt: new Date(0),
      updatedBy: null,
      lastRunDay: null,
    }
  );
}

export async function saveRule(db: Db, r: Pick<RuleDoc, 'enabled' | 'templateKey' | 'capDays' | 'holdoutPct'>, by: string) {
  const before = await getRule(db);
  await rules(db).updateOne(
    { _id: 'reengagement' },
    { $set: { ...r, updatedAt: new Date(), updatedBy: by }, $setOnInsert: { lastRunDay: null } },
    { upsert: true },
  );
  return { before, after: await getRule(db) };
}

/** Evaluates the rule for `day` (once per day across instances). */
export async function runRule(db: Db, now = new Date()): Promise<'ran' | 'skipped' | 'disabled'> {
  const rule = await getRule(db);
  if (!rule.enabled) return 'disabled';
  const asOf = dayKeyOfIndex(dayIndexOfDate(now) - 1);
  if (!(await tryLock(db, `messaging:rule:${asOf}`, `pid-${process.pid}`, 7 * 86_400_000))) return 'skipped';
  const c = await createCampaign(
    db,
    {
      name: `Re-engagement (automatic) ${asOf}`,
      templateKey: rule.templateKey,
      audience: { kind: 'at_risk', asOf },
      holdoutPct: rule.holdoutPct,
      frequencyCapDays: rule.capDays,
      ruleId: rule._id,
    },
    null,
  );
  await scheduleCampaign(db, c._id.toHexString(), now);
  await startDueCampaigns(db, now);
  await rules(db).updateOne({ _id: 'reengagement' }, { $set: { lastRunDay: asOf } });
  await writeAudit(db, { actor: null, action: 'messaging.rule.run', target: { type: 'campaign', id: c._id.toHexString(), label: c.name }, result: 'success' });
  return 'ran';
}

const g = globalThis as unknown as { __acubeMessaging?: { cron: Cron; tick: ReturnType<typeof setInterval> } };

/** Called once per server process (instrumentation.ts): outbox worker, due campaigns every 15 s, the daily rule. */
export function startMessaging(db: Db): void {
  if (g.__acubeMessaging) return;
  if (!process.env.SMTP_URL) {
    console.warn('[messaging] SMTP_URL is not set: messages are queued and not sent (npm start sets it to the embedded Mailpit)');
    return;
  }
  startOutboxWorker(db);
  const tick = setInterval(() => {
    startDueCampaigns(db)
      .then(() => finishCampaigns(db))
      .then(() => deliverPendingNotices(db))
      .catch((e) => console.error('[messaging] campaigns:', e instanceof Error ? e.message : e));
  }, 15_000);
  tick.unref?.();
  const cron = new Cron(process.env.MESSAGING_RULE_CRON || '0 9 * * *', { timezone: 'UTC', protect: true }, () => {
    runRule(db).catch((e) => console.error('[messaging] re-engagement rule:', e instanceof Error ? e.message : e));
  });
  g.__acubeMessaging = { cron, tick };
}
