'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { BarChartBox } from '@/components/charts/charts';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import { periodIndex } from './periods';
import { csvHref, intervalLabel, keepWhileSameInterval, refetchWhileCatchingUp, SignupsAsOf, PeriodCell, rangeOf, ViewHeader, type Filters } from './shared';

type Point = RouterOutputs['analytics']['lifecycle']['points'][number];

export function LifecycleView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.analytics.lifecycle.queryOptions(rangeOf(f)),
    placeholderData: keepWhileSameInterval(f.interval),
    refetchInterval: refetchWhileCatchingUp,
  });
  const { isIncomplete } = periodIndex(f.from, f.to, f.interval);
  const n = (k: 'new' | 'returning' | 'resurrecting' | 'dormant') => (p: Point) => formatNumber(p[k]);
  return (
    <section className="card an-view" data-testid="view-lifecycle">
      <ViewHeader
        title="Lifecycle"
        href={csvHref('lifecycle', rangeOf(f))}
        explain="PostHog's definitions, per period: new = active and signed up in the period; returning = active in this and the previous period; resurrecting = active now, not in the previous period, signed up earlier; dormant = active in the previous period but not this one (drawn below zero). A period that is not over is drawn pale."
      />
      <ErrorBox error={q.error} />
      <SignupsAsOf asOf={q.data?.signupsAsOf} />
      {q.isPending && <Skeleton lines={6} label="Computing lifecycle…" />}
      {q.data && (
        <>
          <BarChartBox
            data={q.data.points}
            x="period"
            isIncomplete={(p) => isIncomplete(p.period)}
            label="Lifecycle per period"
            series={[
              { key: 'new', label: 'New', stack: 's', color: '#00a676' },
              { key: 'returning', label: 'Returning', stack: 's', color: '#3d5afe' },
              { key: 'resurrecting', label: 'Resurrecting', stack: 's', color: '#f57c00' },
              { key: 'dormant', label: 'Dormant', stack: 's', color: '#c62828' },
            ]}
          />
          <DataTable<Point>
            caption="Lifecycle per period"
            rows={q.data.points}
            stale={q.isPlaceholderData}
            rowKey={(p) => p.period}
            columns={[
              {
                key: 'period',
                header: `${intervalLabel(f.interval)} (UTC)`,
                cell: (p) => <PeriodCell period={p.period} incomplete={isIncomplete(p.period)} />,
              },
              { key: 'new', header: 'New', align: 'right', cell: n('new') },
              { key: 'returning', header: 'Returning', align: 'right', cell: n('returning') },
              { key: 'resurrecting', header: 'Resurrecting', align: 'right', cell: n('resurrecting') },
              { key: 'dormant', header: 'Dormant', align: 'right', cell: n('dormant') },
            ]}
          />
        </>
      )}
    </section>
  );
}
