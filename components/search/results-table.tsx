'use client';
import { DataTable, type Column } from '@/components/ui/data-table';
import { formatNumber } from '@/components/ui/format';
import { cellText } from './cell-text';
import type { OpenRef } from './query-state';
import { RelationCell } from './relation-cell';
import type { FieldInfo, ResultRow, SearchResult } from './types';

/** One page of results: sortable headers, column chooser, rows that open the drawer, and the pager. */
export function ResultsTable({
  data,
  fields,
  columns,
  sort,
  stale,
  onSort,
  onColumns,
  onOpen,
  page,
  onPage,
  openHref,
}: {
  data: SearchResult;
  fields: FieldInfo[];
  columns: string[];
  sort: { field: string; dir: 'asc' | 'desc' } | undefined;
  stale?: boolean;
  onSort: (field: string, dir: 'asc' | 'desc') => void;
  onColumns: (cols: string[]) => void;
  onOpen: (row: ResultRow) => void;
  page: number;
  onPage: (p: number) => void;
  /** The URL that opens a related record in the drawer. */
  openHref: (r: OpenRef) => string;
}) {
  // Column order follows the registry; `columns` says which are shown.
  const cols: Column<ResultRow>[] = fields.map((f) => ({
    key: f.name,
    header: f.label,
    label: f.label,
    sortable: !!f.sortable && !f.masked,
    align: f.type === 'number' ? 'right' : 'left',
    cell: (r) =>
      f.relation ? (
        <RelationCell
          id={r[f.name]}
          refValue={data.related[f.name]?.[String(r[f.name])]}
          href={openHref({ collection: f.relation.target, id: String(r[f.name]) })}
        />
      ) : f.type === 'number' && typeof r[f.name] === 'number' ? (
        formatNumber(r[f.name] as number)
      ) : (
        cellText(r[f.name])
      ),
  }));
  const hidden = fields.map((f) => f.name).filter((n) => !columns.includes(n));
  const pages = data.counted ? Math.max(1, Math.ceil(data.total / data.pageSize)) : null;
  return (
    <>
      <DataTable<ResultRow>
        testId="results"
        caption="Search results"
        columns={cols}
        rows={data.rows}
        rowKey={(r) => String(r.id)}
        onRowOpen={onOpen}
        sort={sort ? { key: sort.field, dir: sort.dir } : undefined}
        onSortChange={(s) => onSort(s.key, s.dir)}
        columnChooser
        hidden={hidden}
        onHiddenChange={(h) => {
          const next = fields.map((f) => f.name).filter((n) => !h.includes(n));
          if (next.length) onColumns(next);
        }}
        stale={stale}
        empty="No records match."
      />
      <div className="toolbar">
        <button className="btn small secondary" type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          ← Previous
        </button>
        <span data-testid="page-info">
          Page {page}
          {pages ? ` of ${formatNumber(pages)}${data.totalCapped ? '+' : ''}` : ''}
        </span>
        <button className="btn small secondary" type="button" disabled={data.rows.length < data.pageSize} onClick={() => onPage(page + 1)}>
          Next →
        </button>
      </div>
    </>
  );
}
