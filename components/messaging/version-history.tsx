'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { Modal } from '@/components/ui/modal';
import { Time } from '@/components/ui/time';
import { useConfirm } from '@/components/ui/modal';
import { useToast } from '@/components/ui/toast';
import { lineDiff } from './line-diff';

type Version = RouterOutputs['messaging']['templates']['get']['versions'][number];

export function VersionHistory({
  templateKey,
  versions,
  current,
  onRestored,
}: {
  templateKey: string;
  versions: Version[];
  current: number;
  onRestored: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const { toast } = useToast();
  const [diffOf, setDiffOf] = useState<Version | null>(null);
  const cur = versions.find((v) => v.version === current) ?? versions[0];
  const restore = useMutation(
    trpc.messaging.templates.restore.mutationOptions({
      onSuccess: (r) => {
        toast({ message: `Restored as version ${r.version}.`, tone: 'ok' });
        onRestored();
        void qc.invalidateQueries({ queryKey: trpc.messaging.templates.get.queryKey({ key: templateKey }) });
      },
      onError: (e) => toast({ message: e.message, tone: 'bad' }),
    }),
  );
  return (
    <>
      <h3>History</h3>
      <DataTable<Version>
        testId="template-versions"
        caption="Versions"
        rows={versions}
        rowKey={(v) => String(v.version)}
        compact
        columns={[
          {
            key: 'version',
            header: 'Version',
            cell: (v) => (
              <>
                v{v.version}
                {v.version === current ? ' (current)' : ''}
              </>
            ),
          },
          { key: 'savedAt', header: 'Saved', cell: (v) => <Time value={v.savedAt} /> },
          { key: 'savedBy', header: 'By', cell: (v) => v.savedBy ?? 'system' },
          { key: 'note', header: 'Note', wrap: true },
          {
            key: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            label: 'Actions',
            cell: (v) => (
              <span className="toolbar">
                <button className="btn small secondary" type="button" onClick={() => setDiffOf(v)} disabled={v.version === current}>
                  Diff
                </button>
                <button
                  className="btn small secondary"
                  type="button"
                  disabled={v.version === current || restore.isPending}
                  onClick={async () => {
                    if (
                      await confirm({ title: `Restore version ${v.version}?`, body: 'It is saved as a new version; nothing is lost.', confirmLabel: 'Restore' })
                    ) {
                      restore.mutate({ key: templateKey, version: v.version });
                    }
                  }}
                >
                  Restore
                </button>
              </span>
            ),
          },
        ]}
      />
      <Modal open={!!diffOf} onClose={() => setDiffOf(null)} title={diffOf && cur ? `v${diffOf.version} → v${cur.version}` : 'Diff'} size="lg">
        {diffOf && cur && (
          <pre className="diff" style={{ whiteSpace: 'pre-wrap' }}>
            {lineDiff(`Subject: ${diffOf.subject}\n${diffOf.body}`, `Subject: ${cur.subject}\n${cur.body}`).map((l, i) => (
              <div key={i} className={l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : undefined}>
                {l.op} {l.text}
              </div>
            ))}
          </pre>
        )}
      </Modal>
    </>
  );
}
