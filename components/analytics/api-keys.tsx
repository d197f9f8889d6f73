'use client';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';

/** Event-ingestion API keys (super admin): create (shown once), list, revoke. */
export function ApiKeysView() {
  const trpc = useTRPC();
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
      {list.data && list.data.length === 0 && <Empty>No API keys yet.</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key starts with</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>
                  {new Date(k.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC by {k.createdBy ?? '—'}
                </td>
                <td>{k.lastUsedAt ? `${new Date(k.lastUsedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'never'}</td>
                <td>{k.revokedAt ? <span className="badge bad">revoked</span> : <span className="badge ok">active</span>}</td>
                <td>
                  {!k.revokedAt && (
                    <button
                      className="btn small danger"
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (confirm(`Revoke "${k.name}"? The platform can no longer send events with it.`)) revoke.mutate({ id: k.id });
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
