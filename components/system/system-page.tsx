'use client';
/** The System page (issue 16): alerts, request metrics of all instances, slowest procedures, maintenance, collections, caches. */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { LineChartBox } from '@/components/charts/charts';
import { DataTable } from '@/components/ui/data-table';
import { formatBytes, formatNumber } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import { Tile } from '@/components/ui/tile';
import { MaintenancePanel } from './maintenance-panel';

type Overview = RouterOutputs['system']['overview'];
const HOURS = [1, 6, 24, 48] as const;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const ms = (x: number | null) => (x === null ? '—' : `${formatNumber(Math.round(x))} ms`);

export function SystemPage({ canMaintain }: { canMaintain: boolean }) {
  const trpc = useTRPC();
  const [hours, setHours] = useState<number>(6);
  const q = useQuery({ ...trpc.system.overview.queryOptions({ hours }), refetchInterval: 60_000 });
  const d = q.data;
  return (
    <div className="system">
      <h1>System</h1>
      {q.error && <ErrorBox error={q.error} />}
      {q.isLoading && <Skeleton lines={6} />}
      {d && (
        <>
          {d.alerts.length > 0 && (
            <div className="card warn" role="alert" data-testid="system-alerts">
              <strong>Needs attention</strong>
              <ul>
                {d.alerts.map((a) => (
                  <li key={a.key}>{a.message}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="tiles" data-testid="system-tiles">
            <Tile label={`Requests (${hours} h)`} value={formatNumber(d.total.requests)} hint={`${d.instances} instance(s) reporting`} />
            <Tile label="p95 latency" value={ms(d.total.p95Ms)} hint={`alert above ${d.thresholds.p95Ms} ms`} />
            <Tile label="Server error rate" value={pct(d.total.errorRate)} hint={`alert above ${pct(d.thresholds.errorRate)}`} />
            <Tile
              label="Database"
              value={d.server.ferretdbVersion ? `FerretDB ${d.server.ferretdbVersion}` : `MongoDB ${d.server.version}`}
              hint={`wire version ${d.server.version} · Node ${d.server.node}`}
            />
          </div>
          <RequestCharts d={d} hours={hours} setHours={setHours} />
          <h2>Slowest procedures</h2>
          <DataTable
            caption="Slowest procedures"
            testId="slowest"
            rows={d.slowest}
            rowKey={(r) => r.procedure}
            empty="No requests recorded in this period."
            columns={[
              { key: 'procedure', header: 'Procedure', cell: (r) => <code>{r.procedure}</code> },
              { key: 'requests', header: 'Requests', align: 'right', cell: (r) => formatNumber(r.requests) },
              { key: 'avg', header: 'Average', align: 'right', cell: (r) => ms(r.avgMs) },
              { key: 'p95', header: 'p95 (bucket)', align: 'right', cell: (r) => ms(r.p95Ms) },
              { key: 'errors', header: 'Server errors', align: 'right', cell: (r) => formatNumber(r.errors) },
            ]}
          />
        </>
      )}
      <MaintenancePanel canRun={canMaintain} />
      {d && (
        <>
          <h2>Caches</h2>
          <DataTable
            caption="Cache tiers"
            rows={d.caches}
            rowKey={(r) => r.tier}
            columns={[
              { key: 'tier', header: 'Tier' },
              { key: 'ttl', header: 'Time to live', align: 'right', cell: (r) => `${Math.round(r.ttlMs / 1000)} s` },
              { key: 'size', header: 'Entries', align: 'right', cell: (r) => formatNumber(r.size) },
              { key: 'hits', header: 'Hits', align: 'right', cell: (r) => formatNumber(r.hits) },
              { key: 'misses', header: 'Misses', align: 'right', cell: (r) => formatNumber(r.misses) },
              { key: 'rate', header: 'Hit rate', align: 'right', cell: (r) => (r.hitRate === null ? '—' : pct(r.hitRate)) },
            ]}
          />
          <p className="muted small">Cache figures are this instance&apos;s since it started.</p>
          <h2>Collections</h2>
          <DataTable
            caption="Collections"
            testId="collections"
            rows={d.collections.rows}
            rowKey={(r) => r.name}
            columns={[
              { key: 'name', header: 'Collection', cell: (r) => <code>{r.name}</code> },
              { key: 'count', header: 'Documents', align: 'right', cell: (r) => (r.count === null ? '—' : formatNumber(r.count)) },
              { key: 'size', header: 'Data', align: 'right', cell: (r) => (r.sizeBytes === null ? '—' : formatBytes(r.sizeBytes)) },
              { key: 'index', header: 'Index size', align: 'right', cell: (r) => (r.indexBytes === null ? '—' : formatBytes(r.indexBytes)) },
              { key: 'indexes', header: 'Indexes', cell: (r) => <span className="small">{r.indexes.join(', ')}</span> },
            ]}
          />
        </>
      )}
    </div>
  );
}

function RequestCharts({ d, hours, setHours }: { d: Overview; hours: number; setHours: (h: number) => void }) {
  const data = d.series.map((p) => ({
    t: new Date(p.minute).toISOString().slice(11, 16),
    requests: p.requests,
    p95: p.p95Ms,
    avg: p.avgMs === null ? null : Math.round(p.avgMs),
    errors: +(p.errorRate * 100).toFixed(2),
  }));
  return (
    <section aria-label="Requests over time">
      <div className="toolbar">
        <h2>Requests per minute, all instances</h2>
        <label>
          Period{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))} aria-label="Period">
            {HOURS.map((h) => (
              <option key={h} value={h}>
                last {h} h
              </option>
            ))}
          </select>
        </label>
      </div>
      {data.length === 0 ? (
        <p className="empty">No requests recorded in this period yet (each instance writes its minute every 30 s).</p>
      ) : (
        <div className="chart-grid">
          <LineChartBox label="Requests per minute" data={data} x="t" height={220} series={[{ key: 'requests', label: 'Requests' }]} />
          <LineChartBox
            label="Latency (ms)"
            data={data}
            x="t"
            height={220}
            series={[
              { key: 'p95', label: 'p95 (ms)' },
              { key: 'avg', label: 'Average (ms)' },
            ]}
          />
          <LineChartBox label="Server error rate (%)" data={data} x="t" height={220} series={[{ key: 'errors', label: 'Error rate (%)' }]} />
        </div>
      )}
    </section>
  );
}
