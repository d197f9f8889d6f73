'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Tabs } from '@/components/ui/tabs';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { formatNumber } from '@/components/ui/format';
import { CONTENT_TYPES, type ContentType } from '@/server/content/schema';
import { statusesOf } from '@/server/workflows';
import { TYPE_LABEL, TYPE_SINGULAR, statusLabel } from './labels';

type Row = RouterOutputs['content']['list']['items'][number];
interface Filters {
  type: ContentType;
  status?: string;
  author?: string;
  q?: string;
}

export function ContentList({ initial }: { initial: Filters }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [f, setF] = useState<Filters>(initial);
  const [draft, setDraft] = useState({ q: initial.q ?? '', author: initial.author ?? '', from: '', to: '' });
  const [dates, setDates] = useState<{ from?: Date; to?: Date }>({});
  const [page, setPage] = useState(1);
  const status = f.status && statusesOf(f.type).includes(f.status) ? f.status : undefined;
  const list = useQuery({
    ...trpc.content.list.queryOptions({
      type: f.type,
      status,
      author: f.author || undefined,
      q: f.q || undefined,
      from: dates.from,
      to: dates.to,
      page,
      pageSize: 25,
    }),
    placeholderData: keepPreviousData,
  });

  const apply = (next: Filters) => {
    setF(next);
    setPage(1);
    const sp = new URLSearchParams();
    sp.set('type', next.type);
    if (next.status) sp.set('status', next.status);
    if (next.author) sp.set('author', next.author);
    if (next.q) sp.set('q', next.q);
    router.replace(`/content?${sp.toString()}`, { scroll: false });
  };

  const columns: Column<Row>[] = [
    { key: 'title', header: 'Title', cell: (r) => <Link href={`/content/${f.type}/${r.id}`}>{r.title || '(untitled)'}</Link>, wrap: true },
    {
      key: 'status',
      header: 'Status',
      cell: (r) => (
        <>
          <StatusBadge status={r.status} />
          {r.publishAt ? (
            <span className="muted small">
              {' '}
              · scheduled <Time value={r.publishAt} mode="absolute" />
            </span>
          ) : null}
        </>
      ),
    },
    ...(f.type === 'blogs' ? [{ key: 'author', header: 'Author', cell: (r: Row) => r.author ?? '' } as Column<Row>] : []),
    ...(f.type === 'events' ? [{ key: 'startsAt', header: 'Starts', cell: (r: Row) => <Time value={r.startsAt} mode="absolute" /> } as Column<Row>] : []),
    { key: 'slug', header: 'Slug', cell: (r) => <code className="small">{r.slug}</code> },
    { key: 'updatedAt', header: 'Updated', cell: (r) => <Time value={r.updatedAt} /> },
    { key: 'version', header: 'Version', align: 'right', cell: (r) => r.version },
  ];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / 25));

  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Content</h1>
        <Link className="btn" href={`/content/${f.type}/new`} style={{ marginLeft: 'auto' }} data-testid="content-new">
          New {TYPE_SINGULAR[f.type]}
        </Link>
      </div>
      <Tabs
        label="Content type"
        tabs={CONTENT_TYPES.map((t) => ({ key: t, label: TYPE_LABEL[t] }))}
        value={f.type}
        onChange={(k) => apply({ type: k as ContentType })}
      />
      <form
        className="toolbar"
        aria-label="Content filters"
        onSubmit={(e) => {
          e.preventDefault();
          setDates({ from: draft.from ? new Date(`${draft.from}T00:00:00Z`) : undefined, to: draft.to ? new Date(`${draft.to}T23:59:59.999Z`) : undefined });
          apply({ ...f, q: draft.q.trim() || undefined, author: draft.author.trim() || undefined });
        }}
      >
        <label className="inline-label">
          Status
          <select value={status ?? ''} onChange={(e) => apply({ ...f, status: e.target.value || undefined })} aria-label="Status">
            <option value="">All</option>
            {statusesOf(f.type).map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <input aria-label="Search titles and text" placeholder="Search words…" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        {f.type === 'blogs' ? (
          <input aria-label="Author" placeholder="Author" value={draft.author} onChange={(e) => setDraft({ ...draft, author: e.target.value })} />
        ) : null}
        <label className="inline-label">
          {f.type === 'events' ? 'Starts from' : 'Created from'}
          <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label className="inline-label">
          to
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button className="btn secondary" type="submit">
          Apply
        </button>
      </form>
      <DataTable<Row>
        caption={`${TYPE_LABEL[f.type]}`}
        columns={columns}
        rows={list.data?.items}
        rowKey={(r) => r.id}
        rowHref={(r) => `/content/${f.type}/${r.id}`}
        loading={list.isLoading}
        stale={list.isPlaceholderData}
        error={list.error}
        empty={`No ${TYPE_LABEL[f.type].toLowerCase()} match these filters.`}
        testId="content-table"
        footer={
          total > 25 ? (
            <div className="toolbar">
              <button className="btn secondary small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span className="muted">
                Page {page} of {formatNumber(pages)} · {formatNumber(total)} items
              </span>
              <button className="btn secondary small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </div>
          ) : (
            <p className="muted small">{formatNumber(total)} item(s)</p>
          )
        }
      />
    </div>
  );
}
