'use client';
import Link from 'next/link';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Fragment, useRef, useState } from 'react';
import { useLive } from '@/components/live/live-provider';
import { useTRPC } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { describeAction, targetHref, targetText } from './describe';
import { EntryDialog, type AuditEntry } from './entry-dialog';
import { AUDIT_RESULTS } from '@/server/audit/schema';

interface Filters {
  actor: string;
  action: string;
  target: string;
  result: '' | (typeof AUDIT_RESULTS)[number];
  from: string; // yyyy-mm-dd
  to: string;
}
const EMPTY: Filters = { actor: '', action: '', target: '', result: '', from: '', to: '' };

const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00.000Z`) : undefined);
const dayEnd = (d: string) => (d ? new Date(`${d}T23:59:59.999Z`) : undefined);

/** The link to the export route (issue 3) for the current filters, as its query language. */
export function auditExportHref(f: Filters): string {
  const conditions: { field: string; operator: string; value: unknown }[] = [];
  if (f.actor) conditions.push({ field: 'actor.email', operator: 'contains', value: f.actor });
  if (f.action) conditions.push({ field: 'action', operator: 'contains', value: f.action });
  if (f.target) conditions.push({ field: 'target.label', operator: 'contains', value: f.target });
  if (f.result) conditions.push({ field: 'result', operator: 'eq', value: f.result });
  if (f.from || f.to)
    conditions.push({
      field: 'at',
      operator: 'between',
      value: [(dayStart(f.from) ?? new Date(0)).toISOString(), (dayEnd(f.to) ?? new Date('2100-01-01')).toISOString()],
    });
  const q = { collection: 'audit_logs', where: { op: 'and', conditions }, sort: [{ field: 'at', dir: 'desc' }] };
  return `/api/export/audit_logs?format=csv&q=${encodeURIComponent(JSON.stringify(q))}`;
}

export function AuditLog({ canExport }: { canExport: boolean }) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [f, setF] = useState<Filters>(EMPTY);
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const input = {
    actor: f.actor || undefined,
    action: f.action || undefined,
    target: f.target || undefined,
    result: f.result || undefined,
    from: dayStart(f.from),
    to: dayEnd(f.to),
    limit: 50,
  };
  const list = useInfiniteQuery(trpc.audit.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined, initialCursor: null }));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  // Live feed: new entries (announced over the live subscription) refetch the first page, at most every 2 s;
  // while older pages are loaded the list stays put and offers to show the new ones instead.
  const [fresh, setFresh] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLive((ev) => {
    if (ev.type !== 'audit') return;
    if ((list.data?.pages.length ?? 0) > 1) return setFresh((n) => n + 1);
    pending.current ??= setTimeout(() => {
      pending.current = null;
      void list.refetch();
    }, 2_000);
  });
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <div>
      <h1>Audit log</h1>
      {fresh > 0 && (
        <p className="toolbar" role="status" data-testid="audit-fresh">
          {fresh} new {fresh === 1 ? 'entry' : 'entries'}.{' '}
          <button
            type="button"
            className="btn secondary small"
            onClick={() => {
              setFresh(0);
              void list.refetch();
            }}
          >
            Show
          </button>
        </p>
      )}
      <form
        className="toolbar audit-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setF(draft);
        }}
      >
        <input placeholder="Admin email" aria-label="Admin" value={draft.actor} onChange={set('actor')} />
        <input placeholder="Action" aria-label="Action" list="audit-actions" value={draft.action} onChange={set('action')} />
        <datalist id="audit-actions">
          {actions.data?.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <input placeholder="Target (id, name or type)" aria-label="Target" value={draft.target} onChange={set('target')} />
        <select aria-label="Result" value={draft.result} onChange={set('result')}>
          <option value="">Any result</option>
          {AUDIT_RESULTS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label className="muted">
          From <input type="date" aria-label="From" value={draft.from} onChange={set('from')} />
        </label>
        <label className="muted">
          To <input type="date" aria-label="To" value={draft.to} onChange={set('to')} />
        </label>
        <button className="btn" type="submit">
          Apply
        </button>
        <button className="btn secondary" type="button" onClick={() => (setDraft(EMPTY), setF(EMPTY))}>
          Clear
        </button>
        {canExport && (
          <a className="btn secondary" href={auditExportHref(f)} data-testid="audit-export">
            Export CSV
          </a>
        )}
      </form>
      <DataTable<AuditEntry>
        testId="audit-table"
        caption="Audit entries"
        rows={list.data ? items : undefined}
        loading={list.isPending}
        error={list.error}
        empty="No audit entries match these filters."
        rowKey={(e) => e.id}
        rowData={(e) => ({ action: e.action })}
        onRowOpen={(e) => setOpen(e)}
        columns={[
          { key: 'at', header: 'When', cell: (e) => <Time value={e.at} /> },
          {
            key: 'actor',
            header: 'Who',
            cell: (e) =>
              e.actor ? (
                <>
                  {e.actor.email} <span className="muted small">{e.actor.role}</span>
                </>
              ) : (
                <span className="muted">anonymous</span>
              ),
          },
          {
            key: 'what',
            header: 'What',
            wrap: true,
            cell: (e) => {
              const href = targetHref(e.target);
              return (
                <>
                  {describeAction(e.action, null)} {e.target && (href ? <Link href={href}>{targetText(e.target)}</Link> : <span>{targetText(e.target)}</span>)}
                </>
              );
            },
          },
          { key: 'result', header: 'Result', cell: (e) => <StatusBadge status={e.result} /> },
          {
            key: 'open',
            header: <span className="visually-hidden">Details</span>,
            label: 'Details',
            cell: (e) => (
              <button className="btn small secondary" type="button" onClick={() => setOpen(e)}>
                Details
              </button>
            ),
          },
        ]}
      />
      <EntryDialog entry={open} onClose={() => setOpen(null)} />
      {list.hasNextPage && (
        <div className="toolbar">
          <button className="btn secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
          </button>
        </div>
      )}
    </div>
  );
}
