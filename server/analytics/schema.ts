/** zod schemas of the analytics domain, shared by the router, route handlers and the client. */
import { z } from 'zod';
import { ACTIVITY_EVENT_NAMES, ACTIVITY_SOURCES } from './event-names';
import { objectIdString } from '../db/util';

export const INTERVALS = ['day', 'week', 'month'] as const;
export const VIEWS = ['active-users', 'retention', 'lifecycle', 'stickiness', 'features', 'at-risk'] as const;
export type AnalyticsView = (typeof VIEWS)[number];

/** Event names: the platform's registry, or a dotted lower-case name such as 'wallet.topped_up'. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39}){1,3}$/;
export const KNOWN_EVENT_NAMES = ACTIVITY_EVENT_NAMES;
export const eventName = z
  .string()
  .max(120)
  .refine((s) => (KNOWN_EVENT_NAMES as readonly string[]).includes(s) || EVENT_NAME_PATTERN.test(s), {
    message: 'Event name must be a known event or look like "area.action" (lower case, digits, underscores).',
  });

const dayString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD (UTC).')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'Not a real date.');

export const MAX_RANGE_DAYS = 731;

/** The shared toolbar: UTC day range (inclusive), interval, optional event filter. */
export const rangeInput = z
  .object({
    from: dayString,
    to: dayString,
    interval: z.enum(INTERVALS).default('day'),
    event: eventName.nullish(),
  })
  .refine((v) => v.from <= v.to, { message: '"from" must not be after "to".', path: ['from'] })
  .refine((v) => (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 < MAX_RANGE_DAYS, {
    message: `The range is limited to ${MAX_RANGE_DAYS} days.`,
    path: ['to'],
  });
export type RangeInput = z.infer<typeof rangeInput>;

export const activeUsersInput = rangeInput;
export const lifecycleInput = rangeInput;
export const stickinessInput = rangeInput;
export const featureUsageInput = rangeInput;

export const retentionInput = z
  .object({
    from: dayString,
    to: dayString,
    interval: z.enum(INTERVALS).default('week'),
    event: eventName.nullish(),
    mode: z.enum(['first_time', 'recurring']).default('first_time'),
    criterion: z.enum(['on', 'on_or_after']).default('on'),
  })
  .refine((v) => v.from <= v.to, { message: '"from" must not be after "to".', path: ['from'] })
  .refine((v) => (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 < MAX_RANGE_DAYS, {
    message: `The range is limited to ${MAX_RANGE_DAYS} days.`,
    path: ['to'],
  });
export type RetentionInput = z.infer<typeof retentionInput>;

export const AT_RISK_SORTS = ['score', 'recencyDays', 'previousDays', 'recentDays', 'frequency90', 'name'] as const;
export const atRiskInput = z.object({
  /** Reference day (UTC); the windows end on it. */
  asOf: dayString,
  event: eventName.nullish(),
  sort: z.enum(AT_RISK_SORTS).default('score'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type AtRiskInput = z.infer<typeof atRiskInput>;

/** One event as sent by the platform to POST /api/events. */
export const incomingEvent = z.object({
  eventId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w.:-]+$/, 'eventId may hold letters, digits, _ . : -'),
  userId: objectIdString('userId must be a 24-hex member id.'),
  name: eventName,
  /** ISO 8601 with an offset or Z; stored as UTC. */
  ts: z.iso.datetime({ offset: true }),
  source: z.enum(ACTIVITY_SOURCES).default('web'),
  props: z
    .record(
      z
        .string()
        .max(64)
        .regex(/^[A-Za-z_][\w]*$/, 'prop names are identifiers'),
      z.union([z.string().max(500), z.number(), z.boolean(), z.null()]),
    )
    .refine((o) => Object.keys(o).length <= 20, 'At most 20 props.')
    .default({}),
});
export type IncomingEvent = z.infer<typeof incomingEvent>;

export const MAX_BATCH = 500;
/** Timestamps further in the future than this are refused (clock skew allowance). */
export const MAX_FUTURE_MS = 5 * 60_000;

export const trackInput = z.object({
  events: z
    .array(z.object({ name: eventName, props: incomingEvent.shape.props }))
    .min(1)
    .max(50),
});

export const createKeyInput = z.object({
  name: z.string().trim().min(2).max(80),
  scopes: z
    .array(z.enum(['events:write']))
    .min(1)
    .max(5)
    .default(['events:write']),
  /** Days until the key stops working; null: no expiry. */
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
});
export const revokeKeyInput = z.object({ id: objectIdString() });
export const rotateKeyInput = z.object({
  id: objectIdString(),
  /** How long the old key keeps working after the new one is issued (0: stops at once). */
  overlapHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 30)
    .default(24),
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
});
export const keyUsageInput = z.object({ id: objectIdString(), days: z.number().int().min(1).max(90).default(30) });

export const csvQuery = z.object({ view: z.enum(VIEWS) });
