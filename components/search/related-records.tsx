'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { DataTable, type Column } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { cellText } from './cell-text';
import { searchHref, type OpenRef } from './query-state';
import { RelationCell } from './relation-cell';
import type { Info, RelatedSection, ResultRow } from './types';

/**
 * Extension point: panels about a record that are not registry collections, by the record's collection
 * (e.g. `users: MemberMessages`, the messages sent to a member, once messaging exists). A registry
 * collection with a reference to members needs nothing here: it appears in `search.related` by itself.
 */
export const RELATED_PANELS: Partial<Record<string, ComponentType<{ id: string }>>> = {};

/** The records that point at one record (a member's bookings, registrations, recent activity), newest first. */
export function RelatedRecords({ collection, id, infos, openHref }: { collection: string; id: string; infos: Info[]; openHref: (r: OpenRef) => string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.search.related.queryOptions({ collection, id }));
  const Extra = RELATED_PANELS[collection];
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <Skeleton lines={3} label="Loading related records…" />;
  return (
    <div className="related-records" data-testid="related-records">
      {q.data.map((s) => (
        <RelatedList key={`${s.collection}.${s.field}`} section={s} info={infos.find((i) => i.key === s.collection)} openHref={openHref} />
      ))}
      {Extra && <Extra id={id} />}
    </div>
  );
}

function RelatedList({ section: s, info, openHref }: { section: RelatedSection; info: Info | undefined; openHref: (r: OpenRef) => string }) {
  if (!info) return null;
  // a few telling columns: the default sort (a date), the title, the status, and the other references
  const names = [info.defaultSort.field, info.titleField, 'status', ...info.fields.filter((f) => f.relation && f.name !== s.field).map((f) => f.name)];
  const fields = [...new Set(names)].map((n) => info.fields.find((f) => f.name === n)).filter((f): f is NonNullable<typeof f> => !!f);
  const columns: Column<ResultRow>[] = fields.map((f) => ({
    key: f.name,
    header: f.label,
    cell: (r) =>
      f.relation ? (
        <RelationCell
          id={r[f.name]}
          refValue={s.related[f.name]?.[String(r[f.name])]}
          href={openHref({ collection: f.relation.target, id: String(r[f.name]) })}
        />
      ) : (
        cellText(r[f.name])
      ),
  }));
  const heading = `${s.label}${s.withinDays ? ` (last ${s.withinDays} days)` : ''}`;
  return (
    <section className="related-section" data-testid={`related-${s.collection}`}>
      <h3>
        {heading}:{' '}
        {s.unit === 'active days' ? `active on ${formatNumber(s.total)} ${s.total === 1 ? 'day' : 'days'}` : `${formatNumber(s.total)}${s.capped ? '+' : ''}`}
      </h3>
      {s.rows.length > 0 && (
        <DataTable<ResultRow>
          caption={heading}
          columns={columns}
          rows={s.rows}
          rowKey={(r) => String(r.id)}
          rowHref={(r) => openHref({ collection: s.collection, id: String(r.id) })}
          compact
        />
      )}
      {s.unit === 'records' && s.total > s.rows.length && (
        <Link href={searchHref(s.query)} className="small">
          See all {formatNumber(s.total)}
          {s.capped ? '+' : ''} →
        </Link>
      )}
      {s.unit === 'active days' && s.rows.length > 0 && (
        <Link href={searchHref(s.query)} className="small">
          See all of them →
        </Link>
      )}
    </section>
  );
}
