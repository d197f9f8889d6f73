'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { Modal } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';
import { WORKFLOWS } from '@/server/workflows';
import { fromLocalInput, toLocalInput } from './field-inputs';

type Dto = RouterOutputs['content']['get'];
type ErrLike = { data?: { code?: string; details?: unknown } | null };

/** The status buttons the state machine allows from here; a reason is asked where the machine requires one. */
export function StatusActions({
  item,
  disabled,
  onDone,
  onConflict,
}: {
  item: Dto;
  disabled: boolean;
  onDone: (d: Dto) => void;
  onConflict: (d: Dto) => void;
}) {
  const trpc = useTRPC();
  const wf = WORKFLOWS[item.type];
  const [asking, setAsking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const m = useMutation(
    trpc.content.setStatus.mutationOptions({
      onSuccess: (r) => {
        setAsking(null);
        setReason('');
        setResult(
          r.registrationsCancelled !== undefined
            ? `Cancelled: ${r.registrationsCancelled} registration(s) marked cancelled, ${r.noticesQueued} notice(s) queued for the messaging service.`
            : null,
        );
        onDone(r.item);
      },
      onError: (e: ErrLike) => {
        const d = e.data?.details as { kind?: string; current?: Dto } | null | undefined;
        if (e.data?.code === 'CONFLICT' && d?.current) onConflict(d.current);
      },
    }),
  );
  const go = (to: string) => {
    if ((wf.reasonRequired as readonly string[]).includes(to)) setAsking(to);
    else m.mutate({ type: item.type, id: item.id, version: item.version, to });
  };
  const verbs = wf.verbs as Record<string, string>;
  return (
    <>
      {item.nextStatuses.map((to) => (
        <button
          key={to}
          className={`btn ${to === 'cancelled' || to === 'archived' || to === 'closed' ? 'secondary' : ''}`}
          disabled={disabled || m.isPending}
          onClick={() => go(to)}
          data-testid={`status-${to}`}
        >
          {verbs[to] ?? to}
        </button>
      ))}
      {item.nextStatuses.length === 0 ? <span className="muted small">Final status: no further changes.</span> : null}
      {result ? (
        <span role="status" className="notice small">
          {result}
        </span>
      ) : null}
      {!asking ? <ErrorBox error={m.error} /> : null}
      <Modal
        open={!!asking}
        onClose={() => setAsking(null)}
        title={`${verbs[asking ?? ''] ?? asking}: say why`}
        footer={
          <>
            <button className="btn secondary" onClick={() => setAsking(null)}>
              Back
            </button>
            <button
              className="btn danger"
              disabled={!reason.trim() || m.isPending}
              onClick={() => m.mutate({ type: item.type, id: item.id, version: item.version, to: asking!, reason })}
            >
              {verbs[asking ?? ''] ?? asking}
            </button>
          </>
        }
      >
        <label className="form">
          Reason (kept with the record and in the audit log{item.type === 'events' && asking === 'cancelled' ? '; sent to registered members' : ''})
          <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} name="reason" />
        </label>
        <ErrorBox error={m.error} />
      </Modal>
    </>
  );
}

/** Schedule a draft to be published at a minute (UTC); the scheduler publishes it then. */
export function Schedule({ item, disabled, onDone }: { item: Dto; disabled: boolean; onDone: (d: Dto) => void }) {
  const trpc = useTRPC();
  const [at, setAt] = useState(toLocalInput(item.publishAt));
  const m = useMutation(trpc.content.schedule.mutationOptions({ onSuccess: onDone }));
  return (
    <form
      className="toolbar inline"
      aria-label="Schedule publishing"
      onSubmit={(e) => {
        e.preventDefault();
        const d = fromLocalInput(at);
        if (d) m.mutate({ type: item.type, id: item.id, version: item.version, publishAt: d });
      }}
    >
      <label className="inline-label">
        Publish at (UTC)
        <input type="datetime-local" name="publishAt" value={at} onChange={(e) => setAt(e.target.value)} />
      </label>
      <button className="btn secondary" type="submit" disabled={disabled || !at || m.isPending} data-testid="schedule-save">
        Schedule
      </button>
      {item.publishAt ? (
        <button
          type="button"
          className="btn secondary"
          disabled={disabled || m.isPending}
          onClick={() => m.mutate({ type: item.type, id: item.id, version: item.version, publishAt: null })}
        >
          Unschedule
        </button>
      ) : null}
      <ErrorBox error={m.error} />
    </form>
  );
}
