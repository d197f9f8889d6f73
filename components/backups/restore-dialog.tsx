'use client';
import { usePollingFallback } from '@/components/live/live-provider';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { formatDate } from '@/components/ui/format';
import { Modal } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { StatusBadge } from '@/components/ui/status-badge';
import { progressText, RestoreResult } from './jobs-panel';
import type { RestoreReportView } from './types';

/** Preview, merge or replace from one backup. Replace needs the collection names typed (and its own permission). */
export function RestoreDialog({ id, canReplace, onClose }: { id: string | null; canReplace: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const b = useQuery({ ...trpc.backup.get.queryOptions({ id: id ?? '0'.repeat(24) }), enabled: !!id });
  const [mode, setMode] = useState<'preview' | 'merge' | 'replace'>('preview');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [confirmText, setConfirm] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const restore = useMutation(
    trpc.backup.restore.mutationOptions({
      onSuccess: (r) => {
        setJobId(r.jobId);
        void qc.invalidateQueries({ queryKey: trpc.backup.pathKey() });
      },
    }),
  );
  // progress arrives over the live subscription (use-live-jobs.ts); polled only while it is down
  const pollMs = usePollingFallback(700);
  const job = useQuery({
    ...trpc.backup.job.queryOptions({ jobId: jobId ?? '0'.repeat(24) }),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data?.status === 'running' ? pollMs : false),
  });
  const close = () => {
    setMode('preview');
    setChosen(null);
    setConfirm('');
    setJobId(null);
    restore.reset();
    onClose();
  };
  const names = b.data?.collections.map((c) => c.name) ?? [];
  const selected = chosen ?? names;
  const needed = [...selected].sort().join(' ');
  const typedOk =
    confirmText
      .trim()
      .split(/[\s,]+/)
      .sort()
      .join(' ') === needed;
  const running = job.data?.status === 'running';
  return (
    <Modal
      open={!!id}
      onClose={close}
      size="lg"
      title={`Restore the backup of ${b.data ? formatDate(b.data.createdAt) : '…'}`}
      footer={
        <button
          className={`btn ${mode === 'replace' ? 'danger' : ''}`}
          type="button"
          disabled={!selected.length || restore.isPending || running || (mode === 'replace' && !typedOk)}
          onClick={() => restore.mutate({ id: id!, mode, collections: selected, confirm: mode === 'replace' ? confirmText : undefined })}
        >
          {mode === 'preview'
            ? 'Preview'
            : mode === 'merge'
              ? `Merge ${selected.length} collection${selected.length === 1 ? '' : 's'}`
              : `Replace ${selected.length} collection${selected.length === 1 ? '' : 's'}`}
        </button>
      }
    >
      <div className="form restore-dialog">
        <ErrorBox error={b.error} />
        <fieldset>
          <legend>Collections</legend>
          <div className="checks">
            {names.map((c) => (
              <label key={c} className="inline">
                <input
                  type="checkbox"
                  checked={selected.includes(c)}
                  onChange={(e) => setChosen(e.target.checked ? [...selected, c] : selected.filter((x) => x !== c))}
                />{' '}
                {c}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Mode</legend>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'preview'} onChange={() => setMode('preview')} /> Preview — count what would change, change
            nothing
          </label>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => setMode('merge')} /> Merge — insert missing documents, leave existing
            ones
          </label>
          <label className="inline">
            <input type="radio" name="mode" disabled={!canReplace} checked={mode === 'replace'} onChange={() => setMode('replace')} /> Replace — make the
            collections exactly as in the backup
            {!canReplace && <span className="muted"> (super admin only)</span>}
          </label>
        </fieldset>
        {mode === 'replace' && (
          <div className="notice">
            Replace first takes a safety backup of these collections, then swaps each for the backup&apos;s version. Type the collection names to confirm:{' '}
            <code>{needed}</code>
            <input aria-label="Type the collection names" value={confirmText} onChange={(e) => setConfirm(e.target.value)} />
          </div>
        )}
        <ErrorBox error={restore.error} />
        {job.data && (
          <div data-testid="restore-job" role="status">
            <p>
              <StatusBadge status={job.data.status} /> {progressText(job.data)}
            </p>
            {job.data.error && <div className="form-error">{job.data.error}</div>}
            {job.data.status === 'succeeded' && <RestoreResult report={job.data.result as RestoreReportView} />}
          </div>
        )}
      </div>
    </Modal>
  );
}
