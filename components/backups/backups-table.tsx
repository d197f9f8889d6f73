'use client';
import { DataTable } from '@/components/ui/data-table';
import { formatBytes, formatDate, formatDuration, formatNumber } from '@/components/ui/format';
import { StatusBadge } from '@/components/ui/status-badge';
import type { Permission } from '@/server/permissions';
import type { BackupRow } from './types';

export function BackupsTable({
  rows,
  loading,
  error,
  can,
  emptyText,
  detail,
  onDetail,
  onVerify,
  verifying,
  onRestore,
  onDelete,
}: {
  rows: BackupRow[] | undefined;
  loading: boolean;
  error: { message: string } | null;
  can: (p: Permission) => boolean;
  emptyText: string;
  detail: string | null;
  onDetail: (id: string | null) => void;
  onVerify: (b: BackupRow) => void;
  verifying: boolean;
  onRestore: (b: BackupRow) => void;
  onDelete: (b: BackupRow) => void;
}) {
  return (
    <DataTable<BackupRow>
      testId="backups-table"
      caption="Backups"
      rows={rows}
      loading={loading}
      error={error}
      empty={emptyText}
      rowKey={(b) => b.id}
      columns={[
        {
          key: 'createdAt',
          header: 'When',
          wrap: true,
          cell: (b) => (
            <>
              {formatDate(b.createdAt)}
              {b.note && <div className="muted small">{b.note}</div>}
            </>
          ),
        },
        {
          key: 'by',
          header: 'By',
          cell: (b) => (b.trigger === 'manual' ? (b.by ?? '—') : b.trigger === 'schedule' ? 'schedule' : `${b.trigger}${b.by ? ` (${b.by})` : ''}`),
        },
        { key: 'collections', header: 'Collections', align: 'right', cell: (b) => b.collections.length },
        { key: 'totalDocs', header: 'Documents', align: 'right', cell: (b) => formatNumber(b.totalDocs) },
        { key: 'size', header: 'Size (gzip / raw)', align: 'right', cell: (b) => `${formatBytes(b.sizeBytes)} / ${formatBytes(b.rawBytes)}` },
        { key: 'durationMs', header: 'Duration', align: 'right', cell: (b) => formatDuration(b.durationMs) },
        { key: 'status', header: 'Status', cell: (b) => <StatusBadge status={b.status} title={b.error ?? undefined} /> },
        {
          key: 'verified',
          header: 'Verified',
          cell: (b) =>
            b.verifyStatus === 'ok' ? (
              <StatusBadge status="verified" title={formatDate(b.verifiedAt)} />
            ) : b.verifyStatus === 'failed' ? (
              <StatusBadge status="failed" title={b.verifyError ?? undefined} />
            ) : (
              <span className="muted">not yet</span>
            ),
        },
        {
          key: 'actions',
          header: <span className="visually-hidden">Actions</span>,
          label: 'Actions',
          className: 'actions',
          cell: (b) => (
            <>
              <button className="btn small secondary" type="button" aria-expanded={detail === b.id} onClick={() => onDetail(detail === b.id ? null : b.id)}>
                Details
              </button>
              {b.status === 'complete' && (
                <>
                  {!b.holdsCredentials || can('backup.download.credentials') ? (
                    <a className="btn small secondary" href={`/api/backups/${b.id}/download`} download>
                      Download
                    </a>
                  ) : (
                    <span
                      className="muted"
                      data-testid="download-needs-credentials"
                      title="This backup holds operators’ password hashes or API key hashes; only a super admin (backup.download.credentials) may download it."
                    >
                      Download: super admin only (holds credentials)
                    </span>
                  )}
                  <button className="btn small secondary" type="button" onClick={() => onVerify(b)} disabled={verifying}>
                    Verify
                  </button>
                  {can('backup.restore') && (
                    <button className="btn small secondary" type="button" onClick={() => onRestore(b)}>
                      Restore
                    </button>
                  )}
                </>
              )}
              {can('backup.delete') && b.status !== 'running' && (
                <button className="btn small danger" type="button" onClick={() => onDelete(b)}>
                  Delete
                </button>
              )}
            </>
          ),
        },
      ]}
    />
  );
}
