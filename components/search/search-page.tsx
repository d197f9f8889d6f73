'use client';
import { skipToken, useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { Time } from '@/components/ui/time';
import { formatNumber } from '@/components/ui/format';
import { ExportButton } from '@/components/export/export-button';
import { GroupEditor } from './condition-editor';
import { RecordDrawer } from './record-drawer';
import { ResultsTable } from './results-table';
import { SavedSearches } from './saved-searches';
import { stateFromParams, stateToParams, toSearchInput, type OpenRef, type UiState } from './query-state';
import type { FieldInfo, Info } from './types';

/** What a condition may name: the record id, the collection's fields, and fields through its relations. */
const ID_INFO = { name: '_id', label: 'ID', type: 'objectId', operators: ['eq', 'ne', 'in', 'nin'], masked: false } as FieldInfo;
const filterFields = (info: Info | undefined): FieldInfo[] => (info ? [...info.fields, ...info.relationFields, ID_INFO] : []);

/** Search: the query form, saved searches, results and the record drawer. The URL holds the whole query. */
export function SearchPage({ canExport }: { canExport: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const collections = useQuery(trpc.search.collections.queryOptions());
  const list = useMemo(() => collections.data ?? [], [collections.data]);
  const fallback = list[0]?.key ?? '';
  const urlState = useMemo(() => stateFromParams(new URLSearchParams(params.toString()), fallback), [params, fallback]);
  const [draft, setDraft] = useState<UiState>(urlState);
  useEffect(() => setDraft(urlState), [urlState]);

  const info = list.find((c) => c.key === urlState.collection);
  const draftInfo = list.find((c) => c.key === draft.collection);
  const fields = info?.fields ?? [];
  const condFields = filterFields(info);
  const input = info ? { ...toSearchInput(urlState, condFields), page: urlState.page, pageSize: urlState.pageSize } : null;
  const results = useQuery(trpc.search.query.queryOptions(input && params.get('q') ? (input as never) : skipToken));

  const hrefOf = (s: UiState) => `${pathname}?${stateToParams(s, filterFields(list.find((c) => c.key === s.collection))).toString()}`;
  const push = (s: UiState) => router.push(hrefOf(s));
  const run = (e?: React.FormEvent) => {
    e?.preventDefault();
    push({ ...draft, page: 1, open: null });
  };
  // The drawer's record is in the URL: opening one is a history entry (Back closes it or returns to the record before).
  const openHref = (open: OpenRef) => hrefOf({ ...urlState, open });
  const closeDrawer = () => router.replace(hrefOf({ ...urlState, open: null }), { scroll: false });
  const columns = (urlState.columns ?? fields.map((f) => f.name)).filter((c) => fields.some((f) => f.name === c));

  if (collections.error) return <ErrorBox error={collections.error} />;
  if (collections.isPending) return <Skeleton lines={4} label="Loading collections…" />;
  if (list.length === 0) return <Empty>Your role cannot read any collection.</Empty>;

  const activeSort = urlState.sort[0] ?? info?.defaultSort;
  const data = results.data;
  // Rows of another collection never sit under this collection's headers.
  const dataMatches = data && info && !results.isPlaceholderData;

  return (
    <div className="search-page">
      <form className="card search-form" onSubmit={run} data-testid="search-form">
        <div className="toolbar">
          <label>
            Collection{' '}
            <select
              aria-label="Collection"
              value={draft.collection}
              onChange={(e) =>
                setDraft({
                  collection: e.target.value,
                  text: '',
                  where: { op: 'and', items: [] },
                  sort: [],
                  page: 1,
                  pageSize: draft.pageSize,
                  columns: null,
                  open: null,
                })
              }
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
        {draftInfo && <GroupEditor group={draft.where} fields={filterFields(draftInfo)} depth={1} onChange={(where) => setDraft({ ...draft, where })} />}
      </form>

      <SavedSearches current={urlState} fields={condFields} onOpen={(s) => push(s)} />

      {!params.get('q') && <Empty>Pick a collection, type words or add conditions, then press Search.</Empty>}
      <ErrorBox error={results.error} />
      {results.isFetching && !data && <Skeleton lines={6} label="Searching…" />}
      {dataMatches && (
        <>
          <div className="toolbar">
            <strong data-testid="result-count">{data.counted ? `${formatNumber(data.total)}${data.totalCapped ? '+' : ''} records` : 'Records'}</strong>
            {data.countedAt && (
              <span className="muted small">
                <Time value={data.countedAt} prefix="counted" />
              </span>
            )}
            {data.totalCapped && (
              <button
                className="btn small secondary"
                type="button"
                onClick={() => push({ ...urlState })}
                title="Counting stops at 10,000 to keep searches fast"
              >
                (count capped)
              </button>
            )}
            {results.isFetching && (
              <span className="muted small" role="status">
                Searching…
              </span>
            )}
            <label>
              Rows{' '}
              <select aria-label="Rows per page" value={urlState.pageSize} onChange={(e) => push({ ...urlState, pageSize: Number(e.target.value), page: 1 })}>
                {[20, 50, 100, 200].map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            </label>
            {canExport && (
              <ExportButton
                collection={info.key}
                query={toSearchInput(urlState, condFields)}
                columns={columns}
                expectedRows={data.counted ? data.total : null}
              />
            )}
          </div>
          <ResultsTable
            data={data}
            fields={fields}
            columns={columns}
            sort={activeSort}
            stale={results.isFetching}
            onSort={(field, dir) => push({ ...urlState, sort: [{ field, dir }], page: 1 })}
            onColumns={(cols) => push({ ...urlState, columns: cols })}
            onOpen={(row) => router.push(openHref({ collection: info.key, id: String(row.id) }), { scroll: false })}
            openHref={openHref}
            page={urlState.page}
            onPage={(page) => push({ ...urlState, page })}
          />
        </>
      )}
      <RecordDrawer open={urlState.open ?? null} infos={list} onClose={closeDrawer} openHref={openHref} />
    </div>
  );
}
