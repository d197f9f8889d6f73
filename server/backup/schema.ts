import { z } from 'zod';
import { objectIdString } from '../db/util';

export const ID = objectIdString('Not a backup id');
export const COLLECTION_NAME = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'Not a collection name');

export const createInput = z.object({
  collections: z.array(COLLECTION_NAME).max(50).optional(),
  note: z.string().trim().max(300).default(''),
});
export const idInput = z.object({ id: ID });
export const listInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });
export const restoreInput = z.object({
  id: ID,
  mode: z.enum(['preview', 'merge', 'replace']),
  collections: z.array(COLLECTION_NAME).max(50).optional(),
  /** Replace only: the collection names typed by the operator, to confirm. */
  confirm: z.string().max(2000).optional(),
});
export const jobInput = z.object({ jobId: ID });
export const scheduleInput = z.object({
  enabled: z.boolean(),
  cron: z.string().trim().min(9).max(100),
  retentionDays: z.number().int().min(1).max(3650),
  retentionCount: z.number().int().min(1).max(1000),
});
export type CreateInput = z.infer<typeof createInput>;
export type RestoreInput = z.infer<typeof restoreInput>;
export type ScheduleInput = z.infer<typeof scheduleInput>;
