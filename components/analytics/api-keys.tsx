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
import { Modal } from '@/components/ui/modal';
import { formatNumber } from '@/components/ui/format';

type Key = RouterOutputs['analytics']['keys']['list'][number];

const EXPIRY_CHOICES = [
  { label: 'Never expires', days: null },
  { label: 'Expires in 30 days', days: 30 },
  { label: 'Expires in 90 days', days: 90 },
  { label: 'Expires in 1 year', days: 365 },
] as const;
const OVERLAP_CHOICES = [0, 1, 24, 72, 168] as const;

/** Requests per day of one key over the last 30 days, as a table (read by screen readers) with bars. */
function UsageDialog({ apiKey, onClose }: { apiKey: Key; onClose: () => void }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.analytics.keys.usage.queryOptions({ id: apiKey.id, days: 30 }));
  const max = Math.max(1, ...(usage.data ?? []).map((d) => d.requests));
  const total = (usage.data ?? []).reduce((a, d) => a + d.requests, 0);
  return (
    <Modal open onClose={onClose} title={`Use of “${apiKey.name}”, last 30 days`} size="md" testId="key-usage">
      <ErrorBox error={usage.error} />
      {usage.isPending && <p className="muted">Loading…</p>}
      {usage.data && (
        <>
          <p>
            {formatNumber(total)} requests in 30 days. Last use:{' '}
            {apiKey.lastUsedAt ? (
              <>
                <Time value={apiKey.lastUsedAt} /> from <code>{apiKey.lastUsedIp ?? 'unknown address'}</code>
              </>
            ) : (
              'never'
            )}
            .
          </p>
          <div className="table-wrap">
            <table className="data">
              <caption className="visually-hidden">Requests per day (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col" className="num">
                    Requests
                  </th>
                  <th scope="col" aria-hidden="true" />
                </tr>
              </thead>
              <tbody>
                {usage.data
                  .slice()
                  .reverse()
                  .map((d) => (
                    <tr key={d.day}>
                      <td>{d.day}</td>
                      <td className="num">{formatNumber(d.requests)}</td>
                      <td aria-hidden="true" style={{ width: '50%' }}>
                        <div style={{ background: 'var(--accent, #2456a6)', height: 8, width: `${(100 * d.requests) / max}%`, minWidth: d.requests ? 2 : 0 }} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Modal>
  );
}

/** Rotation: a new key now, the old one works for the chosen overlap, then expires. */
function RotateDialog({ apiKey, onClose, onRotated }: { apiKey: Key; onClose: () => void; onRotated: (key: string) => void }) {
  const trpc = useTRPC();
  const [overlap, setOverlap] = useState<number>(24);
  const rotate = useMutation(trpc.analytics.keys.rotate.mutationOptions({ onSuccess: (r) => onRotated(r.key) }));
  return (
    <Modal
      open
      onClose={onClose}
      title={`Rotate “${apiKey.name}”`}
      size="sm"
      dismissable={!rotate.isPending}
      testId="rotate-key"
      footer={
        <div className="toolbar">
          <button type="button" className="btn" disabled={rotate.isPending} onClick={() => rotate.mutate({ id: apiKey.id, overlapHours: overlap })}>
            {rotate.isPending ? 'Rotating…' : 'Issue the new key'}
          </button>
          <button type="button" className="btn secondary" onClick={onClose} disabled={rotate.isPending}>
            Cancel
          </button>
        </div>
      }
    >
      <p>
        A new key with the same name and scopes is issued and shown once. Put it into the platform&apos;s settings; the old key keeps working until the overlap
        ends, then it expires.
      </p>
      <label>
        Old key keeps working for{' '}
        <select aria-label="Overlap" value={overlap} onChange={(e) => setOverlap(Number(e.target.value))}>
          {OVERLAP_CHOICES.map((h) => (
            <option key={h} value={h}>
              {h === 0 ? 'no time (stops now)' : h < 24 ? `${h} hour` : `${h / 24} day${h > 24 ? 's' : ''}`}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={rotate.error} />
    </Modal>
  );
}

/** Event-ingestion API keys (super admin): create (shown once), list, rotate, usage, revoke. */
export function ApiKeysView() {
  const trpc = useTRPC();
  const ask = useConfirm();
  const qc = useQueryClient();
  const list = useQuery(trpc.analytics.keys.list.queryOptions());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [expiry, setExpiry] = useState(0);
  const [rotating, setRotating] = useState<Key | null>(null);
  const [usageOf, setUsageOf] = useState<Key | null>(null);
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
        The A-Cube platform sends member activity to <code>POST /api/events</code> with <code>Authorization: Bearer &lt;key&gt;</code>, in batches of up to 500
        events. Only a SHA-256 of each key is stored: copy a new key when it is shown, it cannot be shown again.
      </p>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, scopes: ['events:write'], expiresInDays: EXPIRY_CHOICES[expiry]!.days });
        }}
      >
        <input aria-label="Key name" placeholder="Key name, e.g. platform-prod" value={name} onChange={(e) => setName(e.target.value)} />
        <select aria-label="Expiry" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
          {EXPIRY_CHOICES.map((c, i) => (
            <option key={c.label} value={i}>
              {c.label}
            </option>
          ))}
        </select>
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
          {
            key: 'createdAt',
            header: 'Created',
            cell: (k) => (
              <>
                {formatDate(k.createdAt)} by {k.createdBy ?? '—'}
              </>
            ),
          },
          { key: 'scopes', header: 'Scopes', cell: (k) => k.scopes.map((sc) => <code key={sc}>{sc}</code>) },
          { key: 'expiresAt', header: 'Expires', cell: (k) => (k.expiresAt ? <Time value={k.expiresAt} /> : 'never') },
          {
            key: 'lastUsedAt',
            header: 'Last used',
            cell: (k) =>
              k.lastUsedAt ? (
                <>
                  <Time value={k.lastUsedAt} /> <span className="muted small">from {k.lastUsedIp ?? '?'}</span>
                </>
              ) : (
                'never'
              ),
          },
          {
            key: 'status',
            header: 'Status',
            cell: (k) => (
              <>
                <StatusBadge status={k.status} />
                {k.rotatedTo && <span className="muted small"> replaced</span>}
              </>
            ),
          },
          {
            key: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            label: 'Actions',
            cell: (k) => (
              <div className="toolbar">
                <button type="button" className="btn small secondary" onClick={() => setUsageOf(k)}>
                  Usage
                </button>
                {(k.status === 'active' || (k.status === 'expiring' && !k.rotatedTo)) && (
                  <button type="button" className="btn small secondary" onClick={() => setRotating(k)}>
                    Rotate
                  </button>
                )}
                {!k.revokedAt && k.status !== 'expired' && (
                  <button
                    type="button"
                    className="btn small danger"
                    disabled={revoke.isPending}
                    onClick={async () => {
                      if (
                        await ask({
                          title: `Revoke the key “${k.name}”?`,
                          body: <p>The platform can no longer send events with it. This cannot be undone: create a new key instead.</p>,
                          confirmLabel: 'Revoke key',
                          destructive: true,
                        })
                      )
                        revoke.mutate({ id: k.id });
                    }}
                  >
                    Revoke
                  </button>
                )}
              </div>
            ),
          },
        ]}
      />
      {rotating && (
        <RotateDialog
          apiKey={rotating}
          onClose={() => setRotating(null)}
          onRotated={(key) => {
            setRotating(null);
            setCreated(key);
            void refresh();
          }}
        />
      )}
      {usageOf && <UsageDialog apiKey={usageOf} onClose={() => setUsageOf(null)} />}
    </section>
  );
}
