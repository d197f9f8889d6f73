'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { ExportButton } from '@/components/export/export-button';
import { isUiGroup, stateFromParams, stateToParams, toSearchInput, type UiCondition, type UiGroup, type UiState } from './query-state';

type Info = { key: string; label: string; keywords: boolean; defaultSort: { field: string; dir: 'asc' | 'desc' }; fields: FieldInfo[] };
type FieldInfo = { name: string; label: string; type: string; operators: readonly string[]; values?: readonly string[]; sortable?: boolean; masked: boolean; personal?: boolean };

const OP_LABEL: Record<string, string> = {
  eq: 'is', ne: 'is not', in: 'is any of', nin: 'is none of', gt: '>', gte: '≥', lt: '<', lte: '≤',
  between: 'between', contains: 'contains', startsWith: 'starts with', exists: 'is set',
};

function fmt(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function SearchPage({ canExport }: { canExport: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const collections = useQuery(trpc.search.collections.queryOptions());
  const list = (collections.data ?? []) as Info[];
  const fallback = list[0]?.key ?? '';
  const urlState = useMemo(() => stateFromParams(new URLSearchParams(params.toString()), fallback), [params, fallback]);
  const [draft, setDraft] = useState<UiState>(urlState);
  useEffect(() => setDraft(urlState), [urlState]);

  const info = list.find((c) => c.key === urlState.collection);
  const draftInfo = list.find((c) => c.key === draft.collection);
  const fields = info?.fields ?? [];
  const input = info ? { ...toSearchInput(urlState, fields), page: urlState.page, pageSize: urlState.pageSize } : null;
  const results = useQuery(trpc.search.query.queryOptions(input && params.get('q') ? (input as never) : skipToken));

  const push = (s: UiState) => router.push(`${pathname}?${stateToParams(s, list.find((c) => c.key === s.collection)?.fields ?? []).toString()}`);
  const run = (e?: React.FormEvent) => {
    e?.preventDefault();
    push({ ...draft, page: 1 });
  };
  const columns = (urlState.columns ?? fields.map((f) => f.name)).filter((c) => fields.some((f) => f.name === c));
  const [detail, setDetail] = useState<Record<string, unknown> | null>(null);

  if (collections.error) return <ErrorBox error={collections.error} />;
  if (collections.isPending) return <p className="muted">Loading collections…</p>;
  if (list.length === 0) return <Empty>Your role cannot read any collection.</Empty>;

  const sortBy = (field: string) => {
    const cur = urlState.sort[0] ?? info?.defaultSort;
    const dir = cur?.field === field && cur.dir === 'asc' ? 'desc' : 'asc';
    push({ ...urlState, sort: [{ field, dir }], page: 1 });
  };
  const activeSort = urlState.sort[0] ?? info?.defaultSort;
  const data = results.data;
  const pages = data && data.counted ? Math.max(1, Math.ceil(data.total / data.pageSize)) : null;

  return (
    <div className="search-page">
      <form className="card search-form" onSubmit={run} data-testid="search-form">
        <div className="toolbar">
          <label>
            Collection{' '}
            <select
              aria-label="Collection"
              value={draft.collection}
              onChange={(e) => setDraft({ collection: e.target.value, text: '', where: { op: 'and', items: [] }, sort: [], page: 1, pageSize: draft.pageSize, columns: null })}
            >
              {list.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <input
            className="search-text"
            aria-label="Search words"
            placeholder={draftInfo?.keywords ? 'Words (all must match; end a word with * for a prefix)' : 'Free text is not available here: use conditions'}
            disabled={!draftInfo?.keywords}
            value={draft.text}
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
          />
          <button className="btn" type="submit">
            Search
          </button>
        </div>
        {draftInfo && <GroupEditor group={draft.where} fields={draftInfo.fields} depth={1} onChange={(where) => setDraft({ ...draft, where })} />}
      </form>

      <SavedSearches current={urlState} fields={fields} onOpen={(s) => push(s)} />

      {!params.get('q') && <Empty>Pick a collection, type words or add conditions, then press Search.</Empty>}
      <ErrorBox error={results.error} />
      {results.isFetching && <p className="muted">Searching…</p>}
      {data && info && (
        <>
          <div className="toolbar">
            <strong data-testid="result-count">
              {data.counted ? `${data.total.toLocaleString('en-US')}${data.totalCapped ? '+' : ''} records` : 'Records'}
            </strong>
            {data.countedAt && <UpdatedAgo at={data.countedAt} prefix="counted" />}
            {data.totalCapped && (
              <button className="btn small secondary" type="button" onClick={() => push({ ...urlState })} title="Counting stops at 10,000 to keep searches fast">
                (count capped)
              </button>
            )}
            <ColumnChooser fields={fields} columns={columns} onChange={(cols) => push({ ...urlState, columns: cols })} />
            <label>
              Rows{' '}
              <select aria-label="Rows per page" value={urlState.pageSize} onChange={(e) => push({ ...urlState, pageSize: Number(e.target.value), page: 1 })}>
                {[20, 50, 100, 200].map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            </label>
            {canExport && <ExportButton collection={info.key} query={toSearchInput(urlState, fields)} columns={columns} expectedRows={data.counted ? data.total : null} />}
          </div>
          {data.rows.length === 0 ? (
            <Empty>No records match.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="data" data-testid="results">
                <thead>
                  <tr>
                    {columns.map((c) => {
                      const f = fields.find((x) => x.name === c)!;
                      const sortable = f.sortable && !f.masked;
                      return (
                        <th key={c}>
                          {sortable ? (
                            <button type="button" className="th-sort" onClick={() => sortBy(c)}>
                              {f.label} {activeSort?.field === c ? (activeSort.dir === 'asc' ? '▲' : '▼') : ''}
                            </button>
                          ) : (
                            f.label
                          )}
                        </th>
                      );
                    })}
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={r.id} onClick={() => setDetail(r)} className="clickable">
                      {columns.map((c) => (
                        <td key={c}>{fmt(r[c])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="toolbar">
            <button className="btn small secondary" type="button" disabled={urlState.page <= 1} onClick={() => push({ ...urlState, page: urlState.page - 1 })}>
              ← Previous
            </button>
            <span data-testid="page-info">
              Page {urlState.page}
              {pages ? ` of ${pages}${data.totalCapped ? '+' : ''}` : ''}
            </span>
            <button className="btn small secondary" type="button" disabled={data.rows.length < data.pageSize} onClick={() => push({ ...urlState, page: urlState.page + 1 })}>
              Next →
            </button>
          </div>
        </>
      )}
      {detail && info && (
        <aside className="drawer" role="dialog" aria-label="Record detail">
          <div className="drawer-head">
            <strong>{fmt(detail[info.fields.find((f) => f.name === (info as { titleField?: string }).titleField)?.name ?? 'id']) || 'Record'}</strong>
            <button className="btn small secondary" type="button" onClick={() => setDetail(null)}>
              Close
            </button>
          </div>
          <dl>
            <dt>ID</dt>
            <dd className="mono">{String(detail.id)}</dd>
            {info.fields.map((f) => (
              <div key={f.name}>
                <dt>{f.label}</dt>
                <dd>{fmt(detail[f.name]) || <span className="muted">—</span>}</dd>
              </div>
            ))}
          </dl>
        </aside>
      )}
    </div>
  );
}

function GroupEditor({ group, fields, depth, onChange, onRemove }: { group: UiGroup; fields: FieldInfo[]; depth: number; onChange: (g: UiGroup) => void; onRemove?: () => void }) {
  const usable = fields.filter((f) => !f.masked);
  const set = (i: number, item: UiCondition | UiGroup) => onChange({ ...group, items: group.items.map((x, j) => (j === i ? item : x)) });
  const remove = (i: number) => onChange({ ...group, items: group.items.filter((_, j) => j !== i) });
  const first = usable[0];
  return (
    <div className={`cond-group depth-${depth}`} data-testid={`group-${depth}`}>
      <div className="toolbar">
        <span>Match</span>
        <select aria-label={`Group ${depth} match`} value={group.op} onChange={(e) => onChange({ ...group, op: e.target.value as 'and' | 'or' })}>
          <option value="and">all (AND)</option>
          <option value="or">any (OR)</option>
        </select>
        <span>of these conditions</span>
        {onRemove && (
          <button type="button" className="btn small secondary" onClick={onRemove}>
            Remove group
          </button>
        )}
      </div>
      {group.items.map((item, i) =>
        isUiGroup(item) ? (
          <GroupEditor key={i} group={item} fields={fields} depth={depth + 1} onChange={(g) => set(i, g)} onRemove={() => remove(i)} />
        ) : (
          <ConditionRow key={i} index={i} cond={item} fields={usable} onChange={(c) => set(i, c)} onRemove={() => remove(i)} />
        ),
      )}
      <div className="toolbar">
        <button
          type="button"
          className="btn small secondary"
          disabled={!first}
          onClick={() => onChange({ ...group, items: [...group.items, { field: first!.name, operator: first!.operators[0]!, value: '' }] })}
        >
          + Condition
        </button>
        {depth < 3 && (
          <button type="button" className="btn small secondary" onClick={() => onChange({ ...group, items: [...group.items, { op: group.op === 'and' ? 'or' : 'and', items: [] }] })}>
            + Group
          </button>
        )}
      </div>
    </div>
  );
}

function ConditionRow({ cond, fields, onChange, onRemove, index }: { cond: UiCondition; fields: FieldInfo[]; onChange: (c: UiCondition) => void; onRemove: () => void; index: number }) {
  const f = fields.find((x) => x.name === cond.field) ?? fields[0]!;
  const str = Array.isArray(cond.value) ? '' : cond.value;
  const inputType = f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text';
  let valueInput: React.ReactNode;
  if (cond.operator === 'exists') {
    valueInput = (
      <select aria-label="Value" value={str || 'true'} onChange={(e) => onChange({ ...cond, value: e.target.value })}>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  } else if (cond.operator === 'between') {
    const [a = '', b = ''] = Array.isArray(cond.value) ? cond.value : ['', ''];
    valueInput = (
      <span className="range">
        <input aria-label="From" type={inputType} value={a} onChange={(e) => onChange({ ...cond, value: [e.target.value, b] })} />
        <span>and</span>
        <input aria-label="To" type={inputType} value={b} onChange={(e) => onChange({ ...cond, value: [a, e.target.value] })} />
      </span>
    );
  } else if (f.type === 'enum' && (cond.operator === 'in' || cond.operator === 'nin')) {
    const sel = Array.isArray(cond.value) ? cond.value : cond.value ? [cond.value] : [];
    valueInput = (
      <select aria-label="Values" multiple value={sel} onChange={(e) => onChange({ ...cond, value: Array.from(e.target.selectedOptions, (o) => o.value) })}>
        {f.values?.map((v) => <option key={v}>{v}</option>)}
      </select>
    );
  } else if (f.type === 'enum' || f.type === 'boolean') {
    const opts = f.type === 'boolean' ? ['true', 'false'] : f.values ?? [];
    valueInput = (
      <select aria-label="Value" value={str} onChange={(e) => onChange({ ...cond, value: e.target.value })}>
        <option value="">— choose —</option>
        {opts.map((v) => <option key={v}>{v}</option>)}
      </select>
    );
  } else {
    const many = cond.operator === 'in' || cond.operator === 'nin';
    valueInput = (
      <input aria-label="Value" type={many ? 'text' : inputType} placeholder={many ? 'comma-separated' : f.type === 'tags' ? 'tag' : ''} value={str} onChange={(e) => onChange({ ...cond, value: e.target.value })} />
    );
  }
  return (
    <div className="toolbar cond-row" data-testid={`condition-${index}`}>
      <select
        aria-label="Field"
        value={f.name}
        onChange={(e) => {
          const nf = fields.find((x) => x.name === e.target.value)!;
          onChange({ field: nf.name, operator: nf.operators.includes(cond.operator) ? cond.operator : nf.operators[0]!, value: '' });
        }}
      >
        {fields.map((x) => (
          <option key={x.name} value={x.name}>
            {x.label}
          </option>
        ))}
      </select>
      <select aria-label="Operator" value={cond.operator} onChange={(e) => onChange({ ...cond, operator: e.target.value, value: e.target.value === 'between' ? ['', ''] : '' })}>
        {f.operators.map((o) => (
          <option key={o} value={o}>
            {OP_LABEL[o] ?? o}
          </option>
        ))}
      </select>
      {valueInput}
      <button type="button" className="btn small secondary" aria-label="Remove condition" onClick={onRemove}>
        ✕
      </button>
    </div>
  );
}

function ColumnChooser({ fields, columns, onChange }: { fields: FieldInfo[]; columns: string[]; onChange: (c: string[]) => void }) {
  return (
    <details className="column-chooser">
      <summary className="btn small secondary">Columns ({columns.length})</summary>
      <div className="column-list">
        {fields.map((f) => (
          <label key={f.name}>
            <input
              type="checkbox"
              checked={columns.includes(f.name)}
              onChange={(e) => {
                const next = e.target.checked ? fields.map((x) => x.name).filter((n) => n === f.name || columns.includes(n)) : columns.filter((c) => c !== f.name);
                if (next.length) onChange(next);
              }}
            />{' '}
            {f.label}
          </label>
        ))}
      </div>
    </details>
  );
}

function SavedSearches({ current, fields, onOpen }: { current: UiState; fields: FieldInfo[]; onOpen: (s: UiState) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const saved = useQuery(trpc.search.saved.list.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.search.saved.list.queryKey() });
  const create = useMutation(trpc.search.saved.create.mutationOptions({ onSuccess: invalidate }));
  const del = useMutation(trpc.search.saved.delete.mutationOptions({ onSuccess: invalidate }));
  const [name, setName] = useState('');
  return (
    <div className="card saved-searches">
      <div className="toolbar">
        <strong>Saved searches</strong>
        {(saved.data ?? []).map((s) => (
          <span key={s.id} className="saved-chip">
            <button
              type="button"
              className="btn small secondary"
              onClick={() => {
                const p = new URLSearchParams({ q: JSON.stringify({ ...s.query, page: 1 }) });
                if (s.columns) p.set('cols', s.columns.join(','));
                onOpen({ ...(stateFromParams(p, s.collection)) });
              }}
            >
              {s.name} <span className="muted">({s.collectionLabel})</span>
            </button>
            <button type="button" className="btn small secondary" aria-label={`Delete saved search ${s.name}`} onClick={() => del.mutate({ id: s.id })}>
              ✕
            </button>
          </span>
        ))}
        {saved.data?.length === 0 && <span className="muted">none yet</span>}
        <form
          className="toolbar inline"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name, query: { ...toSearchInput(current, fields), pageSize: current.pageSize } as never, ...(current.columns ? { columns: current.columns } : {}) },
              { onSuccess: () => setName('') },
            );
          }}
        >
          <input aria-label="Saved search name" placeholder="Name this search" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
          <button className="btn small" type="submit" disabled={!name.trim() || !current.collection}>
            Save
          </button>
        </form>
      </div>
      <ErrorBox error={saved.error ?? create.error ?? del.error} />
    </div>
  );
}
