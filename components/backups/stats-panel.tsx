'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { usePollingFallback } from '@/components/live/live-provider';
import { formatBytes, formatDate } from '@/components/ui/format';
import { ErrorBox } from '@/components/ui/states';
import { Tile } from '@/components/ui/tile';

export function StatsPanel() {
  const trpc = useTRPC();
  const s = useQuery({ ...trpc.backup.stats.queryOptions(), refetchInterval: usePollingFallback(10_000) });
  if (s.error) return <ErrorBox error={s.error} />;
  const d = s.data;
  const v = (x: string) => (d ? x : '…');
  return (
    <div className="tiles" data-testid="backup-stats">
      <Tile label="Backups" value={v(d ? `${d.complete} complete${d.failed ? `, ${d.failed} failed` : ''}` : '')} />
      <Tile label="Last success" value={v(d ? formatDate(d.lastSuccess) : '')} />
      <Tile label="Newest verified" value={v(d ? formatDate(d.newestVerified) : '')} />
      <Tile label="Next scheduled run" value={v(d ? (d.nextRun ? formatDate(d.nextRun) : 'schedule off') : '')} />
      <Tile label="Storage used" value={v(d ? formatBytes(d.storageUsedBytes) : '')} />
    </div>
  );
}
