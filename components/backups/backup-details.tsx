'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { formatBytes, formatNumber } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import type { BackupDetail } from './types';

type Entry = BackupDetail['collections'][number];

export function BackupDetails({ id }: { id: string }) {
  const trpc = useTRPC();
  const d = useQuery(trpc.backup.get.queryOptions({ id }));
  if (d.error) return <ErrorBox error={d.error} />;
  if (!d.data) return <Skeleton lines={4} label="Loading details…" />;
  const b = d.data;
  return (
    <div className="card backup-detail" data-testid="backup-detail">
      <h2>Backup {b.id}</h2>
      <p className="muted">
        Database {b.sourceDb} · server {b.serverVersion} · SHA-256 <code>{b.sha256 ?? '—'}</code>
      </p>
      <DataTable<Entry>
        compact
        caption="Collections in this backup"
        rows={b.collections}
        rowKey={(c) => c.name}
        columns={[
          { key: 'name', header: 'Collection' },
          { key: 'count', header: 'Documents', align: 'right', cell: (c) => formatNumber(c.count) },
          { key: 'rawBytes', header: 'Raw size', align: 'right', cell: (c) => formatBytes(c.rawBytes) },
          { key: 'crc', header: 'CRC-64', cell: (c) => <code>{c.crc}</code> },
          {
            key: 'indexes',
            header: 'Indexes',
            wrap: true,
            cell: (c) => (
              <span className="small">
                {(b.indexes[c.name] ?? []).map((ix) => (
                  <div key={ix.name}>
                    {ix.name} <code>{ix.key}</code>
                    {ix.unique ? ' unique' : ''}
                  </div>
                ))}
              </span>
            ),
          },
        ]}
      />
      <p className="muted small">
        Restore with the standard tools: <code>mongorestore --gzip --archive=FILE --nsFrom=&apos;{b.sourceDb}.*&apos; --nsTo=&apos;TARGETDB.*&apos;</code>
      </p>
    </div>
  );
}
