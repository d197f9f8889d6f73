'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorBox } from '@/components/ui/states';
import { Time } from '@/components/ui/time';
import { useToast } from '@/components/ui/toast';

/** The automated re-engagement rule: evaluated daily on one instance; each run is a campaign with a holdout. */
export function RuleCard({ canSend }: { canSend: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { toast } = useToast();
  const rule = useQuery(trpc.messaging.campaigns.rule.queryOptions());
  const [enabled, setEnabled] = useState(false);
  const [capDays, setCap] = useState(30);
  const [holdoutPct, setHoldout] = useState(10);
  useEffect(() => {
    if (rule.data) {
      setEnabled(rule.data.enabled);
      setCap(rule.data.capDays);
      setHoldout(rule.data.holdoutPct);
    }
  }, [rule.data]);
  const save = useMutation(
    trpc.messaging.campaigns.saveRule.mutationOptions({
      onSuccess: () => {
        toast({ message: 'Rule saved.', tone: 'ok' });
        void qc.invalidateQueries({ queryKey: trpc.messaging.campaigns.rule.queryKey() });
      },
    }),
  );
  return (
    <section className="card" aria-labelledby="rule-title" data-testid="rule-card">
      <h2 id="rule-title">Automatic re-engagement</h2>
      <ErrorBox error={rule.error ?? save.error} />
      {rule.data && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ enabled, templateKey: rule.data!.templateKey, capDays, holdoutPct });
          }}
        >
          <label>
            <input type="checkbox" checked={enabled} disabled={!canSend} onChange={(e) => setEnabled(e.target.checked)} /> When a member becomes at risk, send “
            {rule.data.templateKey}”
          </label>
          <label>
            at most once per{' '}
            <input
              type="number"
              min={1}
              max={365}
              value={capDays}
              disabled={!canSend}
              onChange={(e) => setCap(Number(e.target.value))}
              style={{ width: '5em' }}
            />{' '}
            days
          </label>
          <label>
            holdout{' '}
            <input
              type="number"
              min={0}
              max={50}
              value={holdoutPct}
              disabled={!canSend}
              onChange={(e) => setHoldout(Number(e.target.value))}
              style={{ width: '4em' }}
            />{' '}
            %
          </label>
          {canSend && (
            <button className="btn secondary" type="submit" disabled={save.isPending}>
              Save rule
            </button>
          )}
          <span className="muted small">
            Evaluated daily at 09:00 UTC. {rule.data.lastRunDay ? `Last run for ${rule.data.lastRunDay}.` : 'Not run yet.'}{' '}
            {rule.data.updatedBy && (
              <>
                Changed by {rule.data.updatedBy} <Time value={rule.data.updatedAt} />.
              </>
            )}
          </span>
        </form>
      )}
    </section>
  );
}
