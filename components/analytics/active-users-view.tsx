'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { LineChartBox, PALETTE } from '@/components/charts/charts';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber, formatPercent } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import { periodIndex } from './periods';
import { csvHref, intervalLabel, keepWhileSameInterval, PeriodCell, rangeOf, ViewHeader, type Filters } from './shared';

type Point = RouterOutputs['analytics']['activeUsers']['points'][number];

export function ActiveUsersView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.activeUsers.queryOptions(rangeOf(f)), placeholderData: keepWhileSameInterval(f.interval) });
  const { isIncomplete } = periodIndex(f.from, f.to, f.interval);
  return (
    <section className="card an-view" data-testid="view-active-users">
      <ViewHeader
        title="Active users"
        href={csvHref('active-users', rangeOf(f))}
        explain={
          <>
            A member is active on a UTC day when they sent at least one {f.event ? <code>{f.event}</code> : 'event'}. Per {f.interval}: distinct active members,
            mean DAU, WAU and MAU (distinct members active in the 7 / 30 days ending on the period&apos;s last day) and stickiness = mean DAU ÷ MAU. A period
            that is not over is drawn dashed and marked incomplete.
          </>
        }
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Skeleton lines={6} label="Computing active users…" />}
      {q.data && (
        <>
          <LineChartBox
            data={q.data.points}
            x="period"
            percentRight
            isIncomplete={(p) => isIncomplete(p.period)}
            label="Active users per period"
            series={[
              { key: 'dau', label: 'DAU (mean)' },
              { key: 'wau', label: 'WAU' },
              { key: 'mau', label: 'MAU' },
              { key: 'stickiness', label: 'DAU/MAU', right: true, color: PALETTE[3] },
            ]}
          />
          <DataTable<Point>
            caption="Active users per period"
            rows={q.data.points}
            stale={q.isPlaceholderData}
            rowKey={(p) => p.period}
            rowClassName={(p) => (isIncomplete(p.period) ? 'incomplete' : undefined)}
            columns={[
              {
                key: 'period',
                header: `${intervalLabel(f.interval)} (UTC)`,
                cell: (p) => <PeriodCell period={p.period} incomplete={isIncomplete(p.period)} />,
              },
              { key: 'active', header: 'Active members', align: 'right', cell: (p) => formatNumber(p.active) },
              { key: 'dau', header: 'DAU (mean)', align: 'right', cell: (p) => formatNumber(p.dau, { maximumFractionDigits: 1 }) },
              { key: 'wau', header: 'WAU', align: 'right', cell: (p) => formatNumber(p.wau) },
              { key: 'mau', header: 'MAU', align: 'right', cell: (p) => formatNumber(p.mau) },
              { key: 'stickiness', header: 'DAU/MAU', align: 'right', cell: (p) => formatPercent(p.stickiness) },
            ]}
          />
        </>
      )}
    </section>
  );
}
