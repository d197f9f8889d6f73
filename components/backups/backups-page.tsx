'use client';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { formatBytes, formatDate, formatNumber } from '@/components/ui/format';
import { ConfirmDialog, useConfirm } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import type { Permission } from '@/server/permissions';
import { BackupDetails } from './backup-details';
import { BackupsTable } from './backups-table';
import { CreateDialog } from './create-dialog';
import { JobsPanel } from './jobs-panel';
import { RestoreDialog } from './restore-dialog';
import { SchedulePanel } from './schedule-panel';
import { StatsPanel } from './stats-panel';
import { UploadButton } from './upload-button';
import { useLiveJobs } from './use-live-jobs';
import { usePollingFallback } from '@/components/live/live-provider';

export function BackupsPage({ permissions }: { permissions: Permission[] }) {
  const can = (p: Permission) => permissions.includes(p);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const { toast } = useToast();
  // Live job progress over the subscription; polling only while it is down (issue 16).
  useLiveJobs();
  const fallback = usePollingFallback(1000) !== false;
  const list = useQuery({ ...trpc.backup.list.queryOptions({ limit: 100 }), refetchInterval: fallback ? 5000 : false });
  const jobs = useQuery({
    ...trpc.backup.jobs.queryOptions(),
    refetchInterval: (q) => (!fallback ? false : q.state.data?.some((j) => j.status === 'running') ? 1000 : 5000),
  });
  const [showCreate, setShowCreate] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);
  const [restoreId, setRestoreId] = useState<string | null>(null);
  const [retentionOpen, setRetentionOpen] = useState(false);
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.backup.pathKey() });
  const verify = useMutation(trpc.backup.verify.mutationOptions({ onSuccess: invalidate }));
  const del = useMutation(trpc.backup.delete.mutationOptions({ onSuccess: invalidate }));
  const cleanup = useMutation(trpc.backup.cleanup.mutationOptions({ onSuccess: invalidate }));
  const plan = useQuery({ ...trpc.backup.retentionPreview.queryOptions(), enabled: retentionOpen && can('backup.delete') });
  // The ids of the running jobs, as one string: when the set changes (a job finished), the list reloads.
  const prevRunning = useMemo(
    () =>
      (jobs.data ?? [])
        .filter((j) => j.status === 'running')
        .map((j) => j.id)
        .join(','),
    [jobs.data],
  );
  useEffect(() => {
    void invalidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prevRunning]);

  const nothingToDelete = plan.data && plan.data.complete.length === 0 && plan.data.failed === 0;

  return (
    <div className="backups">
      <h1>Backups</h1>
      <StatsPanel />
      <div className="toolbar">
        {can('backup.create') && (
          <button className="btn" type="button" onClick={() => setShowCreate(true)}>
            Back up now
          </button>
        )}
        {can('backup.upload') && <UploadButton onDone={invalidate} />}
        {can('backup.delete') && (
          <button className="btn secondary" type="button" onClick={() => setRetentionOpen(true)} disabled={cleanup.isPending}>
            Apply retention now
          </button>
        )}
      </div>
      <ErrorBox error={cleanup.error ?? verify.error ?? del.error} />
      <CreateDialog open={showCreate} onClose={() => setShowCreate(false)} onStarted={invalidate} />
      <JobsPanel jobs={jobs.data ?? []} />
      <BackupsTable
        rows={list.data}
        loading={list.isPending}
        error={list.error}
        can={can}
        emptyText={`No backups yet. ${can('backup.create') ? 'Use “Back up now” to take the first one.' : ''}`}
        detail={detail}
        onDetail={setDetail}
        verifying={verify.isPending}
        onVerify={(b) => verify.mutate({ id: b.id })}
        onRestore={(b) => setRestoreId(b.id)}
        onDelete={async (b) => {
          const ok = await confirm({
            title: 'Delete this backup?',
            body: (
              <p>
                The backup of <strong>{formatDate(b.createdAt)}</strong> ({formatNumber(b.totalDocs)} documents, {formatBytes(b.sizeBytes)}) and its file are
                deleted. This cannot be undone.
              </p>
            ),
            confirmLabel: 'Delete backup',
            destructive: true,
          });
          if (ok) del.mutate({ id: b.id }, { onSuccess: () => toast({ message: `Deleted the backup of ${formatDate(b.createdAt)}.` }) });
        }}
      />
      {detail && <BackupDetails id={detail} />}
      <RestoreDialog id={restoreId} canReplace={can('backup.restore.replace')} onClose={() => setRestoreId(null)} />
      <SchedulePanel canEdit={can('backup.schedule')} />
      <ConfirmDialog
        open={retentionOpen}
        title="Apply retention now?"
        destructive={!nothingToDelete}
        busy={cleanup.isPending}
        confirmDisabled={!plan.data}
        error={plan.error ?? cleanup.error}
        confirmLabel={nothingToDelete ? 'Nothing to delete' : `Delete ${plan.data ? plan.data.complete.length + plan.data.failed : ''} backup(s)`}
        onCancel={() => setRetentionOpen(false)}
        onConfirm={() => {
          if (nothingToDelete) return setRetentionOpen(false);
          cleanup.mutate(undefined, {
            onSuccess: (r) => {
              setRetentionOpen(false);
              toast({ message: `Retention removed ${r.deleted.length + r.deletedFailed} backup(s); ${r.kept} kept.` });
            },
          });
        }}
        body={
          plan.data ? (
            <div data-testid="retention-plan">
              <p>
                Retention keeps at most {plan.data.retentionCount} backups and none older than {plan.data.retentionDays} days; the newest verified backup is
                always kept.
              </p>
              {plan.data.complete.length > 0 ? (
                <>
                  <p>These complete backups and their files will be deleted:</p>
                  <ul>
                    {plan.data.complete.map((b) => (
                      <li key={b.id}>
                        {formatDate(b.createdAt)} · {formatNumber(b.totalDocs)} documents · {formatBytes(b.sizeBytes)}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p>No complete backup is beyond the limits.</p>
              )}
              {plan.data.failed > 0 && <p>{plan.data.failed} failed backup record(s) older than a day will be removed too.</p>}
              <p>{plan.data.kept} backup(s) are kept.</p>
            </div>
          ) : (
            <p>Working out what retention would delete…</p>
          )
        }
      />
    </div>
  );
}
