'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { useLive } from '@/components/live/live-provider';
import { Empty, ErrorBox } from '@/components/ui/states';
import { ExportButton } from './export-button';

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
        <p className="muted">Exports every record of a collection in its default order. To export a filtered selection, build it on the Search page and press Export there.</p>
        <ErrorBox error={collections.error} />
        {collections.data && collections.data.length === 0 && <Empty>Your role cannot read any collection.</Empty>}
        {key && (
          <div className="toolbar">
            <select aria-label="Collection to export" value={key} onChange={(e) => setCollection(e.target.value)}>
              {collections.data?.map((c) => <option key={c.key} value={c.key}>{c.label}</option>)}
            </select>
            <ExportButton key={key} collection={key} query={{ collection: key }} columns={null} expectedRows={null} />
          </div>
        )}
      </div>
      <h2>Your recent exports</h2>
      <ErrorBox error={recent.error} />
      {recent.isPending && <p className="muted">Loading…</p>}
      {recent.data && recent.data.length === 0 && <Empty>No exports yet.</Empty>}
      {recent.data && recent.data.length > 0 && (
        <table className="data" data-testid="recent-exports">
          <thead>
            <tr><th>When (UTC)</th><th>Collection</th><th>Format</th><th>Rows</th><th>Outcome</th><th>Query</th></tr>
          </thead>
          <tbody>
            {recent.data.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td>{e.label ?? e.collection}</td>
                <td>{e.format ?? '—'}</td>
                <td>{e.rows?.toLocaleString('en-US') ?? '—'}</td>
                <td><span className={`badge ${e.outcome === 'completed' ? 'ok' : 'bad'}`}>{e.outcome}</span></td>
                <td>
                  {e.query && typeof e.query === 'object' ? (
                    <a href={`/search?${new URLSearchParams({ q: JSON.stringify({ ...(e.query as object), page: 1, pageSize: 50 }), ...(e.columns ? { cols: e.columns.join(',') } : {}) })}`}>Open in Search</a>
                  ) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
