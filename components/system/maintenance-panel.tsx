'use client';
/** Maintenance jobs: last run, next run, duration, result and "Run now" (system.maintain); live refresh when a run ends. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { useLive, usePollingFallback } from '@/components/live/live-provider';
import { DataTable } from '@/components/ui/data-table';
import { formatDuration } from '@/components/ui/format';
import { StatusBadge } from '@/components/ui/status-badge';
import { ErrorBox } from '@/components/ui/states';
import { Time } from '@/components/ui/time';

export function MaintenancePanel({ canRun }: { canRun: boolean }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.system.maintenance.list.queryOptions(), refetchInterval: usePollingFallback(30_000) });
  const run = useMutation(trpc.system.maintenance.run.mutationOptions({ onSettled: () => void list.refetch() }));
  useLive((ev) => {
    if (ev.type === 'maintenance') void list.refetch();
  });
  return (
    <section aria-label="Maintenance">
      <h2>Maintenance</h2>
      {run.error && <ErrorBox error={run.error} />}
      <DataTable
        caption="Maintenance jobs"
        testId="maintenance"
        rows={list.data}
        loading={list.isLoading}
        error={list.error}
        rowKey={(r) => r.key}
        columns={[
          { key: 'label', header: 'Job', cell: (r) => <span title={r.description}>{r.label}</span> },
          {
            key: 'last',
            header: 'Last run',
            cell: (r) => (r.running ? <StatusBadge status="running" /> : r.last ? <Time value={r.last.finishedAt} /> : <span className="muted">never</span>),
          },
          { key: 'result', header: 'Result', cell: (r) => (r.last ? <StatusBadge status={r.last.result === 'success' ? 'succeeded' : 'failed'} /> : '—') },
          { key: 'duration', header: 'Duration', align: 'right', cell: (r) => (r.last ? formatDuration(r.last.durationMs) : '—') },
          {
            key: 'details',
            header: 'Details',
            cell: (r) => <span className="small muted">{r.last?.error ?? (r.last?.details ? summarize(r.last.details) : '')}</span>,
          },
          { key: 'next', header: 'Next run', cell: (r) => (r.nextRun ? <Time value={r.nextRun} /> : <span className="muted">at start-up</span>) },
          ...(canRun
            ? [
                {
                  key: 'run',
                  header: <span className="visually-hidden">Actions</span>,
                  cell: (r: { key: string; label: string; running: unknown }) => (
                    <button
                      type="button"
                      className="btn secondary small"
                      disabled={!!r.running || (run.isPending && run.variables?.key === r.key)}
                      onClick={() => run.mutate({ key: r.key as never })}
                      aria-label={`Run ${r.label} now`}
                    >
                      {run.isPending && run.variables?.key === r.key ? 'Running…' : 'Run now'}
                    </button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </section>
  );
}

function summarize(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ')
    .slice(0, 160);
}
