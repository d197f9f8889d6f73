'use client';
import Link from 'next/link';
import { useState } from 'react';
import { formatNumber } from '@/components/ui/format';

/** The URL of a streaming export (the same search input the table shows, without paging). */
export function exportUrl(collection: string, query: unknown, columns: string[] | null, format: string, bom: boolean): string {
  const p = new URLSearchParams({ format, q: JSON.stringify(query) });
  if (columns?.length) p.set('columns', columns.join(','));
  if (bom) p.set('bom', '1');
  return `/api/export/${encodeURIComponent(collection)}?${p.toString()}`;
}

/**
 * Starts a plain browser download of the streaming export route: the browser writes the file to disk as it
 * arrives and shows its progress in its own download bar, so the page's memory stays flat however large the
 * export (collecting it into a Blob first held 155 MB in the tab at 1M rows). The server names the file
 * (Content-Disposition) and records the export, with its outcome, on the Exports page.
 */
export function ExportButton({
  collection,
  query,
  columns,
  expectedRows,
}: {
  collection: string;
  query: unknown;
  columns: string[] | null;
  expectedRows: number | null;
}) {
  const [format, setFormat] = useState<'csv' | 'json' | 'ndjson'>('csv');
  const [bom, setBom] = useState(false);
  const [started, setStarted] = useState<{ at: number; format: string } | null>(null);

  function start() {
    const a = document.createElement('a');
    a.href = exportUrl(collection, query, columns, format, bom);
    a.download = ''; // the server's file name
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setStarted({ at: Date.now(), format });
  }

  return (
    <span className="export-box" data-testid="export-box">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
        <option value="csv">CSV</option>
        <option value="json">JSON</option>
        <option value="ndjson">NDJSON</option>
      </select>
      {format === 'csv' && (
        <label className="inline-label">
          <input type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} /> Excel (BOM)
        </label>
      )}
      <button className="btn small" type="button" onClick={start}>
        Export
      </button>
      {started && (
        <span className="export-progress muted small" role="status" data-testid="export-status">
          Download started ({started.format.toUpperCase()}
          {expectedRows !== null ? `, ${formatNumber(expectedRows)} rows` : ''}): your browser saves it as it arrives and shows the progress. Its outcome is
          listed under <Link href="/exports">Exports</Link>.
        </span>
      )}
    </span>
  );
}
