'use client';
import { useState } from 'react';
import { formatNumber } from '@/components/ui/format';

export function UploadButton({ onDone }: { onDone: () => void }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null; ok: string | null }>({ busy: false, error: null, ok: null });
  return (
    <label className="btn secondary upload">
      {state.busy ? 'Uploading and verifying…' : 'Upload archive'}
      <input
        type="file"
        accept=".gz,.archive,application/gzip"
        className="visually-hidden"
        disabled={state.busy}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          setState({ busy: true, error: null, ok: null });
          const r = await fetch('/api/backups/upload', { method: 'POST', body: f, headers: { 'content-type': 'application/gzip' } });
          const body = await r.json().catch(() => ({}));
          setState({
            busy: false,
            error: r.ok ? null : (body.error?.message ?? `Upload failed (${r.status})`),
            ok: r.ok ? `Uploaded and verified: ${formatNumber(body.backup.totalDocs)} documents` : null,
          });
          e.target.value = '';
          onDone();
        }}
      />
      {state.error && <span className="form-error"> {state.error}</span>}
      {state.ok && <span className="muted"> {state.ok}</span>}
    </label>
  );
}
