import { z } from 'zod';

/** Server configuration, validated once. */
const EnvSchema = z.object({
  MONGODB_URI: z.string().min(1).default('mongodb://127.0.0.1:27017'),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'MONGODB_DB: letters, digits, _ and - only').default('acube'),
  /**
   * Set by our own start/test scripts when they run the embedded FerretDB (SQLite backend). Shows the
   * demo accounts hint and makes ensureIndexes create only unique indexes (server/db/indexes.ts).
   */
  ACUBE_EMBEDDED: z.enum(['0', '1']).default('0'),
  NEXTAUTH_SECRET: z.string().optional(),
  SESSION_MAX_AGE_HOURS: z.coerce.number().positive().max(24 * 30).default(8),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;
export function env(): Env {
  if (!cached) cached = EnvSchema.parse(process.env);
  return cached;
}

export function isDemoMode(): boolean {
  return env().ACUBE_EMBEDDED === '1';
}

/** True when the database is the embedded FerretDB with its SQLite backend. */
export function usesEmbeddedDb(): boolean {
  return env().ACUBE_EMBEDDED === '1';
}
