/**
 * Messaging domain: documents, collection getters and indexes. The messaging services are the only
 * writers of these collections (one owner per collection).
 */
import type { Db, IndexDescription, ObjectId } from 'mongodb';

export const CATEGORIES = ['transactional', 'notifications', 'news', 'reengagement'] as const;
export type Category = (typeof CATEGORIES)[number];
/** Categories a member may turn off; transactional messages are always sent (to an address that is not suppressed). */
export const OPTIONAL_CATEGORIES = ['notifications', 'news', 'reengagement'] as const satisfies readonly Category[];

export const TEMPLATE_TYPES = ['transactional', 'notification', 'marketing'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export type Channel = 'email';

/** held: a paused campaign's message, not sent until resumed */
export type MessageStatus = 'queued' | 'held' | 'sending' | 'sent' | 'failed' | 'dead' | 'skipped' | 'cancelled';

/** One message: a document first, then delivered by the outbox worker. */
export interface MessageDoc {
  _id: ObjectId;
  channel: Channel;
  /** Unique: campaign + member, template + triggering record… A second enqueue with the same key is a no-op. */
  idempotencyKey: string;
  /** Sent as the Message-ID header (without the angle brackets). */
  messageId: string;
  to: string;
  memberId: ObjectId | null;
  category: Category;
  templateKey: string;
  templateVersion: number;
  subject: string;
  vars: Record<string, unknown>;
  campaignId: ObjectId | null;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: Date;
  /** The worker lease holding the message while status is 'sending'. */
  leaseId: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  /** Why a message was not sent (unsubscribed, suppressed) when status is 'skipped'. */
  skipReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  unsubscribedAt: Date | null;
  /** lower-case recipient address words for the outbox search */
  toLower: string;
}

export interface TemplateVersion {
  version: number;
  subject: string;
  /** Liquid inside MJML (the body of <mj-body>, or a whole <mjml> document). */
  body: string;
  /** Compiled at save time: MJML → HTML with the Liquid left in place, and the text part generated from it. */
  html: string;
  text: string;
  variables: string[];
  savedAt: Date;
  savedBy: { id: string; email: string } | null;
  note: string;
}

export interface TemplateDoc {
  _id: string; // the template key, e.g. "booking.confirmed"
  name: string;
  type: TemplateType;
  category: Category;
  builtin: boolean;
  /** Variables the template may use (paths such as member.name); anything else is refused at save time. */
  variables: string[];
  current: number;
  versions: TemplateVersion[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SuppressionDoc {
  _id: string; // lower-case address
  reason: 'hard_bounce' | 'complaint' | 'manual';
  detail: string;
  at: Date;
  by: string | null;
}

export interface ConsentEntry {
  at: Date;
  category: Category | 'all';
  value: boolean;
  how: 'preferences_page' | 'one_click_unsubscribe' | 'admin' | 'signup';
  ip: string | null;
}

export interface PreferenceDoc {
  _id: string; // lower-case address
  memberId: ObjectId | null;
  categories: Partial<Record<Category, boolean>>;
  consent: ConsentEntry[];
  updatedAt: Date;
}

export type AudienceSpec =
  | { kind: 'at_risk'; asOf: string }
  | { kind: 'lifecycle'; state: 'dormant' | 'resurrecting'; asOf: string }
  | { kind: 'cohort'; signupFrom: string; signupTo: string }
  | { kind: 'saved_search'; savedSearchId: string };

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'cancelled' | 'done';

export interface CampaignDoc {
  _id: ObjectId;
  name: string;
  templateKey: string;
  templateVersion: number | null;
  category: Category;
  audience: AudienceSpec;
  holdoutPct: number;
  frequencyCapDays: number;
  status: CampaignStatus;
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** set by the automation rule that created it */
  ruleId: string | null;
  counts: { audience: number; holdout: number; enqueued: number; excluded: number };
  /**
   * 'running' from the first chunk until the last chunk's messages are enqueued, then 'done'. A campaign
   * left 'sending' with 'running' by a process that died is picked up again (startDueCampaigns) and is not
   * finished before that. Absent on campaigns started by an earlier version (treated as done).
   */
  enqueue?: 'running' | 'done';
  createdBy: { id: string; email: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who was in a campaign and in which group: the report's denominator (sent vs holdout). */
export interface EnrollmentDoc {
  _id: string; // `${campaignId}:${memberId}`
  campaignId: ObjectId;
  memberId: ObjectId;
  group: 'sent' | 'holdout';
  at: Date;
}

export const ms = {
  messages: (db: Db) => db.collection<MessageDoc>('messages'),
  templates: (db: Db) => db.collection<TemplateDoc>('messaging_templates'),
  suppressions: (db: Db) => db.collection<SuppressionDoc>('messaging_suppressions'),
  preferences: (db: Db) => db.collection<PreferenceDoc>('messaging_preferences'),
  campaigns: (db: Db) => db.collection<CampaignDoc>('messaging_campaigns'),
  enrollments: (db: Db) => db.collection<EnrollmentDoc>('messaging_enrollments'),
};

/** Indexes an earlier version created and `ensureIndexes` drops (collection → names). */
export const MESSAGING_RETIRED_INDEXES: Record<string, string[]> = {
  messages: ['status_due'],
};

export const MESSAGING_INDEXES: Record<string, IndexDescription[]> = {
  messages: [
    { key: { idempotencyKey: 1 }, name: 'idempotency_unique', unique: true },
    // the Outbox page's status filter (newest first) and counts, the check for an earlier version's 'sending';
    // the outbox picks its batches from the due queue (queue.ts), so `nextAttemptAt` is no longer a key:
    // round 4 replaced `status_due` {status, nextAttemptAt, _id} (8 SQLite expressions per write on FerretDB, 4 here)
    { key: { status: 1, _id: 1 }, name: 'status_id' },
    { key: { campaignId: 1, status: 1, _id: 1 }, name: 'campaign_status' },
    { key: { memberId: 1, createdAt: -1, _id: -1 }, name: 'member_created' },
    { key: { createdAt: -1, _id: -1 }, name: 'created_desc' },
    { key: { messageId: 1 }, name: 'message_id_unique', unique: true },
  ],
  // retries waiting for their time (queue.ts); the due queue itself needs no index (read in natural order)
  messaging_queue_later: [{ key: { due: 1, _id: 1 }, name: 'queue_due' }],
  messaging_enrollments: [{ key: { campaignId: 1, group: 1, _id: 1 }, name: 'campaign_group' }],
  messaging_campaigns: [{ key: { createdAt: -1, _id: -1 }, name: 'created_desc' }],
  // hourly rollups of a campaign's report (rollup.ts)
  messaging_campaign_hours: [{ key: { campaignId: 1, t: 1, _id: 1 }, name: 'campaign_hour' }],
};
