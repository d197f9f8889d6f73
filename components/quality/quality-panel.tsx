'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { Empty, ErrorBox } from '@/components/ui/states';

type Issue = RouterOutputs['quality']['check']['issues'][number];

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
        <select
          aria-label="Collection to check"
          value={collection}
          onChange={(e) => {
            setCollection(e.target.value);
            setShowPreview(false);
          }}
        >
          {collections.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label}
            </option>
          ))}
        </select>
        <button
          className="btn small"
          type="button"
          onClick={() => {
            setRun(true);
            check.refetch();
          }}
        >
          Run checks
        </button>
        {check.isFetching && (
          <span className="muted" role="status">
            Checking…
          </span>
        )}
      </div>
      <ErrorBox error={check.error ?? preview.error ?? apply.error} />
      {check.data &&
        (check.data.issues.length === 0 ? (
          <Empty>
            No problems found in {formatNumber(check.data.total)} {check.data.label.toLowerCase()}.
          </Empty>
        ) : (
          <DataTable<Issue>
            caption="Data problems"
            rows={check.data.issues}
            rowKey={(i) => `${i.rule}:${i.field}`}
            columns={[
              { key: 'message', header: 'Problem', wrap: true },
              { key: 'count', header: 'Records', align: 'right', cell: (i) => formatNumber(i.count) },
              { key: 'fixable', header: 'Safely fixable', align: 'right', cell: (i) => formatNumber(i.fixable) },
              { key: 'examples', header: 'Examples (ids)', cell: (i) => <span className="mono">{i.examples.join(', ')}</span> },
            ]}
          />
        ))}
      {check.data && canFix && check.data.issues.some((i) => i.fixable > 0) && (
        <div className="toolbar">
          <button className="btn small secondary" type="button" onClick={() => setShowPreview(true)}>
            Preview fixes
          </button>
        </div>
      )}
      {showPreview && preview.data && (
        <div>
          <h3>These changes will be made</h3>
          <ul>
            {preview.data.fixes.map((f, i) => (
              <li key={i}>
                {f.kind === 'fill_createdAt' ? `Fill missing createdAt from the record id's timestamp` : `Change ${f.field} "${f.from}" to "${f.to}"`}:{' '}
                {formatNumber(f.count)} records
              </li>
            ))}
          </ul>
          <button className="btn small danger" type="button" disabled={apply.isPending} onClick={() => apply.mutate({ collection })}>
            {apply.isPending ? 'Applying…' : 'Apply these fixes'}
          </button>
        </div>
      )}
      {apply.data && (
        <p className="badge tone-ok" role="status">
          Applied:{' '}
          {apply.data.applied.map((a) => `${a.kind === 'fill_createdAt' ? 'createdAt filled' : `${a.from}→${a.to}`} ×${a.modified}`).join(', ') ||
            'nothing to fix'}
        </p>
      )}
    </div>
  );
}
