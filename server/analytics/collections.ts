/**
 * The analytics collections and their indexes, in one leaf module (no imports of the ingestion chain):
 * server/db/indexes.ts reads the indexes from here.
 */
import type { IndexDescription } from 'mongodb';

export const EVENTS = 'activity_events';
export const ROLLUP = 'analytics_user_days';
/**
 * Day → active members, one document per UTC day ({ _id: day, d, b: Binary, n }), and the same per
 * event name in DAY_EVENT_ACTIVE ({ _id: 'day|name', d, k, b, n }); `b` holds the members' ids,
 * 12 bytes each (packIds). FerretDB v1 scans a whole collection for every query but `_id` equality,
 * so the queries fetch these documents by `_id`, one per day; and it rebuilds every array element
 * on read: 3,137 ids as an array took ~34 ms to fetch, as one binary ~4 ms. Older databases may
 * still hold `m: [userHex…]` arrays: readers accept both, the drain rewrites a day it touches.
 */
export const DAY_ACTIVE = 'analytics_day_active';
export const DAY_EVENT_ACTIVE = 'analytics_day_event_active';
/** Event counts per UTC day, derived from the rollup (day-counts.ts). */
export const DAY_COUNTS = 'analytics_day_counts';
export const API_KEYS = 'analytics_api_keys';
export const API_KEY_USAGE = 'analytics_api_key_usage';

export const ROLLUP_INDEXES: IndexDescription[] = [
  { key: { d: 1 }, name: 'd' },
  { key: { u: 1, d: 1 }, name: 'u_d' },
];
export const API_KEY_INDEXES: IndexDescription[] = [{ key: { hash: 1 }, name: 'hash_unique', unique: true }];

export const ANALYTICS_INDEXES: Record<string, IndexDescription[]> = {
  [EVENTS]: [
    { key: { eventId: 1 }, name: 'eventId_unique', unique: true },
    { key: { userId: 1, ts: -1 }, name: 'userId_ts' },
  ],
  [ROLLUP]: ROLLUP_INDEXES,
  [DAY_ACTIVE]: [{ key: { d: 1 }, name: 'd' }],
  [DAY_EVENT_ACTIVE]: [{ key: { k: 1, d: 1 }, name: 'k_d' }],
  [API_KEYS]: API_KEY_INDEXES,
};
