'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Modal } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { cellText } from './cell-text';
import type { OpenRef } from './query-state';
import { RelatedRecords } from './related-records';
import { RelationCell } from './relation-cell';
import type { Info } from './types';
import { MemberMessages } from '@/components/messaging/member-messages';

/**
 * The record open in the drawer (a modal dialog: focus kept inside, Esc closes). Its id comes from the
 * URL (`open=collection:id`), so a link opens it and the back button returns to the record before.
 * References show names and link to their record; below, the records that point at this one.
 */
export function RecordDrawer({
  open,
  infos,
  onClose,
  openHref,
}: {
  open: OpenRef | null;
  infos: Info[];
  onClose: () => void;
  openHref: (r: OpenRef) => string;
}) {
  const trpc = useTRPC();
  const info = open ? infos.find((i) => i.key === open.collection) : undefined;
  const q = useQuery({ ...trpc.search.record.queryOptions(open && info ? open : { collection: '', id: '' }), enabled: !!(open && info) });
  // The related records (RelatedRecords, the same query) start with the record, not after it has drawn: one round
  // trip less before the drawer is complete (issue 12, round 7).
  useQuery({
    ...trpc.search.related.queryOptions(open && info ? { collection: open.collection, id: open.id } : { collection: '', id: '' }),
    enabled: !!(open && info),
  });
  const record = q.data?.row;
  const title = record && info ? cellText(record[info.titleField]) : '';
  return (
    <Modal open={!!open} onClose={onClose} title="Record detail" variant="drawer" testId="record-drawer">
      {open && !info && <ErrorBox error={{ message: 'Your role cannot read this collection.' }} />}
      {q.error && <ErrorBox error={q.error} />}
      {open && info && !record && !q.error && <Skeleton lines={5} label="Loading the record…" />}
      {open && info && record && q.data && (
        <>
          <p className="drawer-title">
            <span className="muted small">{info.label}</span>
            <br />
            <strong data-testid="drawer-title">{title || String(record.id)}</strong>
          </p>
          <dl className="record-fields">
            <dt>ID</dt>
            <dd className="mono">{String(record.id)}</dd>
            {info.fields.map((f) => (
              <div key={f.name}>
                <dt>{f.label}</dt>
                <dd>
                  {f.relation && record[f.name] ? (
                    <RelationCell
                      id={record[f.name]}
                      refValue={q.data.related[f.name]?.[String(record[f.name])]}
                      href={openHref({ collection: f.relation.target, id: String(record[f.name]) })}
                    />
                  ) : (
                    cellText(record[f.name]) || <span className="muted">—</span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
          <RelatedRecords key={`${open.collection}:${open.id}`} collection={open.collection} id={open.id} infos={infos} openHref={openHref} />
          {info.key === 'users' && <MemberMessages memberId={open.id} />}
        </>
      )}
    </Modal>
  );
}
