/**
 * Analytics URL <-> state: `tab`, `from`, `to`, `interval`, `event` live in the URL (validated with zod
 * when parsed, anything invalid falls back to the default), so a view can be linked to and the back button
 * returns to the tab and range the user was on.
 */
import { z } from 'zod';
import { eventName } from '@/server/analytics/schema';

export const ANALYTICS_TABS = ['active-users', 'retention', 'lifecycle', 'stickiness', 'features', 'at-risk', 'keys'] as const;
export type AnalyticsTab = (typeof ANALYTICS_TABS)[number];
export const INTERVALS = ['day', 'week', 'month'] as const;

export interface AnalyticsUrlState {
  tab: AnalyticsTab;
  from: string;
  to: string;
  interval: (typeof INTERVALS)[number];
  event: string | null;
}

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));

export function defaultAnalyticsState(now = Date.now()): AnalyticsUrlState {
  return { tab: 'active-users', from: utcDay(now - 83 * DAY), to: utcDay(now), interval: 'week', event: null };
}

/** Each parameter on its own: a bad one falls back to its default, the others are kept. */
export function analyticsStateFromParams(p: URLSearchParams, now = Date.now()): AnalyticsUrlState {
  const d = defaultAnalyticsState(now);
  const pick = <T>(schema: z.ZodType<T>, v: string | null, fallback: T): T => {
    const r = schema.safeParse(v);
    return r.success ? r.data : fallback;
  };
  const s: AnalyticsUrlState = {
    tab: pick(z.enum(ANALYTICS_TABS), p.get('tab'), d.tab),
    from: pick(Day, p.get('from'), d.from),
    to: pick(Day, p.get('to'), d.to),
    interval: pick(z.enum(INTERVALS), p.get('interval'), d.interval),
    event: pick(eventName.nullable(), p.get('event'), null),
  };
  if (s.from > s.to) return { ...s, from: d.from, to: d.to };
  return s;
}

export function analyticsHref(s: Partial<AnalyticsUrlState>): string {
  const p = new URLSearchParams();
  if (s.tab) p.set('tab', s.tab);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.interval) p.set('interval', s.interval);
  if (s.event) p.set('event', s.event);
  const q = p.toString();
  return q ? `/analytics?${q}` : '/analytics';
}
