'use client';
import { useRef, useState } from 'react';

/** The URL of a streaming export (the same search input the table shows, without paging). */
export function exportUrl(collection: string, query: unknown, columns: string[] | null, format: string, bom: boolean): string {
  const p = new URLSearchParams({ format, q: JSON.stringify(query) });
  if (columns?.length) p.set('columns', columns.join(','));
  if (bom) p.set('bom', '1');
  return `/api/export/${encodeURIComponent(collection)}?${p.toString()}`;
}

type Progress = { bytes: number; lines: number; started: number; done: boolean; error?: string; file?: string };

/**
 * Downloads an export while it is produced, showing progress (bytes and rows received so
 * far against the expected row count), and saves it under the server's file name.
 */
export function ExportButton({ collection, query, columns, expectedRows }: { collection: string; query: unknown; columns: string[] | null; expectedRows: number | null }) {
  const [format, setFormat] = useState<'csv' | 'json' | 'ndjson'>('csv');
  const [bom, setBom] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function start() {
    const ac = new AbortController();
    abort.current = ac;
    const p: Progress = { bytes: 0, lines: 0, started: Date.now(), done: false };
    setProgress({ ...p });
    try {
      const res = await fetch(exportUrl(collection, query, columns, format, bom), { signal: ac.signal });
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => null);
        throw new Error(body?.error?.message ?? `Export failed (HTTP ${res.status}).`);
      }
      const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `${collection}.${format}`;
      const reader = res.body.getReader();
      const parts: Uint8Array[] = [];
      let last = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        p.bytes += value.byteLength;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) p.lines++;
        if (Date.now() - last > 150) {
          last = Date.now();
          setProgress({ ...p });
        }
      }
      const blob = new Blob(parts as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' });
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = file;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      setProgress({ ...p, done: true, file });
    } catch (e) {
      setProgress({ ...p, done: true, error: ac.signal.aborted ? 'Export cancelled.' : (e as Error).message });
    } finally {
      abort.current = null;
    }
  }

  const running = progress && !progress.done;
  // CSV: header line; JSON: opening line. Rows are counted by line breaks (a close estimate for CSV with multi-line cells).
  const rows = progress ? Math.max(0, progress.lines - (format === 'ndjson' ? 0 : 1)) : 0;
  const pct = expectedRows && expectedRows > 0 ? Math.min(100, Math.round((rows / expectedRows) * 100)) : null;
  return (
    <span className="export-box" data-testid="export-box">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)} disabled={!!running}>
        <option value="csv">CSV</option>
        <option value="json">JSON</option>
        <option value="ndjson">NDJSON</option>
      </select>
      {format === 'csv' && (
        <label className="inline-label">
          <input type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} /> Excel (BOM)
        </label>
      )}
      {running ? (
        <button className="btn small danger" type="button" onClick={() => abort.current?.abort()}>
          Cancel export
        </button>
      ) : (
        <button className="btn small" type="button" onClick={start}>
          Export
        </button>
      )}
      {progress && (
        <span className="export-progress" role="status" data-testid="export-status">
          {pct !== null && !progress.error && <progress max={100} value={progress.done ? 100 : pct} />}{' '}
          {progress.error
            ? progress.error
            : `${progress.done ? 'Saved' : 'Receiving'} ${rows.toLocaleString('en-US')} rows, ${(progress.bytes / 1024).toFixed(0)} KB${progress.done && progress.file ? ` as ${progress.file}` : ''}`}
        </span>
      )}
    </span>
  );
}
