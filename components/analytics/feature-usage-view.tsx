'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { BarChartBox, LineChartBox } from '@/components/charts/charts';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber, formatPercent } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { Empty, ErrorBox } from '@/components/ui/states';
import { periodIndex } from './periods';
import { csvHref, intervalLabel, keepWhileSameInterval, PeriodCell, rangeOf, ViewHeader, type Filters } from './shared';

type Usage = RouterOutputs['analytics']['featureUsage'];
type Top = Usage['top'][number];
type Series = Usage['series'][number];

export function FeatureUsageView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.featureUsage.queryOptions(rangeOf(f)), placeholderData: keepWhileSameInterval(f.interval) });
  const { isIncomplete } = periodIndex(f.from, f.to, f.interval);
  const d = q.data;
  return (
    <section className="card an-view" data-testid="view-features">
      <ViewHeader
        title="Feature usage and session frequency"
        href={csvHref('features', rangeOf(f))}
        explain="Events by type per period; bookings (session.booked) per active member; session frequency = mean number of active days per active member in the period. A period that is not over is drawn pale or dashed."
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Skeleton lines={6} label="Computing feature usage…" />}
      {d && d.names.length === 0 && <Empty>No events in this range.</Empty>}
      {d && d.names.length > 0 && (
        <>
          <BarChartBox
            data={d.series.map((s) => ({ period: s.period, ...s.byName }))}
            x="period"
            isIncomplete={(p) => isIncomplete(p.period)}
            label="Events by type per period"
            series={d.names.map((n) => ({ key: n, label: n, stack: 'e' }))}
          />
          <LineChartBox
            height={220}
            data={d.series}
            x="period"
            isIncomplete={(p) => isIncomplete(p.period)}
            label="Bookings and active days per active member"
            series={[
              { key: 'bookingsPerActive', label: 'Bookings per active member' },
              { key: 'activeDaysPerActive', label: 'Active days per active member' },
            ]}
          />
          <h3>Top features</h3>
          <DataTable<Top>
            caption="Top features"
            rows={d.top}
            rowKey={(t) => t.name}
            columns={[
              { key: 'name', header: 'Event', cell: (t) => <code>{t.name}</code> },
              { key: 'events', header: 'Events', align: 'right', cell: (t) => formatNumber(t.events) },
              { key: 'members', header: 'Members', align: 'right', cell: (t) => formatNumber(t.members) },
              { key: 'memberShare', header: '% of active members', align: 'right', cell: (t) => formatPercent(t.memberShare) },
            ]}
          />
          <h3>Per period</h3>
          <DataTable<Series>
            caption="Feature usage per period"
            rows={d.series}
            stale={q.isPlaceholderData}
            rowKey={(s) => s.period}
            columns={[
              {
                key: 'period',
                header: `${intervalLabel(f.interval)} (UTC)`,
                cell: (s) => <PeriodCell period={s.period} incomplete={isIncomplete(s.period)} />,
              },
              { key: 'total', header: 'Events', align: 'right', cell: (s) => formatNumber(s.total) },
              { key: 'activeMembers', header: 'Active members', align: 'right', cell: (s) => formatNumber(s.activeMembers) },
              {
                key: 'bookingsPerActive',
                header: 'Bookings / active',
                align: 'right',
                cell: (s) => formatNumber(s.bookingsPerActive, { maximumFractionDigits: 2 }),
              },
              { key: 'eventsPerActive', header: 'Events / active', align: 'right', cell: (s) => formatNumber(s.eventsPerActive, { maximumFractionDigits: 2 }) },
              {
                key: 'activeDaysPerActive',
                header: 'Active days / active',
                align: 'right',
                cell: (s) => formatNumber(s.activeDaysPerActive, { maximumFractionDigits: 2 }),
              },
            ]}
          />
        </>
      )}
    </section>
  );
}
