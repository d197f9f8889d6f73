'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorBox } from '@/components/ui/states';

export function DashboardHome() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const counts = useQuery(trpc.dashboard.counts.queryOptions());
  return (
    <div>
      <h1>Dashboard</h1>
      {me.data && (
        <p className="muted">
          Signed in as {me.data.name} ({me.data.roleLabel}).
        </p>
      )}
      <h2>Platform records</h2>
      <ErrorBox error={counts.error} />
      {counts.isPending && <p className="muted">Loading counts…</p>}
      {counts.data && counts.data.length === 0 && <p className="muted">Your role cannot read any platform collection.</p>}
      <div className="tiles" data-testid="count-tiles">
        {counts.data?.map((c) => (
          <div className="tile" key={c.key}>
            <div className="tile-label">{c.label}</div>
            <div className="tile-value">{c.count.toLocaleString('en-US')}</div>
          </div>
        ))}
      </div>
    </div>
  );
}
