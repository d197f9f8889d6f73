'use client';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { LineChartBox } from '@/components/charts/charts';
import { formatNumber, formatPercent } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import { heatColor } from './heat';
import { periodIndex } from './periods';
import { csvHref, keepWhileSameInterval, refetchWhileCatchingUp, SignupsAsOf, rangeOf, ViewHeader, type Filters } from './shared';

/** Cohort table with a heat map (AA contrast on every cell); cells of periods not over yet are marked and left out of the average. */
export function RetentionView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<'first_time' | 'recurring'>('first_time');
  const [criterion, setCriterion] = useState<'on' | 'on_or_after'>('on');
  const input = { ...rangeOf(f), mode, criterion };
  const q = useQuery({
    ...trpc.analytics.retention.queryOptions(input),
    placeholderData: keepWhileSameInterval(f.interval),
    refetchInterval: refetchWhileCatchingUp,
  });
  const d = q.data;
  const { isIncompleteAt } = periodIndex(f.from, f.to, f.interval);
  // Weighted average over complete cells only: a period that is not over would read as a drop.
  const average = d
    ? d.periods.map((_, k) => {
        let count = 0;
        let size = 0;
        for (const r of d.rows) {
          const c = r.cells[k];
          if (!c || !r.size || isIncompleteAt(r.cohort, k)) continue;
          count += c.count;
          size += r.size;
        }
        return size ? { pct: count / size, size } : null;
      })
    : [];
  return (
    <section className="card an-view" data-testid="view-retention">
      <ViewHeader
        title="Retention"
        href={csvHref('retention', input)}
        explain={
          <>
            {mode === 'first_time'
              ? 'First time: each member belongs to the cohort of the period they signed up in (UTC).'
              : 'Recurring: every period in which a member was active starts a cohort of them.'}{' '}
            A cell counts cohort members active {criterion === 'on' ? 'in exactly that period' : 'in that period or any later one'}
            {f.event ? (
              <>
                {' '}
                (with <code>{f.event}</code>)
              </>
            ) : (
              ''
            )}
            . Cells of a period that is not over yet are marked with a dashed border and left out of the weighted average, which sums counts and sizes over the
            cohorts that completed the column. Blank cells lie past the range.
          </>
        }
      />
      <div className="toolbar">
        <label>
          Cohorts{' '}
          <select aria-label="Retention mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="first_time">First time (signup)</option>
            <option value="recurring">Recurring</option>
          </select>
        </label>
        <label>
          Returning{' '}
          <select aria-label="Retention criterion" value={criterion} onChange={(e) => setCriterion(e.target.value as typeof criterion)}>
            <option value="on">On the period</option>
            <option value="on_or_after">On or after the period</option>
          </select>
        </label>
      </div>
      <ErrorBox error={q.error} />
      <SignupsAsOf asOf={q.data?.signupsAsOf} />
      {q.isPending && <Skeleton lines={8} label="Computing retention…" />}
      {d && d.rows.length > 0 && (
        <>
          <LineChartBox
            height={240}
            data={average.map((a, k) => ({ k: `${f.interval} ${k}`, pct: a ? Math.round(a.pct * 1000) / 10 : null }))}
            x="k"
            label="Weighted average retention over complete periods"
            series={[{ key: 'pct', label: 'Weighted average retention, complete periods (%)' }]}
          />
          <div className="dt">
            <div className="dt-scroll" role="region" aria-label="Retention cohorts" tabIndex={0}>
              <table className={`data retention-table${q.isPlaceholderData ? ' stale' : ''}`} data-testid="retention-table">
                <thead>
                  <tr>
                    <th scope="col">Cohort (UTC)</th>
                    <th scope="col">Members</th>
                    {d.periods.map((k) => (
                      <th key={k} scope="col">
                        {f.interval} {k}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <tr className="avg-row">
                    <td>Weighted average</td>
                    <td>{formatNumber(d.rows.reduce((s, r) => s + r.size, 0))}</td>
                    {average.map((a, k) => {
                      const h = a ? heatColor(a.pct) : null;
                      return (
                        <td key={k} style={h ? { background: h.background, color: h.color } : undefined}>
                          {a ? formatPercent(a.pct) : ''}
                        </td>
                      );
                    })}
                  </tr>
                  {d.rows.map((r) => (
                    <tr key={r.cohort}>
                      <td>{r.cohort}</td>
                      <td>{formatNumber(r.size)}</td>
                      {r.cells.map((c, k) => {
                        const partial = !!c && isIncompleteAt(r.cohort, k);
                        const h = c && r.size ? heatColor(c.pct) : null;
                        return (
                          <td
                            key={k}
                            className={partial ? 'incomplete' : undefined}
                            style={h ? { background: h.background, color: h.color } : undefined}
                            title={c ? `${formatNumber(c.count)} of ${formatNumber(r.size)}${partial ? ' — period not over yet' : ''}` : 'past the range'}
                          >
                            {c && r.size ? (
                              <>
                                {formatPercent(c.pct)}
                                {partial ? <span className="visually-hidden"> (incomplete)</span> : null}
                                <span className="cell-count">{formatNumber(c.count)}</span>
                              </>
                            ) : c ? (
                              '–'
                            ) : (
                              ''
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
