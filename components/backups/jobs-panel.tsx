'use client';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { StatusBadge } from '@/components/ui/status-badge';
import type { Job, RestoreReportView } from './types';

/** "backing up · users · collections 2/9 · documents 1,200 / ~4,300", or the outcome once finished. */
export function progressText(j: Pick<Job, 'status' | 'progress'>): string {
  const p = j.progress;
  const docs = `${formatNumber(p.docsDone)}${p.docsTotal ? ` / ${j.status === 'running' ? '~' : ''}${formatNumber(Math.max(p.docsTotal, p.docsDone))}` : ''} documents`;
  if (j.status === 'succeeded') return `done · ${p.collectionsTotal} collection${p.collectionsTotal === 1 ? '' : 's'} · ${formatNumber(p.docsDone)} documents`;
  if (j.status === 'failed') return `stopped while ${p.phase === 'failed' ? 'running' : p.phase}${p.collection ? ` (${p.collection})` : ''} · ${docs}`;
  return `${p.phase}${p.collection ? ` · ${p.collection}` : ''} · collections ${Math.min(p.collectionsDone, p.collectionsTotal)}/${p.collectionsTotal} · ${docs}`;
}

export function JobsPanel({ jobs }: { jobs: Job[] }) {
  if (!jobs.length) return null;
  return (
    <div className="card backup-jobs" data-testid="backup-jobs">
      <h2>Recent work</h2>
      {jobs.map((j) => {
        const total = Math.max(j.progress.docsTotal, j.progress.docsDone);
        const pct = j.status === 'succeeded' ? 100 : total ? Math.min(100, Math.round((100 * j.progress.docsDone) / total)) : 0;
        return (
          <div key={j.id} className="job" data-status={j.status}>
            <div>
              <strong>
                {j.kind}
                {j.mode ? ` (${j.mode})` : ''}
              </strong>{' '}
              <StatusBadge status={j.status} />{' '}
              <span className="muted" data-testid="job-progress">
                {progressText(j)}
              </span>
            </div>
            <progress max={100} value={pct} aria-label={`${j.kind} progress`} />
            {j.error && <div className="form-error">{j.error}</div>}
            {j.status === 'succeeded' && j.kind === 'restore' && <RestoreResult report={j.result as RestoreReportView} />}
          </div>
        );
      })}
    </div>
  );
}

type RestoreRow = RestoreReportView['collections'][number];

export function RestoreResult({ report }: { report: RestoreReportView | null }) {
  if (!report?.collections) return null;
  const preview = report.mode === 'preview';
  const n = (k: keyof RestoreRow) => (r: RestoreRow) => formatNumber(r[k] as number);
  return (
    <>
      <DataTable<RestoreRow>
        testId={`restore-result-${report.mode}`}
        caption={preview ? 'What a restore would change' : 'What the restore changed'}
        compact
        rowKey={(r) => r.collection}
        rows={report.collections}
        columns={[
          { key: 'collection', header: 'Collection' },
          { key: 'backupCount', header: 'In backup', align: 'right', cell: n('backupCount') },
          { key: 'inserted', header: preview ? 'Would insert' : 'Inserted', align: 'right', cell: n('inserted') },
          ...(preview
            ? [
                { key: 'overwritten', header: 'Would overwrite', align: 'right' as const, cell: n('overwritten') },
                { key: 'identical', header: 'Identical', align: 'right' as const, cell: n('identical') },
                { key: 'removed', header: 'Replace would remove', align: 'right' as const, cell: n('removed') },
              ]
            : [
                { key: 'skipped', header: 'Skipped', align: 'right' as const, cell: n('skipped') },
                { key: 'failed', header: 'Failed', align: 'right' as const, cell: n('failed') },
              ]),
        ]}
      />
      {report.safetyBackupId && <p className="muted small">Safety backup taken first: {report.safetyBackupId}</p>}
    </>
  );
}
