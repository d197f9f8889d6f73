'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorBox } from '@/components/ui/states';
import { Tabs } from '@/components/ui/tabs';
import { EDITABLE, FIELDS_SCHEMA, type ContentType } from '@/server/content/schema';
import { TypeFields, defaultFields, type Fields } from './field-inputs';
import { MergeView } from './merge';
import { History } from './history';
import { Registrations } from './registrations';
import { StatusActions, Schedule } from './status-actions';
import { FIELD_LABEL, TYPE_LABEL, TYPE_SINGULAR, valueText } from './labels';

type Dto = RouterOutputs['content']['get'];
type ErrLike = { message: string; data?: { code?: string; details?: unknown } | null };

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const sameFields = (type: ContentType, a: Fields, b: Fields) => EDITABLE[type].every((f) => valueText(a[f]) === valueText(b[f]));

export function ContentEditor({ type, id, canSeeRegistrations }: { type: ContentType; id: string | null; canSeeRegistrations: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const item = useQuery({
    ...trpc.content.get.queryOptions({ type, id: id ?? '' }),
    enabled: !!id,
    // while a publish is scheduled, look again every 15 s so the page shows it published
    refetchInterval: (q) => (q.state.data?.publishAt ? 15_000 : false),
  });
  const [base, setBase] = useState<Dto | null>(null);
  const [form, setForm] = useState<Fields>(() => defaultFields(type));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<Dto | null>(null);
  const [tab, setTab] = useState<'edit' | 'history' | 'registrations'>('edit');
  const [saved, setSaved] = useState<string | null>(null);

  // adopt the loaded item; later refetches update the editor only while it has no unsaved edits
  useEffect(() => {
    const d = item.data;
    if (!d) return;
    setBase((prev) => {
      if (prev && prev.version === d.version && prev.status === d.status && valueText(prev.publishAt) === valueText(d.publishAt)) return prev;
      if (!prev || sameFields(type, form, prev.fields)) setForm(d.fields);
      return d;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [item.data]);

  const dirty = base ? !sameFields(type, form, base.fields) : !sameFields(type, form, defaultFields(type));
  const md = useDebounced(String(form.body ?? ''), 250);
  const preview = useQuery({ ...trpc.content.preview.queryOptions({ markdown: md }), placeholderData: (p) => p });

  const save = useMutation(
    trpc.content.save.mutationOptions({
      onSuccess: (d) => {
        setBase(d);
        setForm(d.fields);
        setErrors({});
        setSaved(`Saved version ${d.version}.`);
        qc.setQueryData(trpc.content.get.queryKey({ type, id: d.id }), d);
        qc.invalidateQueries({ queryKey: trpc.content.revisions.queryKey({ type, id: d.id }) });
        if (!id) router.replace(`/content/${type}/${d.id}`);
      },
      onError: (e: ErrLike) => {
        const details = e.data?.details as { kind?: string; current?: Dto; field?: string } | null | undefined;
        if (e.data?.code === 'CONFLICT' && details?.kind === 'version' && details.current) setConflict(details.current);
        else if (details?.field) setErrors({ [details.field]: e.message });
      },
    }),
  );

  const submit = () => {
    setSaved(null);
    const parsed = FIELDS_SCHEMA[type].safeParse(form);
    if (!parsed.success) {
      const errs: Record<string, string> = {};
      for (const i of parsed.error.issues) errs[String(i.path[0] ?? 'title')] ??= i.message;
      setErrors(errs);
      return;
    }
    save.mutate({ type, id: id ?? undefined, version: base?.version, fields: parsed.data } as never);
  };

  const onChange = (k: string, v: unknown) => setForm((f) => ({ ...f, [k]: v }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.content.get.queryKey({ type, id: id ?? '' }) });
  const tabs = useMemo(
    () => [
      { key: 'edit', label: 'Edit' },
      ...(id ? [{ key: 'history', label: 'History' }] : []),
      ...(id && type === 'events' && canSeeRegistrations ? [{ key: 'registrations', label: 'Registrations' }] : []),
    ],
    [id, type, canSeeRegistrations],
  );

  if (id && item.isLoading) return <Skeleton lines={8} label="Loading the editor…" />;
  if (id && item.error) return <ErrorBox error={item.error} />;

  return (
    <div className="content-editor">
      <p className="small">
        <Link href={`/content?type=${type}`}>← {TYPE_LABEL[type]}</Link>
      </p>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>{id ? String(form.title || base?.title || '(untitled)') : `New ${TYPE_SINGULAR[type]}`}</h1>
        <span data-testid="editor-status">{base ? <StatusBadge status={base.status} /> : <StatusBadge status="draft" />}</span>
        {base ? (
          <span className="muted small" data-testid="editor-version">
            version {base.version}
          </span>
        ) : null}
        {base?.publishAt ? (
          <span className="badge tone-info" data-testid="scheduled-badge">
            publishes <Time value={base.publishAt} mode="absolute" />
          </span>
        ) : null}
      </div>
      {base ? (
        <div className="toolbar">
          <StatusActions
            item={base}
            disabled={dirty}
            onDone={(d) => {
              setBase(d);
              refresh();
            }}
            onConflict={(d) => setConflict(d)}
          />
          {base.status === 'draft' ? (
            <Schedule
              item={base}
              disabled={dirty}
              onDone={(d) => {
                setBase(d);
                refresh();
              }}
            />
          ) : null}
          {dirty ? <span className="muted small">Save your edits before changing the status.</span> : null}
        </div>
      ) : null}
      <Tabs tabs={tabs} value={tab} onChange={(k) => setTab(k as typeof tab)} label="Editor sections" />
      {tab === 'edit' ? (
        <form
          className="form"
          aria-label={`Edit ${TYPE_SINGULAR[type]}`}
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <div className="form inline-form">
            <label className="grow">
              {FIELD_LABEL.title}
              <input name="title" value={String(form.title ?? '')} onChange={(e) => onChange('title', e.target.value)} aria-invalid={!!errors.title} required />
              {errors.title ? <span className="form-error">{errors.title}</span> : null}
            </label>
            <label>
              {FIELD_LABEL.slug}
              <input
                name="slug"
                value={String(form.slug ?? '')}
                placeholder="generated from the title"
                onChange={(e) => onChange('slug', e.target.value)}
                aria-invalid={!!errors.slug}
              />
              {errors.slug ? (
                <span className="form-error" data-testid="slug-error">
                  {errors.slug}
                </span>
              ) : null}
            </label>
          </div>
          <TypeFields type={type} value={form} onChange={onChange} errors={errors} />
          <div className="editor-split">
            <label>
              {FIELD_LABEL.body}
              <textarea name="body" rows={18} value={String(form.body ?? '')} onChange={(e) => onChange('body', e.target.value)} />
              {errors.body ? <span className="form-error">{errors.body}</span> : null}
            </label>
            <section aria-label="Preview" className="md-preview-box">
              <div className="muted small">Preview {preview.isFetching ? '(updating…)' : ''}</div>
              {/* sanitised on the server (marked + sanitize-html): no scripts, event handlers or javascript: links */}
              <div className="md-preview" data-testid="preview" dangerouslySetInnerHTML={{ __html: preview.data?.html ?? '' }} />
            </section>
          </div>
          <ErrorBox
            error={
              save.error && !(save.error as ErrLike).data?.details
                ? save.error
                : save.error && !conflict && !(save.error.data?.details as { field?: string } | null)?.field
                  ? save.error
                  : null
            }
          />
          <div className="toolbar">
            <button className="btn" type="submit" disabled={save.isPending || (!dirty && !!base)} data-testid="content-save">
              {save.isPending ? 'Saving…' : id ? 'Save' : 'Create draft'}
            </button>
            {dirty && base ? (
              <button type="button" className="btn secondary" onClick={() => setForm(base.fields)}>
                Discard edits
              </button>
            ) : null}
            <span role="status" className="muted" data-testid="save-status">
              {saved ?? (dirty ? 'Unsaved edits' : '')}
            </span>
          </div>
        </form>
      ) : null}
      {tab === 'history' && id && base ? <History type={type} id={id} version={base.version} canEdit onRestored={refresh} /> : null}
      {tab === 'registrations' && id ? <Registrations eventId={id} /> : null}
      {conflict && base ? (
        <MergeView
          type={type}
          base={base.fields}
          mine={form}
          theirs={conflict}
          onCancel={() => setConflict(null)}
          onMerged={(merged, version) => {
            setBase({ ...conflict, version });
            setForm(merged);
            setConflict(null);
            setSaved(`Merged with version ${version}: review and save.`);
          }}
        />
      ) : null}
    </div>
  );
}
