'use client';
import { useRouter } from 'next/navigation';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Tabs } from '@/components/ui/tabs';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { Modal, useConfirm } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { formatDuration, formatNumber } from '@/components/ui/format';
import { KINDS, KIND_COLLECTION, KIND_LABEL, VIEWS, type Kind, type ModerationUrlFilters } from '@/server/moderation/schema';
import { WORKFLOWS } from '@/server/workflows';
import { ItemPanel } from './item-panel';
import { BulkResults } from './bulk-results';

type Row = RouterOutputs['moderation']['queue']['items'][number];
type BulkResult = RouterOutputs['moderation']['bulk'];
const PAGE = 25;

export function ModerationQueue({ initial, me }: { initial: ModerationUrlFilters; me: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const confirm = useConfirm();
  const [f, setF] = useState(() => ({
    ...initial,
    view: initial.view && VIEWS[initial.kind].some((v) => v.key === initial.view) ? initial.view : VIEWS[initial.kind][0]!.key,
  }));
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [openId, setOpenId] = useState<string | null>(initial.item ?? null);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<BulkResult | null>(null);

  const q = useQuery({
    ...trpc.moderation.queue.queryOptions({ kind: f.kind, view: f.view, claimed: f.claimed, sort: f.sort, page, pageSize: PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const wf = WORKFLOWS[KIND_COLLECTION[f.kind]];
  const verbs = wf.verbs as Record<string, string>;

  const update = (next: Partial<typeof f>, itemId: string | null = null) => {
    const merged = { ...f, ...next };
    if (next.kind && next.kind !== f.kind) merged.view = VIEWS[next.kind][0]!.key;
    setF(merged);
    setPage(1);
    setSelected(new Set());
    setAllMatching(false);
    setTo('');
    const sp = new URLSearchParams({ kind: merged.kind, view: merged.view });
    if (merged.claimed !== 'any') sp.set('claimed', merged.claimed);
    if (merged.sort !== 'oldest') sp.set('sort', merged.sort);
    if (itemId) sp.set('item', itemId);
    router.replace(`/moderation?${sp.toString()}`, { scroll: false });
  };
  const open = (id: string | null) => {
    setOpenId(id);
    const sp = new URLSearchParams({ kind: f.kind, view: f.view });
    if (f.claimed !== 'any') sp.set('claimed', f.claimed);
    if (f.sort !== 'oldest') sp.set('sort', f.sort);
    if (id) sp.set('item', id);
    router.replace(`/moderation?${sp.toString()}`, { scroll: false });
  };

  const bulk = useMutation(
    trpc.moderation.bulk.mutationOptions({
      onSuccess: (r) => {
        setResult(r);
        setSelected(new Set());
        setAllMatching(false);
        setReason('');
        qc.invalidateQueries({ queryKey: trpc.moderation.queue.queryKey() });
      },
    }),
  );

  const total = q.data?.total ?? 0;
  const rows = q.data?.items;
  const count = allMatching ? total : selected.size;
  const needsReason = to && (wf.reasonRequired as readonly string[]).includes(to);
  const runBulk = async () => {
    if (!to || !q.data) return;
    const ok = await confirm({
      title: `${verbs[to] ?? to}: ${formatNumber(count)} item(s)?`,
      body: allMatching
        ? `Every ${q.data.viewStatus.replace(/_/g, ' ')} item matching now (${formatNumber(total)} when you looked) becomes ${to.replace(/_/g, ' ')}. Items someone else changed meanwhile are skipped and listed.`
        : `The ${formatNumber(count)} selected item(s) become ${to.replace(/_/g, ' ')}. Items someone else changed meanwhile are skipped and listed.`,
      confirmLabel: verbs[to] ?? to,
      destructive: needsReason ? true : undefined,
    });
    if (!ok) return;
    const scope = allMatching
      ? ({ mode: 'all', view: f.view, claimed: f.claimed, expected: total } as const)
      : ({ mode: 'ids', items: (rows ?? []).filter((r) => selected.has(r.id)).map((r) => ({ id: r.id, version: r.version })) } as const);
    bulk.mutate({ kind: f.kind, to, reason: reason || undefined, scope });
  };

  const columns: Column<Row>[] = [
    {
      key: 'title',
      header: 'Item',
      wrap: true,
      cell: (r) => (
        <div>
          <button className="linklike" onClick={() => open(r.id)} data-testid="queue-open">
            {r.title || '(untitled)'}
          </button>
          <div className="muted small">{r.sub}</div>
        </div>
      ),
    },
    { key: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
    {
      key: 'age',
      header: 'Waiting',
      cell: (r) => (
        <span className={r.overdue ? 'overdue' : undefined} title={r.overdue ? `Over the ${q.data?.slaHours} h target` : undefined}>
          {r.ageMs !== null ? formatDuration(r.ageMs) : '—'}
          {r.overdue ? ' · overdue' : ''}
        </span>
      ),
    },
    ...(f.kind === 'bookings' || f.kind === 'registrations'
      ? [{ key: 'when', header: f.kind === 'bookings' ? 'Session' : 'Event starts', cell: (r: Row) => <Time value={r.when} mode="absolute" /> } as Column<Row>]
      : []),
    {
      key: 'claimedBy',
      header: 'Claimed by',
      cell: (r) => (r.claimedBy ? r.claimedBy.id === me ? <strong>me</strong> : r.claimedBy.name || r.claimedBy.email : <span className="muted">—</span>),
    },
  ];

  return (
    <div className="mod-layout">
      <h1 style={{ margin: 0 }}>Moderation</h1>
      <Tabs
        label="Queue"
        tabs={KINDS.map((k) => ({ key: k, label: KIND_LABEL[k] }))}
        value={f.kind}
        onChange={(k) => update({ kind: k as Kind })}
        testId="kind-tabs"
      />
      <Tabs
        label="Status"
        tabs={VIEWS[f.kind].map((v) => ({
          key: v.key,
          label: v.label,
          count: q.data?.kind === f.kind ? q.data.views.find((x) => x.key === v.key)?.count : undefined,
        }))}
        value={f.view}
        onChange={(k) => update({ view: k })}
        testId="view-tabs"
      />
      <div className="toolbar">
        <label className="inline-label">
          Claimed
          <select value={f.claimed} onChange={(e) => update({ claimed: e.target.value as typeof f.claimed })}>
            <option value="any">anyone or nobody</option>
            <option value="me">by me</option>
            <option value="unclaimed">by nobody</option>
            <option value="others">by others</option>
          </select>
        </label>
        <label className="inline-label">
          Order
          <select value={f.sort} onChange={(e) => update({ sort: e.target.value as typeof f.sort })}>
            <option value="oldest">oldest first</option>
            <option value="newest">newest first</option>
          </select>
        </label>
        <span className="muted small">Target: answered within {q.data?.slaHours ?? '…'} h</span>
      </div>
      {count > 0 ? (
        <div className="bulk-bar" role="region" aria-label="Bulk action" data-testid="bulk-bar">
          <strong>{allMatching ? `All ${formatNumber(total)} matching` : `${formatNumber(selected.size)} selected`}</strong>
          {!allMatching && total > selected.size ? (
            <button className="btn secondary small" onClick={() => setAllMatching(true)} data-testid="select-all-matching">
              Select all {formatNumber(total)} matching
            </button>
          ) : null}
          <label className="inline-label">
            Change to
            <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="New status">
              <option value="">choose…</option>
              {(q.data?.bulkTargets ?? []).map((s) => (
                <option key={s} value={s}>
                  {verbs[s] ?? s}
                </option>
              ))}
            </select>
          </label>
          {needsReason ? <input aria-label="Reason" placeholder="Reason (required)" value={reason} onChange={(e) => setReason(e.target.value)} /> : null}
          <button className="btn small" disabled={!to || (needsReason && !reason.trim()) || bulk.isPending} onClick={runBulk} data-testid="bulk-apply">
            {bulk.isPending ? 'Applying…' : 'Apply'}
          </button>
          <button
            className="btn secondary small"
            onClick={() => {
              setSelected(new Set());
              setAllMatching(false);
            }}
          >
            Clear
          </button>
        </div>
      ) : null}
      <ErrorBox error={bulk.error} />
      <DataTable<Row>
        caption={`${KIND_LABEL[f.kind]}: ${VIEWS[f.kind].find((v) => v.key === f.view)?.label ?? ''}`}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        onRowOpen={(r) => open(r.id)}
        selection={{
          selected,
          onChange: (s) => {
            setSelected(s);
            setAllMatching(false);
          },
        }}
        loading={q.isLoading}
        stale={q.isPlaceholderData}
        error={q.error}
        empty="Nothing waiting here."
        testId="queue-table"
        footer={
          <div className="toolbar">
            <button className="btn secondary small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span className="muted small">
              {formatNumber(total)} item(s) · page {page} of {formatNumber(Math.max(1, Math.ceil(total / PAGE)))}
            </span>
            <button className="btn secondary small" disabled={page * PAGE >= total} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </div>
        }
      />
      {openId ? (
        <Modal open variant="drawer" size="lg" title={KIND_LABEL[f.kind]} onClose={() => open(null)} testId="item-panel">
          <ItemPanel kind={f.kind} id={openId} me={me} onChanged={() => qc.invalidateQueries({ queryKey: trpc.moderation.queue.queryKey() })} />
        </Modal>
      ) : null}
      {result ? <BulkResults result={result} onClose={() => setResult(null)} /> : null}
    </div>
  );
}
