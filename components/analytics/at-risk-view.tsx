'use client';
import Link from 'next/link';
import { recordHref } from '@/components/search/query-state';
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { Empty, ErrorBox } from '@/components/ui/states';
import { StatusBadge } from '@/components/ui/status-badge';
import { csvHref, ViewHeader, type Filters } from './shared';

type Row = RouterOutputs['analytics']['atRisk']['rows'][number];
type SortKey = 'name' | 'score' | 'recencyDays' | 'previousDays' | 'recentDays' | 'frequency90';

export function AtRiskView({ f, canSeeMembers }: { f: Filters; canSeeMembers: boolean }) {
  const trpc = useTRPC();
  const [sort, setSort] = useState<SortKey>('score');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [page, setPage] = useState(1);
  const input = { asOf: f.to, event: f.event, sort, dir, page, pageSize: 50 };
  const q = useQuery({ ...trpc.analytics.atRisk.queryOptions(input), placeholderData: keepPreviousData });
  const d = q.data;
  const pages = d ? Math.max(1, Math.ceil(d.total / d.pageSize)) : 1;
  const n = (k: 'recencyDays' | 'previousDays' | 'recentDays' | 'frequency90') => (r: Row) => formatNumber(r[k]);
  return (
    <section className="card an-view" data-testid="view-at-risk">
      <ViewHeader
        title={`At-risk members as of ${f.to} (UTC)`}
        href={csvHref('at-risk', { asOf: f.to, event: f.event, sort, dir })}
        explain={
          <>
            Members who were engaged (at least 2 active days in the 30 days before the last 30) and are now active on fewer days. Score (0–100) = 50 × recency
            (days since last activity, capped at 30, ÷ 30) + 50 × drop (share of the earlier window&apos;s active days missing in the last 30 days). Members
            scoring 40 or more are listed. The reference day is the range&apos;s &quot;To&quot; day.
          </>
        }
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Skeleton lines={8} label="Computing risk scores…" />}
      {d && d.total === 0 && <Empty>No member is at risk on {f.to}.</Empty>}
      {d && d.total > 0 && (
        <>
          <p className="muted">{formatNumber(d.total)} members at risk.</p>
          <DataTable<Row>
            testId="at-risk-table"
            caption="At-risk members"
            rows={d.rows}
            stale={q.isPlaceholderData}
            rowKey={(r) => r.userId}
            sort={{ key: sort, dir }}
            onSortChange={(s) => {
              const k = s.key as SortKey;
              if (k === sort) setDir(dir === 'asc' ? 'desc' : 'asc');
              else {
                setSort(k);
                setDir(k === 'name' ? 'asc' : 'desc');
              }
              setPage(1);
            }}
            columns={[
              {
                key: 'name',
                header: 'Member',
                sortable: true,
                cell: (r) =>
                  canSeeMembers ? (
                    <Link href={recordHref('users', r.userId)} data-testid="at-risk-member">
                      {r.name}
                    </Link>
                  ) : (
                    r.name
                  ),
              },
              {
                key: 'score',
                header: 'Risk score',
                sortable: true,
                align: 'right',
                cell: (r) => <StatusBadge status={String(r.score)} tone={r.score >= 70 ? 'bad' : 'warn'} />,
              },
              { key: 'recencyDays', header: 'Days since last active', sortable: true, align: 'right', cell: n('recencyDays') },
              { key: 'previousDays', header: 'Active days, 30 before', sortable: true, align: 'right', cell: n('previousDays') },
              { key: 'recentDays', header: 'Active days, last 30', sortable: true, align: 'right', cell: n('recentDays') },
              { key: 'frequency90', header: 'Active days, last 90', sortable: true, align: 'right', cell: n('frequency90') },
              { key: 'lastActiveDay', header: 'Last active' },
              { key: 'email', header: 'Email' },
              { key: 'city', header: 'City' },
            ]}
          />
          <div className="toolbar">
            <button className="btn small secondary" type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span className="muted">
              Page {page} of {pages}
            </span>
            <button className="btn small secondary" type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
