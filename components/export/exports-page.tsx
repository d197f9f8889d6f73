'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { useLive } from '@/components/live/live-provider';
import { Empty, ErrorBox } from '@/components/ui/states';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { ExportButton } from './export-button';

type Recent = RouterOutputs['exports']['recent'][number];

/** Quick export of a whole collection, and the operator's recent exports (from the audit log). */
export function ExportsPage() {
  const trpc = useTRPC();
  const collections = useQuery(trpc.search.collections.queryOptions());
  const recent = useQuery(trpc.exports.recent.queryOptions());
  // A finished download (announced to its operator over the live subscription) refreshes the history.
  useLive((ev) => {
    if (ev.type === 'notification' && String(ev.data.kind).startsWith('export.')) void recent.refetch();
  });
  const [collection, setCollection] = useState('');
  const key = collection || collections.data?.[0]?.key || '';
  return (
    <div>
      <h2>Quick export</h2>
      <div className="card">
        <p className="muted">
          Exports every record of a collection in its default order. To export a filtered selection, build it on the Search page and press Export there.
        </p>
        <ErrorBox error={collections.error} />
        {collections.data && collections.data.length === 0 && <Empty>Your role cannot read any collection.</Empty>}
        {key && (
          <div className="toolbar">
            <select aria-label="Collection to export" value={key} onChange={(e) => setCollection(e.target.value)}>
              {collections.data?.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </select>
            <ExportButton key={key} collection={key} query={{ collection: key }} columns={null} expectedRows={null} />
          </div>
        )}
      </div>
      <h2>Your recent exports</h2>
      <DataTable<Recent>
        testId="recent-exports"
        caption="Your recent exports"
        rows={recent.data}
        loading={recent.isPending}
        error={recent.error}
        empty="No exports yet."
        rowKey={(e) => e.id}
        columns={[
          { key: 'at', header: 'When', cell: (e) => <Time value={e.at} /> },
          { key: 'collection', header: 'Collection', cell: (e) => e.label ?? e.collection },
          { key: 'format', header: 'Format', cell: (e) => e.format ?? '—' },
          { key: 'rows', header: 'Rows', align: 'right', cell: (e) => formatNumber(e.rows) },
          { key: 'outcome', header: 'Outcome', cell: (e) => <StatusBadge status={e.outcome} /> },
          {
            key: 'query',
            header: 'Query',
            cell: (e) =>
              e.query && typeof e.query === 'object' ? (
                <a
                  href={`/search?${new URLSearchParams({ q: JSON.stringify({ ...(e.query as object), page: 1, pageSize: 50 }), ...(e.columns ? { cols: e.columns.join(',') } : {}) })}`}
                >
                  Open in Search
                </a>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </div>
  );
}
