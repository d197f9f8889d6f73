'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';

/** Data validation per collection, with a preview-then-apply fix action for roles with data.fix. */
export function QualityPanel({ collections, canFix }: { collections: { key: string; label: string }[]; canFix: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [collection, setCollection] = useState(collections[0]?.key ?? '');
  const [run, setRun] = useState(false);
  const check = useQuery({ ...trpc.quality.check.queryOptions({ collection }), enabled: run && !!collection });
  const [showPreview, setShowPreview] = useState(false);
  const preview = useQuery({ ...trpc.quality.preview.queryOptions({ collection }), enabled: showPreview && canFix });
  const apply = useMutation(
    trpc.quality.applyFixes.mutationOptions({
      onSuccess: () => {
        setShowPreview(false);
        qc.invalidateQueries({ queryKey: trpc.quality.check.queryKey() });
        qc.invalidateQueries({ queryKey: trpc.quality.preview.queryKey() });
      },
    }),
  );
  return (
    <div className="card" data-testid="quality-panel">
      <div className="toolbar">
        <select aria-label="Collection to check" value={collection} onChange={(e) => { setCollection(e.target.value); setShowPreview(false); }}>
          {collections.map((c) => (
            <option key={c.key} value={c.key}>{c.label}</option>
          ))}
        </select>
        <button className="btn small" type="button" onClick={() => { setRun(true); check.refetch(); }}>
          Run checks
        </button>
        {check.isFetching && <span className="muted">Checking…</span>}
      </div>
      <ErrorBox error={check.error ?? preview.error ?? apply.error} />
      {check.data && (
        check.data.issues.length === 0 ? (
          <Empty>No problems found in {check.data.total.toLocaleString('en-US')} {check.data.label.toLowerCase()}.</Empty>
        ) : (
          <table className="data quality-table">
            <thead>
              <tr><th>Problem</th><th>Records</th><th>Safely fixable</th><th>Examples (ids)</th></tr>
            </thead>
            <tbody>
              {check.data.issues.map((i) => (
                <tr key={`${i.rule}:${i.field}`}>
                  <td>{i.message}</td>
                  <td className="num">{i.count.toLocaleString('en-US')}</td>
                  <td className="num">{i.fixable.toLocaleString('en-US')}</td>
                  <td className="mono">{i.examples.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {check.data && canFix && check.data.issues.some((i) => i.fixable > 0) && (
        <div className="toolbar">
          <button className="btn small secondary" type="button" onClick={() => setShowPreview(true)}>Preview fixes</button>
        </div>
      )}
      {showPreview && preview.data && (
        <div>
          <h3>These changes will be made</h3>
          <ul>
            {preview.data.fixes.map((f, i) => (
              <li key={i}>
                {f.kind === 'fill_createdAt' ? `Fill missing createdAt from the record id's timestamp` : `Change ${f.field} "${f.from}" to "${f.to}"`}: {f.count.toLocaleString('en-US')} records
              </li>
            ))}
          </ul>
          <button className="btn small danger" type="button" disabled={apply.isPending} onClick={() => apply.mutate({ collection })}>
            {apply.isPending ? 'Applying…' : 'Apply these fixes'}
          </button>
        </div>
      )}
      {apply.data && (
        <p className="badge ok" role="status">
          Applied: {apply.data.applied.map((a) => `${a.kind === 'fill_createdAt' ? 'createdAt filled' : `${a.from}→${a.to}`} ×${a.modified}`).join(', ') || 'nothing to fix'}
        </p>
      )}
    </div>
  );
}
