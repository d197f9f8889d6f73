'use client';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC, type RouterInputs, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { ErrorBox } from '@/components/ui/states';
import { formatNumber } from '@/components/ui/format';
import { RuleCard } from './rule-card';

type Row = RouterOutputs['messaging']['campaigns']['list'][number];
type Audience = RouterInputs['messaging']['campaigns']['create']['audience'];

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

export function CampaignsPage({ canSend }: { canSend: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.messaging.campaigns.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  return (
    <div>
      <h1>Campaigns</h1>
      {canSend && <CampaignBuilder />}
      <RuleCard canSend={canSend} />
      <h2>All campaigns</h2>
      <DataTable<Row>
        testId="campaigns-table"
        caption="Campaigns"
        rows={list.data}
        loading={list.isPending}
        error={list.error}
        empty="No campaigns yet."
        rowKey={(r) => r.id}
        rowHref={(r) => `/messaging/campaigns/${r.id}`}
        columns={[
          { key: 'name', header: 'Campaign' },
          { key: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
          { key: 'templateKey', header: 'Template' },
          { key: 'audience', header: 'Audience', cell: (r) => formatNumber(r.counts.audience), align: 'right' },
          { key: 'enqueued', header: 'Sending to', cell: (r) => formatNumber(r.counts.enqueued), align: 'right' },
          { key: 'holdout', header: 'Holdout', cell: (r) => formatNumber(r.counts.holdout), align: 'right' },
          { key: 'createdAt', header: 'Created', cell: (r) => <Time value={r.createdAt} /> },
        ]}
      />
    </div>
  );
}

function CampaignBuilder() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const templates = useQuery(trpc.messaging.templates.list.queryOptions(undefined, { retry: false }));
  const [name, setName] = useState('');
  const [templateKey, setTemplateKey] = useState('reengagement');
  const [kind, setKind] = useState<Audience['kind']>('at_risk');
  const [asOf, setAsOf] = useState(yesterday());
  const [state, setState] = useState<'dormant' | 'resurrecting'>('dormant');
  const [from, setFrom] = useState('2026-01-01');
  const [to, setTo] = useState(yesterday());
  const [savedSearchId, setSavedSearchId] = useState('');
  const [holdoutPct, setHoldout] = useState(10);
  const [frequencyCapDays, setCap] = useState(7);
  const [when, setWhen] = useState('');
  const [asked, setAsked] = useState<RouterInputs['messaging']['campaigns']['audience'] | null>(null);
  const audience: Audience =
    kind === 'at_risk'
      ? { kind, asOf }
      : kind === 'lifecycle'
        ? { kind, state, asOf }
        : kind === 'cohort'
          ? { kind, signupFrom: from, signupTo: to }
          : { kind, savedSearchId };
  const preview = useQuery({ ...trpc.messaging.campaigns.audience.queryOptions(asked!), enabled: !!asked });
  const create = useMutation(trpc.messaging.campaigns.create.mutationOptions());
  const schedule = useMutation(trpc.messaging.campaigns.schedule.mutationOptions());
  const saved = useQuery(trpc.search.saved.list.queryOptions(undefined, { retry: false }));
  const go = async () => {
    const c = await create.mutateAsync({ name, templateKey, audience, holdoutPct, frequencyCapDays });
    await schedule.mutateAsync({ id: c.id, at: when ? new Date(when) : null });
    void qc.invalidateQueries({ queryKey: trpc.messaging.campaigns.list.queryKey() });
    router.push(`/messaging/campaigns/${c.id}`);
  };
  const options = (templates.data ?? []).filter((t) => t.category !== 'transactional');
  return (
    <section className="card" aria-labelledby="builder-title" data-testid="campaign-builder">
      <h2 id="builder-title">New campaign</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ templateKey, audience, holdoutPct, frequencyCapDays });
        }}
      >
        <label>
          Name <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
        </label>
        <label>
          Template
          <select value={templateKey} onChange={(e) => setTemplateKey(e.target.value)}>
            {options.length === 0 && <option value="reengagement">reengagement</option>}
            {options.map((t) => (
              <option key={t.key} value={t.key}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Audience
          <select value={kind} onChange={(e) => setKind(e.target.value as Audience['kind'])}>
            <option value="at_risk">At-risk members (analytics)</option>
            <option value="lifecycle">Lifecycle state (last 30 days)</option>
            <option value="cohort">Signup cohort</option>
            <option value="saved_search">Saved member search</option>
          </select>
        </label>
        {(kind === 'at_risk' || kind === 'lifecycle') && (
          <label>
            As of <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} required />
          </label>
        )}
        {kind === 'lifecycle' && (
          <label>
            State
            <select value={state} onChange={(e) => setState(e.target.value as 'dormant' | 'resurrecting')}>
              <option value="dormant">Dormant</option>
              <option value="resurrecting">Resurrecting</option>
            </select>
          </label>
        )}
        {kind === 'cohort' && (
          <>
            <label>
              Signed up from <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              to <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
          </>
        )}
        {kind === 'saved_search' && (
          <label>
            Saved search
            <select value={savedSearchId} onChange={(e) => setSavedSearchId(e.target.value)} required>
              <option value="">Choose…</option>
              {(saved.data ?? [])
                .filter((s) => s.collection === 'users')
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        <label>
          Holdout (%) <input type="number" min={0} max={50} value={holdoutPct} onChange={(e) => setHoldout(Number(e.target.value))} />
        </label>
        <label>
          Skip members contacted in the last (days){' '}
          <input type="number" min={0} max={365} value={frequencyCapDays} onChange={(e) => setCap(Number(e.target.value))} />
        </label>
        <label>
          Send at (empty: now) <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
        </label>
        <div className="toolbar">
          <button className="btn secondary" type="submit">
            Preview audience
          </button>
        </div>
      </form>
      {preview.isFetching && <p className="muted">Counting…</p>}
      <ErrorBox error={preview.error} />
      {preview.data && asked && (
        <div data-testid="audience-preview">
          <p>
            About <b data-testid="audience-send">{formatNumber(preview.data.send)}</b> will receive it and {formatNumber(preview.data.holdout)} be held out (the
            holdout is drawn when the campaign is created), of {formatNumber(preview.data.total)} in the audience (excluded:{' '}
            {formatNumber(preview.data.excluded.suppressedOrUnsubscribed)} suppressed or unsubscribed, {formatNumber(preview.data.excluded.frequencyCap)}{' '}
            contacted recently, {formatNumber(preview.data.excluded.noEmail)} without an address).
          </p>
          <ul className="small">
            {preview.data.sample.map((s) => (
              <li key={String(s.id)}>
                {String(s.name)} · {String(s.email)}
              </li>
            ))}
          </ul>
          <ErrorBox error={create.error ?? schedule.error} />
          <button className="btn" type="button" disabled={!name || create.isPending || schedule.isPending || preview.data.send === 0} onClick={() => void go()}>
            {when ? 'Schedule campaign' : 'Send campaign now'}
          </button>{' '}
          <Link href="/analytics" className="small">
            About the at-risk rules
          </Link>
        </div>
      )}
    </section>
  );
}
