/** Zod inputs of the messaging procedures (shared with the forms). */
import { z } from 'zod';
import { CATEGORIES, OPTIONAL_CATEGORIES } from './model';

const hex24 = z.string().regex(/^[0-9a-f]{24}$/i, 'a 24-hex id');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const templateKey = z.string().regex(/^[a-z][a-z0-9_.-]{1,60}$/, 'lower-case letters, digits, . _ -');
const variable = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/i, 'a variable path such as member.name')
  .max(80);

export const templateGetInput = z.object({ key: templateKey });
export const templateSaveInput = z.object({
  key: templateKey,
  /** only for a new template */
  name: z.string().trim().min(1).max(120).optional(),
  type: z.enum(['transactional', 'notification', 'marketing']).optional(),
  category: z.enum(CATEGORIES).optional(),
  variables: z.array(variable).max(50).optional(),
  subject: z.string().min(1).max(300),
  body: z.string().min(1).max(100_000),
  note: z.string().max(300).default(''),
  /** optimistic concurrency: the version the editor started from */
  baseVersion: z.number().int().min(0).optional(),
});
export const templateRestoreInput = z.object({ key: templateKey, version: z.number().int().min(1) });
export const templatePreviewInput = z.object({
  key: templateKey,
  subject: z.string().min(1).max(300).optional(),
  body: z.string().min(1).max(100_000).optional(),
  version: z.number().int().min(1).optional(),
  memberId: hex24.optional(),
});
export const templateSendTestInput = templatePreviewInput;

export const audienceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('at_risk'), asOf: day }),
  z.object({ kind: z.literal('lifecycle'), state: z.enum(['dormant', 'resurrecting']), asOf: day }),
  z.object({ kind: z.literal('cohort'), signupFrom: day, signupTo: day }),
  z.object({ kind: z.literal('saved_search'), savedSearchId: hex24 }),
]);
export const campaignCreateInput = z.object({
  name: z.string().trim().min(1).max(120),
  templateKey,
  audience: audienceInput,
  holdoutPct: z.number().min(0).max(50).default(10),
  frequencyCapDays: z.number().int().min(0).max(365).default(7),
});
export const campaignAudienceInput = z.object({
  templateKey,
  audience: audienceInput,
  holdoutPct: z.number().min(0).max(50).default(10),
  frequencyCapDays: z.number().int().min(0).max(365).default(7),
});
export const campaignIdInput = z.object({ id: hex24 });
export const campaignScheduleInput = z.object({ id: hex24, at: z.coerce.date().nullable().default(null) });

export const outboxListInput = z.object({
  status: z.enum(['queued', 'held', 'sending', 'sent', 'failed', 'dead', 'skipped', 'cancelled']).optional(),
  campaignId: hex24.optional(),
  memberId: hex24.optional(),
  to: z.string().trim().max(200).optional(),
  cursor: hex24.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const messageIdInput = z.object({ id: hex24 });

export const suppressionAddInput = z.object({ address: z.string().trim().email().max(254), detail: z.string().max(300).default('') });
export const suppressionRemoveInput = z.object({ address: z.string().trim().max(254) });
export const suppressionListInput = z.object({ q: z.string().trim().max(200).optional() });

export const preferencesGetInput = z.object({ memberId: hex24 });
export const preferencesSetInput = z.object({ memberId: hex24, categories: z.partialRecord(z.enum(OPTIONAL_CATEGORIES), z.boolean()) });

export const ruleSaveInput = z.object({
  enabled: z.boolean(),
  templateKey,
  capDays: z.number().int().min(1).max(365).default(30),
  holdoutPct: z.number().min(0).max(50).default(10),
});
