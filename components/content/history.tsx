'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { diffWords } from 'diff';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { useConfirm } from '@/components/ui/modal';
import { Time } from '@/components/ui/time';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import type { ContentType } from '@/server/content/schema';
import { FIELD_LABEL, valueText } from './labels';

type Rev = RouterOutputs['content']['revisions'][number];
const ACTION: Record<Rev['action'], string> = {
  baseline: 'state before the first edit',
  create: 'created',
  save: 'saved',
  status: 'status changed',
  schedule: 'schedule changed',
  restore: 'restored',
  scheduled_publish: 'published on schedule',
};

/** A word diff of one field: removed words struck through, added words marked. */
export function FieldDiff({ before, after }: { before: unknown; after: unknown }) {
  const parts = diffWords(valueText(before), valueText(after));
  return (
    <span className="word-diff">
      {parts.map((p, i) => (p.added ? <ins key={i}>{p.value}</ins> : p.removed ? <del key={i}>{p.value}</del> : <span key={i}>{p.value}</span>))}
    </span>
  );
}

export function History({
  type,
  id,
  version,
  canEdit,
  onRestored,
}: {
  type: ContentType;
  id: string;
  version: number;
  canEdit: boolean;
  onRestored: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const revs = useQuery(trpc.content.revisions.queryOptions({ type, id }));
  const [open, setOpen] = useState<string | null>(null);
  const restore = useMutation(
    trpc.content.restoreRevision.mutationOptions({
      onSuccess: () => {
        qc.invalidateQueries({ queryKey: trpc.content.revisions.queryKey({ type, id }) });
        onRestored();
      },
    }),
  );
  if (revs.isLoading) return <Skeleton lines={4} label="Loading history…" />;
  if (revs.error) return <ErrorBox error={revs.error} />;
  const list = revs.data ?? [];
  if (!list.length) return <p className="muted">No revisions yet: the first save will start the history.</p>;
  return (
    <div data-testid="history">
      <ErrorBox error={restore.error} />
      <ol className="revisions">
        {list.map((r) => (
          <li key={r.id} data-version={r.version}>
            <button className="linklike" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
              Version {r.version} · {ACTION[r.action]}
              {r.restoredFromVersion ? ` (from version ${r.restoredFromVersion})` : ''}
            </button>{' '}
            <span className="muted small">
              {r.by ?? 'system'} · <Time value={r.at} />
            </span>
            {r.version === version ? <span className="badge tone-info">current</span> : null}
            {open === r.id ? (
              <div className="revision-detail">
                {r.changes.length ? (
                  <dl>
                    {r.changes.map((c) => (
                      <div key={c.field}>
                        <dt>{FIELD_LABEL[c.field] ?? c.field}</dt>
                        <dd>
                          <FieldDiff before={c.before} after={c.after} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  <p className="muted small">No field changes recorded ({ACTION[r.action]}).</p>
                )}
                {canEdit && r.version !== version ? (
                  <button
                    className="btn secondary small"
                    disabled={restore.isPending}
                    onClick={async () => {
                      if (
                        await confirm({
                          title: `Restore version ${r.version}?`,
                          body: 'Its fields are saved as a new version; the current text stays in the history.',
                          confirmLabel: 'Restore',
                        })
                      )
                        restore.mutate({ type, id, revisionId: r.id, version });
                    }}
                  >
                    Restore version {r.version}
                  </button>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
