'use client';
import { Modal } from '@/components/ui/modal';
import { cellText } from './cell-text';
import type { Info, ResultRow } from './types';

/** One record's fields, in a drawer (a modal dialog: focus kept inside, Esc closes). */
export function RecordDrawer({ info, record, onClose }: { info: Info; record: ResultRow | null; onClose: () => void }) {
  const title = record ? cellText(record[info.titleField]) : '';
  return (
    <Modal open={!!record} onClose={onClose} title="Record detail" variant="drawer" testId="record-drawer">
      {record && (
        <>
          {title && <p className="drawer-title"><strong>{title}</strong></p>}
          <dl className="record-fields">
            <dt>ID</dt>
            <dd className="mono">{String(record.id)}</dd>
            {info.fields.map((f) => (
              <div key={f.name}>
                <dt>{f.label}</dt>
                <dd>{cellText(record[f.name]) || <span className="muted">—</span>}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </Modal>
  );
}
