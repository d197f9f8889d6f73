'use client';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tile } from '@/components/ui/tile';
import { Time } from '@/components/ui/time';
import { Modal } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { formatNumber } from '@/components/ui/format';
import { useToast } from '@/components/ui/toast';

type Row = RouterOutputs['messaging']['outbox']['list']['rows'][number];
const STATUSES = ['queued', 'held', 'sending', 'sent', 'failed', 'dead', 'skipped', 'cancelled'] as const;

export function OutboxPage({ canRetry, canSearchAddress, memberId }: { canRetry: boolean; canSearchAddress: boolean; memberId?: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const summary = useQuery(trpc.messaging.outbox.summary.queryOptions(undefined, { refetchInterval: 5_000 }));
  const input = { status: status || undefined, to: applied || undefined, memberId, limit: 50 };
  const list = useInfiniteQuery(
    trpc.messaging.outbox.list.infiniteQueryOptions(input, { getNextPageParam: (l) => l.nextCursor ?? undefined, initialCursor: undefined }),
  );
  const rows = list.data?.pages.flatMap((p) => p.rows);
  return (
    <div>
      {!memberId && <h1>Outbox</h1>}
      {!memberId && (
        <div className="tiles">
          {(['queued', 'sent', 'failed', 'dead', 'skipped'] as const).map((s) => (
            <Tile key={s} label={s} value={summary.data ? formatNumber(summary.data[s] ?? 0) : '…'} />
          ))}
        </div>
      )}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(to);
        }}
      >
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        {canSearchAddress && !memberId && (
          <>
            <input aria-label="Recipient address" placeholder="Recipient address" value={to} onChange={(e) => setTo(e.target.value)} />
            <button className="btn secondary" type="submit">
              Search
            </button>
          </>
        )}
      </form>
      <DataTable<Row>
        testId="outbox-table"
        caption="Messages"
        rows={rows}
        loading={list.isPending}
        error={list.error}
        empty="No messages match."
        rowKey={(r) => r.id}
        onRowOpen={(r) => setOpen(r.id)}
        rowData={(r) => ({ status: r.status })}
        columns={[
          { key: 'createdAt', header: 'Queued', cell: (r) => <Time value={r.createdAt} /> },
          { key: 'to', header: 'To' },
          { key: 'subject', header: 'Subject', wrap: true },
          { key: 'templateKey', header: 'Template', cell: (r) => `${r.templateKey} v${r.templateVersion}` },
          { key: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
          { key: 'attempts', header: 'Attempts', align: 'right' },
          { key: 'lastError', header: 'Last error / reason', wrap: true, cell: (r) => r.lastError ?? r.skipReason ?? '' },
        ]}
        footer={
          list.hasNextPage ? (
            <button className="btn secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load older messages'}
            </button>
          ) : undefined
        }
      />
      <MessageDialog id={open} onClose={() => setOpen(null)} canRetry={canRetry} />
    </div>
  );
}

function MessageDialog({ id, onClose, canRetry }: { id: string | null; onClose: () => void; canRetry: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { toast } = useToast();
  const m = useQuery({ ...trpc.messaging.outbox.get.queryOptions({ id: id ?? '0'.repeat(24) }), enabled: !!id });
  const retry = useMutation(
    trpc.messaging.outbox.retry.mutationOptions({
      onSuccess: () => {
        toast({ message: 'Queued again.', tone: 'ok' });
        void qc.invalidateQueries({ queryKey: trpc.messaging.outbox.list.infiniteQueryKey() });
        onClose();
      },
    }),
  );
  return (
    <Modal open={!!id} onClose={onClose} title="Message" size="lg" testId="message-dialog">
      {m.isPending && <Skeleton lines={6} />}
      <ErrorBox error={m.error ?? retry.error} />
      {m.data && (
        <>
          <dl className="detail-grid">
            <dt>To</dt>
            <dd>{m.data.to}</dd>
            <dt>Subject</dt>
            <dd>{m.data.subject}</dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={m.data.status} /> after {m.data.attempts} attempt(s)
            </dd>
            <dt>Last error</dt>
            <dd>{m.data.lastError ?? m.data.skipReason ?? '—'}</dd>
            <dt>Message-ID</dt>
            <dd>
              <code>{m.data.messageId}</code>
            </dd>
            <dt>Idempotency key</dt>
            <dd>
              <code>{m.data.idempotencyKey}</code>
            </dd>
            <dt>Sent / opened / clicked</dt>
            <dd>
              <Time value={m.data.sentAt} /> / <Time value={m.data.openedAt} /> / <Time value={m.data.clickedAt} />
            </dd>
          </dl>
          {canRetry && ['dead', 'failed'].includes(m.data.status) && (
            <button className="btn" onClick={() => retry.mutate({ id: m.data.id })} disabled={retry.isPending}>
              Retry this message
            </button>
          )}
          {m.data.body && (
            <iframe
              title="Message as sent"
              sandbox=""
              srcDoc={m.data.body.html}
              style={{ width: '100%', height: 400, border: '1px solid #d1d5db', background: '#fff' }}
            />
          )}
        </>
      )}
    </Modal>
  );
}
