import { describe, expect, it } from 'vitest';
import { parseOpen, recordHref, searchHref, stateFromParams, stateToParams, toSearchInput, type UiState } from './query-state';
import { analyticsHref, analyticsStateFromParams, defaultAnalyticsState } from '@/components/analytics/url-state';

const paramsOf = (href: string) => new URL(href, 'http://x').searchParams;
const fields = [
  { name: 'status', type: 'enum' },
  { name: 'amount', type: 'number' },
  { name: 'userId.email', type: 'string' },
];

describe('search URL state', () => {
  it('round-trips collection, conditions (relation ones too), sort, page, columns and the open record', () => {
    const s: UiState = {
      collection: 'session_bookings',
      text: '',
      where: {
        op: 'and',
        items: [
          { field: 'userId.email', operator: 'contains', value: 'priya' },
          { field: 'amount', operator: 'gte', value: '1000' },
        ],
      },
      sort: [{ field: 'amount', dir: 'desc' }],
      page: 3,
      pageSize: 20,
      columns: ['status', 'amount'],
      open: { collection: 'users', id: 'a'.repeat(24) },
    };
    const back = stateFromParams(stateToParams(s, fields), 'users');
    expect(back).toEqual(s);
    expect(toSearchInput(back, fields).where!.conditions[1]).toEqual({ field: 'amount', operator: 'gte', value: 1000 });
  });

  it('drops what does not validate (zod): junk JSON, wrong shapes, bad columns, bad open', () => {
    const bad = (q: string) => stateFromParams(new URLSearchParams({ q }), 'users');
    expect(bad('{not json').collection).toBe('users');
    expect(bad(JSON.stringify({ collection: 'x', pageSize: 5000 })).collection).toBe('users');
    expect(bad(JSON.stringify({ collection: 'x', where: { op: 'xor', conditions: [] } })).where.items).toEqual([]);
    expect(bad(JSON.stringify({ collection: 'x', where: { op: 'and', conditions: [{ field: 'a', operator: '$where', value: 1 }] } })).collection).toBe('users');
    expect(stateFromParams(new URLSearchParams({ cols: 'a,$b' }), 'users').columns).toBeNull();
    for (const o of ['users', 'users:zz', 'users:' + 'a'.repeat(23), '../x:' + 'a'.repeat(24)]) expect(parseOpen(o), o).toBeNull();
    expect(parseOpen('users:' + 'A'.repeat(24))).toEqual({ collection: 'users', id: 'a'.repeat(24) });
  });

  it('searchHref and recordHref build links the search page parses back', () => {
    const h = searchHref({ collection: 'contacts', where: { op: 'and', conditions: [{ field: 'status', operator: 'eq', value: 'new' }] } });
    expect(h.startsWith('/search?')).toBe(true);
    const s = stateFromParams(paramsOf(h), 'users');
    expect(s.collection).toBe('contacts');
    expect(s.where.items).toEqual([{ field: 'status', operator: 'eq', value: 'new' }]);
    const r = stateFromParams(paramsOf(recordHref('users', 'b'.repeat(24))), 'x');
    expect(r.open).toEqual({ collection: 'users', id: 'b'.repeat(24) });
    expect(toSearchInput(r, []).where).toEqual({ op: 'and', conditions: [{ field: '_id', operator: 'eq', value: 'b'.repeat(24) }] });
  });
});

describe('analytics URL state', () => {
  const now = Date.UTC(2026, 10, 30);
  it('reads tab, range, interval and event; each bad parameter falls back on its own', () => {
    const s = analyticsStateFromParams(
      paramsOf(analyticsHref({ tab: 'retention', from: '2026-09-01', to: '2026-10-01', interval: 'month', event: 'session.booked' })),
      now,
    );
    expect(s).toEqual({ tab: 'retention', from: '2026-09-01', to: '2026-10-01', interval: 'month', event: 'session.booked' });
    const d = defaultAnalyticsState(now);
    const bad = analyticsStateFromParams(new URLSearchParams({ tab: 'nope', interval: 'year', event: 'DROP TABLE', from: '2026-13-45' }), now);
    expect(bad).toEqual(d);
    expect(analyticsStateFromParams(new URLSearchParams({ from: '2026-10-10', to: '2026-10-01' }), now)).toMatchObject({ from: d.from, to: d.to });
  });
});
