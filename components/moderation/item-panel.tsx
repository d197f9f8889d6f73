'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import { useConfirm } from '@/components/ui/modal';
import { formatDate } from '@/components/ui/format';
import { KIND_COLLECTION, type Kind } from '@/server/moderation/schema';
import { WORKFLOWS } from '@/server/workflows';

const show = (v: unknown) => (v instanceof Date ? formatDate(v) : Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/** One queue item: claim, status with reasons, internal notes, and (contacts, volunteers) a reply recorded for messaging. */
export function ItemPanel({ kind, id, me, onChanged }: { kind: Kind; id: string; me: string; onChanged: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const key = trpc.moderation.item.queryKey({ kind, id });
  const q = useQuery({ ...trpc.moderation.item.queryOptions({ kind, id }), refetchInterval: 20_000 });
  const after = () => {
    qc.invalidateQueries({ queryKey: key });
    onChanged();
  };
  const claim = useMutation(trpc.moderation.claim.mutationOptions({ onSuccess: after }));
  const status = useMutation(
    trpc.moderation.setStatus.mutationOptions({
      onSuccess: () => {
        setReason('');
        setTo(null);
        after();
      },
    }),
  );
  const note = useMutation(
    trpc.moderation.note.mutationOptions({
      onSuccess: () => {
        setNoteText('');
        after();
      },
    }),
  );
  const reply = useMutation(
    trpc.moderation.reply.mutationOptions({
      onSuccess: () => {
        setReplyBody('');
        after();
      },
    }),
  );
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [noteText, setNoteText] = useState('');
  const [replySubject, setReplySubject] = useState('');
  const [replyBody, setReplyBody] = useState('');

  if (q.isLoading) return <Skeleton lines={6} label="Loading the item…" />;
  if (q.error) return <ErrorBox error={q.error} />;
  const d = q.data!;
  const wf = WORKFLOWS[KIND_COLLECTION[kind]];
  const verbs = wf.verbs as Record<string, string>;
  const mine = d.claimedBy?.id === me;
  const heldByOther = !!d.claimedBy && !mine;
  const needs = (s: string) => (wf.reasonRequired as readonly string[]).includes(s);
  const change = (s: string) => (needs(s) ? setTo(s) : status.mutate({ kind, id, version: d.version, to: s }));

  return (
    <div className="form" data-testid="item-detail">
      <div>
        <h2 style={{ margin: '0 0 4px' }}>{d.title}</h2>
        <div className="muted">{d.sub}</div>
        <div className="toolbar">
          <span data-testid="item-status">
            <StatusBadge status={d.status} />
          </span>
          {d.createdAt ? (
            <span className="muted small">
              received <Time value={d.createdAt} />
            </span>
          ) : null}
          {d.statusReason ? <span className="small">Reason: {d.statusReason}</span> : null}
        </div>
      </div>

      <section aria-label="Claim" className="toolbar" data-testid="claim-box">
        {d.claimedBy ? (
          <span data-testid="claimed-by">
            Claimed by <strong>{mine ? 'me' : d.claimedBy.name || d.claimedBy.email}</strong>
            {d.claimedAt ? (
              <>
                {' '}
                · <Time value={d.claimedAt} />
              </>
            ) : null}
          </span>
        ) : (
          <span className="muted">Nobody holds this item.</span>
        )}
        {!d.claimedBy ? (
          <button className="btn small" onClick={() => claim.mutate({ kind, id })} disabled={claim.isPending} data-testid="claim">
            Claim
          </button>
        ) : mine ? (
          <button className="btn secondary small" onClick={() => claim.mutate({ kind, id, release: true })} disabled={claim.isPending}>
            Release
          </button>
        ) : (
          <button
            className="btn secondary small"
            disabled={claim.isPending}
            onClick={async () => {
              if (
                await confirm({
                  title: 'Take this item over?',
                  body: `${d.claimedBy!.name || d.claimedBy!.email} holds it. Take it over only if they are not working on it; the audit log records it.`,
                  confirmLabel: 'Take over',
                })
              )
                claim.mutate({ kind, id, force: true });
            }}
          >
            Take over
          </button>
        )}
        <ErrorBox error={claim.error} />
      </section>

      <section aria-label="Status">
        <div className="toolbar">
          {d.nextStatuses.map((s) => (
            <button
              key={s}
              className={`btn small ${needs(s) ? 'secondary' : ''}`}
              disabled={heldByOther || status.isPending}
              onClick={() => change(s)}
              data-testid={`set-${s}`}
            >
              {verbs[s] ?? s}
            </button>
          ))}
          {d.nextStatuses.length === 0 ? <span className="muted small">Final status.</span> : null}
          {heldByOther ? <span className="muted small">Held by someone else: take it over to change it.</span> : null}
        </div>
        {to ? (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              status.mutate({ kind, id, version: d.version, to, reason });
            }}
          >
            <label>
              Reason for “{verbs[to] ?? to}” (required)
              <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} name="reason" />
            </label>
            <div className="toolbar">
              <button className="btn danger small" disabled={!reason.trim() || status.isPending}>
                {verbs[to] ?? to}
              </button>
              <button type="button" className="btn secondary small" onClick={() => setTo(null)}>
                Back
              </button>
            </div>
          </form>
        ) : null}
        <ErrorBox error={status.error} />
      </section>

      <dl className="detail-grid">
        {d.fields
          .filter((f) => !['status', 'createdAt'].includes(f.name))
          .map((f) => (
            <div key={f.name}>
              <dt className="muted small">{f.label}</dt>
              <dd style={{ margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>{show(f.value)}</dd>
            </div>
          ))}
      </dl>

      <section aria-labelledby="notes-h">
        <h3 id="notes-h">Internal notes</h3>
        {d.notes.length ? (
          <ul className="note-list" data-testid="notes">
            {d.notes.map((n) => (
              <li key={n.id}>
                {n.text}
                <div className="muted small">
                  {n.by} · <Time value={n.at} />
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">No notes yet.</p>
        )}
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (noteText.trim()) note.mutate({ kind, id, text: noteText });
          }}
        >
          <label>
            Add a note (only moderators see it)
            <textarea rows={2} name="note" value={noteText} onChange={(e) => setNoteText(e.target.value)} />
          </label>
          <div>
            <button className="btn secondary small" disabled={!noteText.trim() || note.isPending} data-testid="add-note">
              Add note
            </button>
          </div>
          <ErrorBox error={note.error} />
        </form>
      </section>

      {kind === 'contacts' || kind === 'volunteers' ? (
        <section aria-labelledby="reply-h">
          <h3 id="reply-h">Reply</h3>
          <p className="muted small">Recorded now with status “pending messaging”; sent by email once the messaging service is connected.</p>
          {d.replies.items.length ? (
            <ul className="note-list" data-testid="replies">
              {d.replies.items.map((r) => (
                <li key={r.id}>
                  <strong>{r.subject}</strong> <StatusBadge status={r.status} tone="warn" />
                  <div>{r.body}</div>
                  <div className="muted small">
                    {r.createdBy} · <Time value={r.createdAt} />
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              reply.mutate({ kind, id, subject: replySubject || `Re: ${d.title}`, body: replyBody });
            }}
          >
            <label>
              Subject
              <input name="replySubject" value={replySubject} placeholder={`Re: ${d.title}`} onChange={(e) => setReplySubject(e.target.value)} />
            </label>
            <label>
              Message
              <textarea rows={4} name="replyBody" value={replyBody} onChange={(e) => setReplyBody(e.target.value)} />
            </label>
            <div>
              <button className="btn secondary small" disabled={!replyBody.trim() || reply.isPending}>
                Record reply
              </button>
            </div>
            <ErrorBox error={reply.error} />
          </form>
        </section>
      ) : null}
    </div>
  );
}
