'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef } from 'react';
import { KNOWN_EVENT_NAMES } from '@/server/analytics/schema';
import { ActiveUsersView, AtRiskView, FeatureUsageView, LifecycleView, RetentionView, StickinessView, type Filters } from './views';
import { ApiKeysView } from './api-keys';
import { analyticsStateFromParams, type AnalyticsUrlState } from './url-state';

const TABS = [
  { key: 'active-users', label: 'Active users' },
  { key: 'retention', label: 'Retention' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'stickiness', label: 'Stickiness' },
  { key: 'features', label: 'Feature usage' },
  { key: 'at-risk', label: 'At-risk members' },
] as const;
type TabKey = (typeof TABS)[number]['key'] | 'keys';

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function AnalyticsPage({ canKeys, canSeeMembers }: { canKeys: boolean; canSeeMembers: boolean }) {
  // tab, range, interval and event live in the URL (url-state.ts): links open a view, Back returns to the last one
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const url = useMemo(() => analyticsStateFromParams(new URLSearchParams(params.toString())), [params]);
  const today = Date.now();
  const tab: TabKey = url.tab === 'keys' && !canKeys ? 'active-users' : url.tab;
  const filters: Filters = { from: url.from, to: url.to, interval: url.interval, event: url.event };
  // A change builds on the last one asked for, not on the URL as rendered: router.push lands a moment later,
  // and a tab clicked right after changing the interval used to push the old interval back (seen in e2e).
  // `pushed` lists the URLs asked for and not yet seen; a URL not in it (Back, a link) drops them.
  const pushed = useRef<string[]>([]);
  const pending = useRef<AnalyticsUrlState | null>(null);
  const current = params.toString();
  useEffect(() => {
    const i = pushed.current.indexOf(current);
    pushed.current = i >= 0 ? pushed.current.slice(i + 1) : [];
    if (!pushed.current.length) pending.current = null;
  }, [current]);
  const go = (patch: Partial<AnalyticsUrlState>) => {
    const next = { ...(pending.current ?? url), ...patch };
    const p = new URLSearchParams({ tab: next.tab, from: next.from, to: next.to, interval: next.interval });
    if (next.event) p.set('event', next.event);
    pending.current = next;
    pushed.current.push(p.toString());
    router.push(`${pathname}?${p.toString()}`, { scroll: false });
  };
  const set = (patch: Partial<Filters>) => go(patch);
  const setTab = (t: TabKey) => go({ tab: t });
  const tabs = canKeys ? [...TABS, { key: 'keys' as const, label: 'API keys' }] : TABS;
  return (
    <div className="analytics">
      <h1>Analytics</h1>
      <div className="an-tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t.key} role="tab" aria-selected={tab === t.key} className={tab === t.key ? 'an-tab active' : 'an-tab'} onClick={() => setTab(t.key)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab !== 'keys' && (
        <div className="toolbar an-toolbar" data-testid="analytics-toolbar">
          <label>
            From <input type="date" aria-label="From" value={filters.from} max={filters.to} onChange={(e) => e.target.value && set({ from: e.target.value })} />
          </label>
          <label>
            To <input type="date" aria-label="To" value={filters.to} min={filters.from} onChange={(e) => e.target.value && set({ to: e.target.value })} />
          </label>
          {tab !== 'at-risk' && (
            <label>
              Interval{' '}
              <select aria-label="Interval" value={filters.interval} onChange={(e) => set({ interval: e.target.value as Filters['interval'] })}>
                <option value="day">Day</option>
                <option value="week">Week (ISO)</option>
                <option value="month">Month</option>
              </select>
            </label>
          )}
          <label>
            Event{' '}
            <select aria-label="Event" value={filters.event ?? ''} onChange={(e) => set({ event: e.target.value || null })}>
              <option value="">Any event</option>
              {KNOWN_EVENT_NAMES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <span className="badge" title="Days, weeks (ISO, Monday first) and months are UTC.">
            All times UTC
          </span>
          <span className="muted an-presets">
            {[30, 90, 180, 365].map((n) => (
              <button key={n} className="btn small secondary" onClick={() => set({ from: utcDay(today - (n - 1) * DAY), to: utcDay(today) })}>
                Last {n} days
              </button>
            ))}
          </span>
        </div>
      )}
      {tab === 'active-users' && <ActiveUsersView f={filters} />}
      {tab === 'retention' && <RetentionView f={filters} />}
      {tab === 'lifecycle' && <LifecycleView f={filters} />}
      {tab === 'stickiness' && <StickinessView f={filters} />}
      {tab === 'features' && <FeatureUsageView f={filters} />}
      {tab === 'at-risk' && <AtRiskView f={filters} canSeeMembers={canSeeMembers} />}
      {tab === 'keys' && canKeys && <ApiKeysView />}
    </div>
  );
}
