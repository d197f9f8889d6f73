'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { BarChartBox } from '@/components/charts/charts';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber, formatPercent } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { Empty, ErrorBox } from '@/components/ui/states';
import { csvHref, keepWhileSameInterval, rangeOf, ViewHeader, type Filters } from './shared';

type Row = RouterOutputs['analytics']['stickiness']['rows'][number];

export function StickinessView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.stickiness.queryOptions(rangeOf(f)), placeholderData: keepWhileSameInterval(f.interval) });
  const unit = `${f.interval}s`;
  return (
    <section className="card an-view" data-testid="view-stickiness">
      <ViewHeader
        title="Stickiness"
        href={csvHref('stickiness', rangeOf(f))}
        explain={`How many members were active on exactly 1, 2, … ${q.data?.periodCount ?? 'N'} ${unit} of the range (share of the ${formatNumber(q.data?.activeMembers ?? 0)} members active at least once).`}
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Skeleton lines={6} label="Computing stickiness…" />}
      {q.data && q.data.activeMembers === 0 && <Empty>No member was active in this range.</Empty>}
      {q.data && q.data.activeMembers > 0 && (
        <>
          <BarChartBox
            data={q.data.rows}
            x="periods"
            xLabel={`${unit} active`}
            series={[{ key: 'members', label: 'Members' }]}
            label="Members by number of active periods"
          />
          <DataTable<Row>
            caption="Stickiness"
            rows={q.data.rows}
            stale={q.isPlaceholderData}
            rowKey={(r) => String(r.periods)}
            columns={[
              { key: 'periods', header: `${unit} active`, align: 'right' },
              { key: 'members', header: 'Members', align: 'right', cell: (r) => formatNumber(r.members) },
              { key: 'pct', header: '% of active members', align: 'right', cell: (r) => formatPercent(r.pct) },
            ]}
          />
        </>
      )}
    </section>
  );
}
