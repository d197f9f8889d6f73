'use client';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { formatDate } from '@/components/ui/format';
import { useConfirm } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';

type Key = RouterOutputs['analytics']['keys']['list'][number];

/** Event-ingestion API keys (super admin): create (shown once), list, revoke. */
export function ApiKeysView() {
  const trpc = useTRPC();
  const ask = useConfirm();
  const qc = useQueryClient();
  const list = useQuery(trpc.analytics.keys.list.queryOptions());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.analytics.keys.list.queryKey() });
  const create = useMutation(
    trpc.analytics.keys.create.mutationOptions({
      onSuccess: (r) => {
        setCreated(r.key);
        setName('');
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.analytics.keys.revoke.mutationOptions({ onSuccess: () => void refresh() }));
  return (
    <section className="card an-view" data-testid="view-keys">
      <h2>Event-ingestion API keys</h2>
      <p className="muted">
        The A-Cube platform sends member activity to <code>POST /api/events</code> with <code>Authorization: Bearer &lt;key&gt;</code>, in batches of up to 500 events. Only a
        SHA-256 of each key is stored: copy a new key when it is shown, it cannot be shown again.
      </p>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name });
        }}
      >
        <input aria-label="Key name" placeholder="Key name, e.g. platform-prod" value={name} onChange={(e) => setName(e.target.value)} />
        <button className="btn" disabled={create.isPending || name.trim().length < 2}>
          Create key
        </button>
      </form>
      <ErrorBox error={create.error ?? revoke.error ?? list.error} />
      {created && (
        <div className="notice" data-testid="new-key">
          New key (shown once): <code>{created}</code>{' '}
          <button className="btn small secondary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <DataTable<Key>
        caption="API keys"
        rows={list.data}
        loading={list.isPending}
        empty="No API keys yet."
        rowKey={(k) => k.id}
        columns={[
          { key: 'name', header: 'Name' },
          { key: 'prefix', header: 'Key starts with', cell: (k) => <code>{k.prefix}…</code> },
          { key: 'createdAt', header: 'Created', cell: (k) => <>{formatDate(k.createdAt)} by {k.createdBy ?? '—'}</> },
          { key: 'lastUsedAt', header: 'Last used', cell: (k) => (k.lastUsedAt ? <Time value={k.lastUsedAt} /> : 'never') },
          { key: 'status', header: 'Status', cell: (k) => <StatusBadge status={k.revokedAt ? 'revoked' : 'active'} /> },
          {
            key: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            label: 'Actions',
            cell: (k) =>
              !k.revokedAt && (
                <button
                  type="button"
                  className="btn small danger"
                  disabled={revoke.isPending}
                  onClick={async () => {
                    if (await ask({ title: `Revoke the key “${k.name}”?`, body: <p>The platform can no longer send events with it. This cannot be undone: create a new key instead.</p>, confirmLabel: 'Revoke key', destructive: true }))
                      revoke.mutate({ id: k.id });
                  }}
                >
                  Revoke
                </button>
              ),
          },
        ]}
      />
    </section>
  );
}
