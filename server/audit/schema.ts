import { z } from 'zod';
import { objectIdString } from '../db/util';

export const AUDIT_RESULTS = ['success', 'failure', 'denied'] as const;

/** Filters of the audit log viewer; every one becomes a whitelisted, escaped condition. */
export const AuditFilters = z.object({
  actor: z.string().trim().max(254).optional(),
  action: z.string().trim().max(100).optional(),
  target: z.string().trim().max(200).optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFilters = z.infer<typeof AuditFilters>;

export const AuditListInput = AuditFilters.extend({
  /** Keyset cursor: the `at` and id of the last entry of the previous page. */
  cursor: z.object({ at: z.coerce.date(), id: objectIdString() }).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
}).default({ limit: 50 });
export type AuditListInput = z.infer<typeof AuditListInput>;
