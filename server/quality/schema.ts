import { z } from 'zod';
import { COLLECTION_KEYS } from '../registry';

/** Data-quality tools work on platform collections only (never system ones like audit_logs). */
export const QualityInput = z.strictObject({ collection: z.enum(COLLECTION_KEYS as [string, ...string[]]) });
