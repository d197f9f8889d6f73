'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { TemplatePreview } from './template-preview';
import { VersionHistory } from './version-history';

type Row = RouterOutputs['messaging']['templates']['list'][number];

export function TemplatesPage() {
  const trpc = useTRPC();
  const list = useQuery(trpc.messaging.templates.list.queryOptions());
  const [key, setKey] = useState<string | null>(null);
  useEffect(() => {
    if (!key && list.data?.length) setKey(list.data[0]!.key);
  }, [key, list.data]);
  return (
    <div>
      <h1>Email templates</h1>
      <p className="muted">Liquid inside MJML. Variables must be declared; a mistake is shown when you save, never when a message is sent.</p>
      <DataTable<Row>
        testId="templates-table"
        caption="Templates"
        rows={list.data}
        loading={list.isPending}
        error={list.error}
        empty="No templates yet."
        rowKey={(r) => r.key}
        onRowOpen={(r) => setKey(r.key)}
        rowClassName={(r) => (r.key === key ? 'selected' : undefined)}
        columns={[
          {
            key: 'name',
            header: 'Template',
            cell: (r) => (
              <>
                {r.name} <span className="muted small">{r.key}</span>
              </>
            ),
          },
          { key: 'type', header: 'Type', cell: (r) => <StatusBadge status={r.type} tone="info" /> },
          { key: 'category', header: 'Category' },
          { key: 'current', header: 'Version', align: 'right' },
          { key: 'updatedAt', header: 'Updated', cell: (r) => <Time value={r.updatedAt} /> },
        ]}
      />
      {key && <TemplateEditor key={key} templateKey={key} />}
    </div>
  );
}

function TemplateEditor({ templateKey }: { templateKey: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { toast } = useToast();
  const t = useQuery(trpc.messaging.templates.get.queryOptions({ key: templateKey }));
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [note, setNote] = useState('');
  const [base, setBase] = useState<number | undefined>();
  const [draft, setDraft] = useState<{ subject: string; body: string } | null>(null);
  useEffect(() => {
    const v = t.data?.versions[0];
    if (v && base === undefined) {
      setSubject(v.subject);
      setBody(v.body);
      setBase(v.version);
      setDraft({ subject: v.subject, body: v.body });
    }
  }, [t.data, base]);
  const save = useMutation(
    trpc.messaging.templates.save.mutationOptions({
      onSuccess: (r) => {
        toast({ message: `Saved version ${r.version}.`, tone: 'ok' });
        setBase(r.version);
        setNote('');
        void qc.invalidateQueries({ queryKey: trpc.messaging.templates.get.queryKey({ key: templateKey }) });
        void qc.invalidateQueries({ queryKey: trpc.messaging.templates.list.queryKey() });
      },
    }),
  );
  if (t.isPending) return <Skeleton lines={6} />;
  if (t.error) return <ErrorBox error={t.error} />;
  const tpl = t.data;
  const dirty = tpl.versions[0] && (subject !== tpl.versions[0].subject || body !== tpl.versions[0].body);
  return (
    <section className="card" aria-labelledby="tpl-editor-title" data-testid="template-editor">
      <h2 id="tpl-editor-title">
        {tpl.name} <span className="muted small">v{tpl.current}</span>
      </h2>
      <p className="small muted">
        Variables:{' '}
        {[...tpl.variables, ...tpl.systemVariables].map((v) => (
          <code key={v}>{`{{ ${v} }}`} </code>
        ))}
      </p>
      <div className="detail-grid">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ key: templateKey, subject, body, note, baseVersion: base });
          }}
        >
          <label>
            Subject
            <input value={subject} onChange={(e) => setSubject(e.target.value)} required maxLength={300} />
          </label>
          <label>
            Body (MJML with Liquid)
            <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={16} spellCheck={false} style={{ fontFamily: 'monospace', width: '100%' }} />
          </label>
          <label>
            Note for this version
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={300} placeholder="What changed" />
          </label>
          {save.error && (
            <p className="form-error" role="alert" data-testid="template-error">
              {save.error.message}
            </p>
          )}
          <div className="toolbar">
            <button className="btn" type="submit" disabled={save.isPending || !dirty}>
              {save.isPending ? 'Saving…' : 'Save new version'}
            </button>
            <button className="btn secondary" type="button" onClick={() => setDraft({ subject, body })}>
              Refresh preview
            </button>
          </div>
        </form>
        {draft && <TemplatePreview templateKey={templateKey} draft={draft} />}
      </div>
      <VersionHistory templateKey={templateKey} versions={tpl.versions} current={tpl.current} onRestored={() => setBase(undefined)} />
    </section>
  );
}
