import { z } from 'zod';

/** Server configuration, validated once. */
const EnvSchema = z
  .object({
    MONGODB_URI: z.string().min(1).default('mongodb://127.0.0.1:27017'),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/, 'MONGODB_DB: letters, digits, _ and - only')
      .default('acube'),
    /**
     * Set by our own start/test scripts when they run the embedded FerretDB (SQLite backend). Shows the
     * demo accounts hint and makes ensureIndexes create only unique indexes (server/db/indexes.ts).
     */
    ACUBE_EMBEDDED: z.enum(['0', '1']).default('0'),
    NEXTAUTH_SECRET: z.string().optional(),
    /** Idle lifetime of a session cookie: renewed while the operator works (NextAuth's sliding expiry). */
    SESSION_MAX_AGE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(8),
    /** Absolute lifetime from sign-in: no renewal extends a session past this; then the operator signs in again. */
    SESSION_ABSOLUTE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    /**
     * The longest a query shaped by the user (search rows and counts, the audit log) may run on the database
     * (maxTimeMS); beyond it the query is stopped and the operator is asked to narrow the search.
     */
    USER_QUERY_MAX_TIME_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
    // Request budgets per operator or API key, per minute and per app instance (server/http/limits.ts).
    RATE_LIMIT_TRPC_PER_MIN: z.coerce.number().int().min(1).default(1_200),
    RATE_LIMIT_MUTATIONS_PER_MIN: z.coerce.number().int().min(1).default(300),
    RATE_LIMIT_EXPORTS_PER_MIN: z.coerce.number().int().min(1).default(30),
    RATE_LIMIT_EVENTS_PER_MIN: z.coerce.number().int().min(1).default(1_200),
    /** Exports one operator may run at the same time. */
    EXPORTS_CONCURRENT_PER_OPERATOR: z.coerce.number().int().min(1).max(20).default(2),
    /** Procedures one batched tRPC request may carry. */
    TRPC_MAX_BATCH: z.coerce.number().int().min(1).max(200).default(30),
    // MongoClient pool and timeouts (seed phase 14.1): 10–50 connections, idle 45 s, connect 10 s, socket 20 s.
    MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
    MONGODB_MIN_POOL_SIZE: z.coerce.number().int().min(0).max(1000).default(10),
    MONGODB_MAX_IDLE_TIME_MS: z.coerce.number().int().min(0).default(45_000),
    MONGODB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /**
     * Unset: 20 s on MongoDB; 300 s on the embedded database, where a command that must read a whole
     * collection (a data-quality check of 1,000,000 activity events) takes minutes.
     */
    MONGODB_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    /** Log every database command slower than this many ms with the shape of its filter (0: off). */
    DB_SLOW_COMMAND_MS: z.coerce.number().int().min(0).default(0),
    /**
     * Bearer token of GET /api/metrics; unset (or empty): the endpoint answers 404. At least 16 characters
     * (a random 32+ character string is the intent: the endpoint has no rate limit of its own).
     */
    METRICS_TOKEN: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(16, 'METRICS_TOKEN: at least 16 characters (use a random string)').optional(),
    ),
  })
  .refine((e) => e.MONGODB_MIN_POOL_SIZE <= e.MONGODB_MAX_POOL_SIZE, {
    message: 'MONGODB_MIN_POOL_SIZE must not exceed MONGODB_MAX_POOL_SIZE',
    path: ['MONGODB_MIN_POOL_SIZE'],
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
