'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { Empty, ErrorBox } from './states';

export interface Column<Row> {
  key: string;
  header: ReactNode;
  /** Cell content; default: String(row[key]). */
  cell?: (row: Row) => ReactNode;
  align?: 'left' | 'right';
  sortable?: boolean;
  /** Offered in the column chooser (default true when the chooser is on). */
  hideable?: boolean;
  /** Hidden until chosen. */
  defaultHidden?: boolean;
  /** Text for the column chooser when the header is not a string. */
  label?: string;
  className?: string;
  /** Let the cell wrap instead of truncating with an ellipsis. */
  wrap?: boolean;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

export interface DataTableProps<Row> {
  columns: Column<Row>[];
  rows: Row[] | undefined;
  rowKey: (row: Row) => string;
  loading?: boolean;
  error?: { message: string } | null;
  empty?: ReactNode;
  /** Rows become keyboard-openable (Enter/Space) and clickable. */
  onRowOpen?: (row: Row) => void;
  /** Rows open this URL; the first cell is a real link (middle-click, copy link). */
  rowHref?: (row: Row) => string;
  sort?: SortState;
  onSortChange?: (s: SortState) => void;
  selection?: { selected: Set<string>; onChange: (next: Set<string>) => void };
  /** Accessible name of the table (and its scroll region). */
  caption?: string;
  columnChooser?: boolean;
  /** Controlled hidden columns (else kept in the component). */
  hidden?: string[];
  onHiddenChange?: (hidden: string[]) => void;
  testId?: string;
  compact?: boolean;
  /** Dims the rows while newer data loads (rows kept on screen). */
  stale?: boolean;
  rowClassName?: (row: Row) => string | undefined;
  /** data-* attributes of a row (tests, styling): { action: 'x' } → data-action="x". */
  rowData?: (row: Row) => Record<string, string>;
  /** Rendered under the table inside the box (e.g. "Load more"). */
  footer?: ReactNode;
  skeletonRows?: number;
}

function defaultCell<Row>(row: Row, key: string): ReactNode {
  const v = (row as Record<string, unknown>)[key];
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const isInteractive = (el: EventTarget | null) =>
  el instanceof HTMLElement && !!el.closest('a, button, input, select, textarea, label, summary, [role="button"]');

/**
 * The one table: its own scroll box (pages never scroll sideways), sticky header, sortable headers as buttons with
 * aria-sort, rows that open by mouse and keyboard, a column chooser, selection for bulk actions, and loading
 * (skeleton rows), empty and error states.
 */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const {
    columns,
    rows,
    rowKey,
    loading,
    error,
    empty,
    onRowOpen,
    rowHref,
    sort,
    onSortChange,
    selection,
    caption,
    columnChooser,
    testId,
    compact,
    stale,
    rowClassName,
    rowData,
    footer,
  } = props;
  const router = useRouter();
  const [ownHidden, setOwnHidden] = useState<string[]>(() => columns.filter((c) => c.defaultHidden).map((c) => c.key));
  const hidden = props.hidden ?? ownHidden;
  const setHidden = props.onHiddenChange ?? setOwnHidden;
  const visible = useMemo(() => columns.filter((c) => !hidden.includes(c.key)), [columns, hidden]);
  const openable = !!(onRowOpen || rowHref);

  const open = (row: Row) => {
    if (onRowOpen) onRowOpen(row);
    else if (rowHref) router.push(rowHref(row));
  };
  const onRowClick = (e: MouseEvent<HTMLTableRowElement>, row: Row) => {
    if (!openable || isInteractive(e.target)) return;
    if (window.getSelection()?.toString()) return; // selecting text is not a click
    open(row);
  };
  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, row: Row) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(row);
    }
  };

  const keys = rows?.map(rowKey) ?? [];
  const selectedHere = selection ? keys.filter((k) => selection.selected.has(k)).length : 0;
  const allRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = selectedHere > 0 && selectedHere < keys.length;
  }, [selectedHere, keys.length]);

  const colCount = visible.length + (selection ? 1 : 0);
  const showSkeleton = loading && !rows;

  return (
    <div className={`dt ${compact ? 'compact' : ''}`} data-testid={testId}>
      {columnChooser ? (
        <div className="dt-tools">
          <details className="column-chooser">
            <summary className="btn secondary small">
              Columns ({visible.length}/{columns.length})
            </summary>
            <div className="column-list" role="group" aria-label="Visible columns">
              {columns
                .filter((c) => c.hideable !== false)
                .map((c) => (
                  <label key={c.key}>
                    <input
                      type="checkbox"
                      checked={!hidden.includes(c.key)}
                      onChange={(e) => setHidden(e.target.checked ? hidden.filter((h) => h !== c.key) : [...hidden, c.key])}
                    />{' '}
                    {c.label ?? (typeof c.header === 'string' ? c.header : c.key)}
                  </label>
                ))}
            </div>
          </details>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      <div className="dt-scroll" role="region" aria-label={caption ?? 'Table'} tabIndex={0}>
        <table className={`data ${compact ? 'compact' : ''}`} aria-busy={loading || undefined}>
          {caption ? <caption className="visually-hidden">{caption}</caption> : null}
          <thead>
            <tr>
              {selection ? (
                <th className="dt-check" scope="col">
                  <input
                    ref={allRef}
                    type="checkbox"
                    aria-label="Select all rows on this page"
                    checked={keys.length > 0 && selectedHere === keys.length}
                    onChange={(e) => {
                      const next = new Set(selection.selected);
                      keys.forEach((k) => (e.target.checked ? next.add(k) : next.delete(k)));
                      selection.onChange(next);
                    }}
                  />
                </th>
              ) : null}
              {visible.map((c) => {
                const active = sort?.key === c.key;
                const ariaSort = active ? (sort!.dir === 'asc' ? 'ascending' : 'descending') : c.sortable ? 'none' : undefined;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={ariaSort}
                    className={[c.align === 'right' ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined}
                  >
                    {c.sortable && onSortChange ? (
                      <button
                        type="button"
                        className="th-sort"
                        data-sort-key={c.key}
                        onClick={() => onSortChange({ key: c.key, dir: active && sort!.dir === 'asc' ? 'desc' : 'asc' })}
                      >
                        {c.header}
                        <span aria-hidden="true" className="sort-mark">
                          {active ? (sort!.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
                        </span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className={stale ? 'stale' : undefined}>
            {showSkeleton
              ? Array.from({ length: props.skeletonRows ?? 5 }, (_, i) => (
                  <tr key={`sk${i}`} aria-hidden="true" className="skeleton-row">
                    {Array.from({ length: colCount }, (_, j) => (
                      <td key={j}>
                        <span className="skeleton-line" />
                      </td>
                    ))}
                  </tr>
                ))
              : rows?.map((row) => {
                  const k = rowKey(row);
                  const href = rowHref?.(row);
                  return (
                    <tr
                      key={k}
                      className={[openable ? 'clickable' : '', rowClassName?.(row) ?? ''].join(' ').trim() || undefined}
                      tabIndex={openable ? 0 : undefined}
                      onClick={openable ? (e) => onRowClick(e, row) : undefined}
                      onKeyDown={openable ? (e) => onRowKey(e, row) : undefined}
                      aria-selected={selection ? selection.selected.has(k) : undefined}
                      data-row-key={k}
                      {...Object.fromEntries(Object.entries(rowData?.(row) ?? {}).map(([a, v]) => [`data-${a}`, v]))}
                    >
                      {selection ? (
                        <td className="dt-check">
                          <input
                            type="checkbox"
                            aria-label={`Select row ${k}`}
                            checked={selection.selected.has(k)}
                            onChange={(e) => {
                              const next = new Set(selection.selected);
                              if (e.target.checked) next.add(k);
                              else next.delete(k);
                              selection.onChange(next);
                            }}
                          />
                        </td>
                      ) : null}
                      {visible.map((c, i) => {
                        const content = c.cell ? c.cell(row) : defaultCell(row, c.key);
                        return (
                          <td key={c.key} className={[c.align === 'right' ? 'num' : '', c.wrap ? 'wrap' : '', c.className ?? ''].join(' ').trim() || undefined}>
                            {i === 0 && href ? (
                              <Link href={href} className="row-link" tabIndex={-1}>
                                {content}
                              </Link>
                            ) : (
                              content
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
          </tbody>
        </table>
        {!loading && !error && rows && rows.length === 0 ? <Empty>{empty ?? 'Nothing to show.'}</Empty> : null}
        {footer}
      </div>
    </div>
  );
}
