'use client';
import Link from 'next/link';
import type { RouterOutputs } from '@/components/providers/trpc';
import { formatDateExact } from '@/components/ui/format';
import { Modal } from '@/components/ui/modal';
import { StatusBadge } from '@/components/ui/status-badge';
import { describeAction, diff, targetHref, targetText, type DiffLine } from './describe';

export type AuditEntry = RouterOutputs['audit']['list']['items'][number];

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

function DiffList({ lines }: { lines: DiffLine[] }) {
  if (!lines.length) return <p className="muted">No field changed.</p>;
  return (
    <ul className="audit-diff">
      {lines.map((l, i) => (
        <li key={i} className={l.kind}>
          <span className="visually-hidden">{l.kind}: </span>
          <code>{l.path}</code>:{' '}
          {l.kind === 'changed' ? (
            <>
              <del>{show(l.before)}</del> → <ins>{show(l.after)}</ins>
            </>
          ) : l.kind === 'added' ? (
            <ins>+ {show(l.after)}</ins>
          ) : (
            <del>− {show(l.before)}</del>
          )}
        </li>
      ))}
    </ul>
  );
}

/** One audit entry: the sentence, who/when/where, the target as a link, and before/after as a diff. */
export function EntryDialog({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const e = entry;
  const details = (e?.details ?? null) as Record<string, unknown> | null;
  const hasBeforeAfter = !!details && ('before' in details || 'after' in details);
  const rest = details ? Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'before' && k !== 'after')) : {};
  const href = targetHref(e?.target);
  return (
    <Modal open={!!e} onClose={onClose} title={e ? describeAction(e.action, e.target) : ''} size="lg" testId="audit-entry">
      {e && (
        <div data-testid="audit-details">
          <dl className="kv">
            <dt>When</dt>
            <dd>{formatDateExact(e.at)}</dd>
            <dt>Who</dt>
            <dd>{e.actor ? `${e.actor.email} (${e.actor.role})` : 'anonymous'}</dd>
            <dt>Result</dt>
            <dd>
              <StatusBadge status={e.result} />
              {e.error && <span className="form-error"> {e.error}</span>}
            </dd>
            {e.target && (
              <>
                <dt>Target</dt>
                <dd>
                  {href ? <Link href={href}>{targetText(e.target)}</Link> : targetText(e.target)}
                  {e.target.id && <span className="muted small mono"> {e.target.id}</span>}
                </dd>
              </>
            )}
            <dt>Action</dt>
            <dd>
              <code>{e.action}</code>
            </dd>
            <dt>From</dt>
            <dd className="small">
              IP {e.ip ?? '—'} · {e.userAgent ?? 'unknown client'}
            </dd>
          </dl>
          {hasBeforeAfter && (
            <>
              <h3>What changed</h3>
              <DiffList lines={diff(details!.before ?? {}, details!.after ?? {})} />
            </>
          )}
          {Object.keys(rest).length > 0 && (
            <>
              <h3>Details</h3>
              <pre className="mono">{JSON.stringify(rest, null, 2)}</pre>
            </>
          )}
          {e.input !== null && e.input !== undefined && (
            <details>
              <summary>Request input</summary>
              <pre className="mono">{JSON.stringify(e.input, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </Modal>
  );
}
