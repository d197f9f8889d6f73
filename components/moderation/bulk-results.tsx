'use client';
import { Modal } from '@/components/ui/modal';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatNumber } from '@/components/ui/format';
import type { RouterOutputs } from '@/components/providers/trpc';

type Result = RouterOutputs['moderation']['bulk'];
type Item = Result['items'][number];

/** Per item, what a bulk change did: changed, skipped (someone else changed it first) or refused (and why). */
export function BulkResults({ result, onClose }: { result: Result; onClose: () => void }) {
  const notChanged = result.items.filter((i) => i.outcome !== 'changed');
  const rows: Item[] = [...notChanged, ...result.items.filter((i) => i.outcome === 'changed').slice(0, 200)];
  return (
    <Modal
      open
      size="lg"
      title="Bulk change: what happened"
      onClose={onClose}
      testId="bulk-results"
      footer={
        <button className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      <div className="tiles">
        <div className="tile">
          <div className="tile-label">Changed to {result.to.replace(/_/g, ' ')}</div>
          <div className="tile-value" data-testid="bulk-changed">
            {formatNumber(result.changed)}
          </div>
        </div>
        <div className="tile">
          <div className="tile-label">Skipped (changed by someone else)</div>
          <div className="tile-value" data-testid="bulk-skipped">
            {formatNumber(result.skipped)}
          </div>
        </div>
        <div className="tile">
          <div className="tile-label">Refused</div>
          <div className="tile-value" data-testid="bulk-refused">
            {formatNumber(result.refused)}
          </div>
        </div>
      </div>
      {result.expected !== null && result.expected !== result.matched ? (
        <p className="notice small">
          The page showed {formatNumber(result.expected)} matching; {formatNumber(result.matched)} matched when the change ran.
        </p>
      ) : null}
      <DataTable<Item>
        caption="Per-item results"
        columns={[
          { key: 'id', header: 'Item', cell: (i) => <code className="small">{i.id}</code> },
          {
            key: 'outcome',
            header: 'Result',
            cell: (i) => <StatusBadge status={i.outcome} tone={i.outcome === 'changed' ? 'ok' : i.outcome === 'skipped' ? 'warn' : 'bad'} />,
          },
          { key: 'reason', header: 'Why', cell: (i) => i.reason ?? '' },
        ]}
        rows={rows}
        rowKey={(i) => i.id}
        compact
        empty="No items."
      />
      {result.changed > 200 ? <p className="muted small">Showing the first 200 changed items; every item is in the audit log entry.</p> : null}
    </Modal>
  );
}
