'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { ErrorBox } from '@/components/ui/states';
import { useConfirm } from '@/components/ui/modal';

type Row = RouterOutputs['messaging']['suppressions']['list'][number];

export function SuppressionsPage({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const [address, setAddress] = useState('');
  const list = useQuery(trpc.messaging.suppressions.list.queryOptions({}));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.messaging.suppressions.list.queryKey({}) });
  const add = useMutation(trpc.messaging.suppressions.add.mutationOptions({ onSuccess: () => (setAddress(''), refresh()) }));
  const remove = useMutation(trpc.messaging.suppressions.remove.mutationOptions({ onSuccess: refresh }));
  return (
    <div>
      <h1>Suppressions</h1>
      <p className="muted">Addresses nothing is sent to: hard bounces (added automatically on a 5xx refusal) and addresses added by hand.</p>
      {canManage && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({ address, detail: 'added by hand' });
          }}
        >
          <input
            type="email"
            required
            aria-label="Address to suppress"
            placeholder="address@example.org"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
          <button className="btn" type="submit" disabled={add.isPending}>
            Suppress
          </button>
        </form>
      )}
      <ErrorBox error={add.error ?? remove.error} />
      <DataTable<Row>
        testId="suppressions-table"
        caption="Suppressed addresses"
        rows={list.data}
        loading={list.isPending}
        error={list.error}
        empty="No suppressed addresses."
        rowKey={(r) => `${r.address}:${String(r.at)}`}
        columns={[
          { key: 'address', header: 'Address' },
          { key: 'reason', header: 'Reason', cell: (r) => <StatusBadge status={r.reason} tone={r.reason === 'hard_bounce' ? 'bad' : 'muted'} /> },
          { key: 'detail', header: 'Detail', wrap: true },
          { key: 'at', header: 'Since', cell: (r) => <Time value={r.at} /> },
          ...(canManage
            ? [
                {
                  key: 'remove',
                  header: <span className="visually-hidden">Actions</span>,
                  label: 'Actions',
                  cell: (r: Row) =>
                    r.address.includes('@') ? (
                      <button
                        className="btn small secondary"
                        type="button"
                        onClick={async () => {
                          if (
                            await confirm({
                              title: `Send to ${r.address} again?`,
                              body: 'Mail to it will be attempted again.',
                              confirmLabel: 'Remove suppression',
                            })
                          )
                            remove.mutate({ address: r.address });
                        }}
                      >
                        Remove
                      </button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}
