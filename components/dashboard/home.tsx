'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';
import { Widget } from './widgets';

/** The home page: the widgets of the caller's role, as returned by dashboard.get. */
export function DashboardHome() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const widgets = useQuery(trpc.dashboard.get.queryOptions(undefined, { refetchInterval: 60_000 }));
  return (
    <div>
      <h1>Dashboard</h1>
      {me.data && (
        <p className="muted">
          Signed in as {me.data.name} ({me.data.roleLabel}).
        </p>
      )}
      <ErrorBox error={widgets.error} />
      {widgets.isPending && <p className="muted">Loading your dashboard…</p>}
      {widgets.data && widgets.data.length === 0 && <Empty>Your role has no dashboard widgets.</Empty>}
      <div className="widgets" data-testid="widgets">
        {widgets.data?.map((w) => <Widget key={w.key} w={w} />)}
      </div>
    </div>
  );
}
