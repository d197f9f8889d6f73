'use client';
import { DashboardAlerts } from '@/components/system/dashboard-alerts';
import { useEffect, useMemo, useRef } from 'react';
import superjson, { type SuperJSONResult } from 'superjson';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { useLive, useLiveStatus } from '@/components/live/live-provider';
import { eventTouches } from './live-tiles';
import { Empty, ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { Widget } from './widgets';

/** Polling while live updates are down; while they flow, a slow refresh for writes made outside the app. */
const POLL_MS = 60_000;
const LIVE_REFRESH_MS = 5 * 60_000;
const REFETCH_COALESCE_MS = 500;

/** One widget: its own request, so a slow widget never holds back the others; refetched when a live event touches it. */
function WidgetSlot({ widgetKey, title, tags, ready }: { widgetKey: string; title: string; tags: string[]; ready?: { data: WidgetData; at: number } }) {
  const trpc = useTRPC();
  const live = useLiveStatus() === 'live';
  const q = useQuery({
    ...trpc.dashboard.widget.queryOptions({ key: widgetKey }, { refetchInterval: live ? LIVE_REFRESH_MS : POLL_MS }),
    initialData: ready ? () => ready.data : undefined,
    initialDataUpdatedAt: ready?.at,
  });
  // a burst of events (audit entries of a bulk action) is one refetch: at most one per REFETCH_COALESCE_MS
  const pendingRefetch = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(pendingRefetch.current ?? undefined), []);
  useLive((ev) => {
    if (!eventTouches(ev, tags) || pendingRefetch.current) return;
    pendingRefetch.current = setTimeout(() => {
      pendingRefetch.current = null;
      void q.refetch();
    }, REFETCH_COALESCE_MS);
  });
  if (q.data) return <Widget w={q.data} />;
  return (
    <section className={`card widget widget-${widgetKey}`} data-testid={`widget-${widgetKey}`} data-widget={widgetKey}>
      <h2>{title}</h2>
      {q.error ? <ErrorBox error={q.error} /> : <Skeleton lines={3} />}
    </section>
  );
}

type WidgetData = RouterOutputs['dashboard']['widget'];

/**
 * The home page: the widgets of the caller's role (dashboard.list), each loaded on its own. `widgets`: the list as
 * the server page computed it (the query's initial data, so the widgets' requests need not wait for it). `ready`:
 * the widgets whose data the server had at once, superjson-serialized as tRPC sends them, and when; they draw from
 * it (no request until their data is as old as any other query's would be before a refetch).
 */
export function DashboardHome({ widgets, ready }: { widgets?: RouterOutputs['dashboard']['list']; ready?: { data: SuperJSONResult; at: number } } = {}) {
  const trpc = useTRPC();
  const readyData = useMemo(() => (ready ? superjson.deserialize<Partial<Record<string, WidgetData>>>(ready.data) : {}), [ready]);
  const me = useQuery(trpc.me.get.queryOptions());
  const list = useQuery({ ...trpc.dashboard.list.queryOptions(), initialData: widgets });
  return (
    <div>
      <h1>Dashboard</h1>
      <DashboardAlerts />
      {me.data && (
        <p className="muted">
          Signed in as {me.data.name} ({me.data.roleLabel}).
        </p>
      )}
      <ErrorBox error={list.error} />
      {list.isPending && <Skeleton lines={4} label="Loading your dashboard…" />}
      {list.data && list.data.length === 0 && <Empty>Your role has no dashboard widgets.</Empty>}
      <div className="widgets" data-testid="widgets">
        {list.data?.map((w) => (
          <WidgetSlot
            key={w.key}
            widgetKey={w.key}
            title={w.title}
            tags={w.tags}
            ready={ready && readyData[w.key] ? { data: readyData[w.key]!, at: ready.at } : undefined}
          />
        ))}
      </div>
    </div>
  );
}
