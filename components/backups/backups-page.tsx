'use client';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';
import type { Permission } from '@/server/permissions';

const fmtBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : n < 1 << 30 ? `${(n / 1048576).toFixed(1)} MB` : `${(n / 1073741824).toFixed(2)} GB`);
const fmtNum = (n: number) => n.toLocaleString('en-US');
const fmtDate = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');
const fmtDur = (ms: number | null) => (ms == null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function BackupsPage({ permissions }: { permissions: Permission[] }) {
  const can = (p: Permission) => permissions.includes(p);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery({ ...trpc.backup.list.queryOptions({ limit: 100 }), refetchInterval: 5000 });
  const jobs = useQuery({ ...trpc.backup.jobs.queryOptions(), refetchInterval: (q) => (q.state.data?.some((j) => j.status === 'running') ? 1000 : 5000) });
  const [showCreate, setShowCreate] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);
  const [restoreId, setRestoreId] = useState<string | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.backup.pathKey() });
  const verify = useMutation(trpc.backup.verify.mutationOptions({ onSuccess: invalidate }));
  const del = useMutation(trpc.backup.delete.mutationOptions({ onSuccess: invalidate }));
  const cleanup = useMutation(trpc.backup.cleanup.mutationOptions({ onSuccess: invalidate }));
  const running = jobs.data?.filter((j) => j.status === 'running') ?? [];
  const prevRunning = useMemo(() => running.map((j) => j.id).join(','), [running]);
  useEffect(() => {
    void invalidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prevRunning]);

  return (
    <div className="backups">
      <h1>Backups</h1>
      <StatsPanel />
      <div className="toolbar">
        {can('backup.create') && (
          <button className="btn" onClick={() => setShowCreate(true)}>
            Back up now
          </button>
        )}
        {can('backup.upload') && <UploadButton onDone={invalidate} />}
        {can('backup.delete') && (
          <button className="btn secondary" onClick={() => cleanup.mutate()} disabled={cleanup.isPending}>
            Apply retention now
          </button>
        )}
        {cleanup.data && <span className="muted">Retention removed {cleanup.data.deleted.length + cleanup.data.deletedFailed} backup(s).</span>}
      </div>
      <ErrorBox error={cleanup.error ?? verify.error ?? del.error} />
      {showCreate && <CreateDialog onClose={() => setShowCreate(false)} onStarted={invalidate} />}
      <JobsPanel jobs={jobs.data ?? []} />
      <ErrorBox error={list.error} />
      {list.isPending && <p className="muted">Loading backups…</p>}
      {list.data && list.data.length === 0 && <Empty>No backups yet. {can('backup.create') ? 'Use “Back up now” to take the first one.' : ''}</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="data" data-testid="backups-table">
          <thead>
            <tr>
              <th>When</th>
              <th>By</th>
              <th>Collections</th>
              <th>Documents</th>
              <th>Size (gzip / raw)</th>
              <th>Duration</th>
              <th>Status</th>
              <th>Verified</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((b) => (
              <tr key={b.id}>
                <td>
                  {fmtDate(b.createdAt)}
                  {b.note && <div className="muted small">{b.note}</div>}
                </td>
                <td>{b.trigger === 'manual' ? b.by ?? '—' : b.trigger === 'schedule' ? 'schedule' : `${b.trigger}${b.by ? ` (${b.by})` : ''}`}</td>
                <td>{b.collections.length}</td>
                <td>{fmtNum(b.totalDocs)}</td>
                <td>
                  {fmtBytes(b.sizeBytes)} / {fmtBytes(b.rawBytes)}
                </td>
                <td>{fmtDur(b.durationMs)}</td>
                <td>
                  <span className={`badge ${b.status === 'complete' ? 'ok' : b.status === 'failed' ? 'bad' : ''}`} title={b.error ?? ''}>
                    {b.status}
                  </span>
                </td>
                <td>
                  {b.verifyStatus === 'ok' ? (
                    <span className="badge ok" title={fmtDate(b.verifiedAt)}>verified</span>
                  ) : b.verifyStatus === 'failed' ? (
                    <span className="badge bad" title={b.verifyError ?? ''}>failed</span>
                  ) : (
                    <span className="muted">not yet</span>
                  )}
                </td>
                <td className="actions">
                  <button className="btn small secondary" onClick={() => setDetail(detail === b.id ? null : b.id)}>
                    Details
                  </button>
                  {b.status === 'complete' && (
                    <>
                      {!b.holdsCredentials || can('backup.download.credentials') ? (
                        <a className="btn small secondary" href={`/api/backups/${b.id}/download`}>
                          Download
                        </a>
                      ) : (
                        <span className="muted" data-testid="download-needs-credentials" title="This backup holds operators’ password hashes or API key hashes; only a super admin (backup.download.credentials) may download it.">
                          Download: super admin only (holds credentials)
                        </span>
                      )}
                      <button className="btn small secondary" onClick={() => verify.mutate({ id: b.id })} disabled={verify.isPending}>
                        Verify
                      </button>
                      {can('backup.restore') && (
                        <button className="btn small secondary" onClick={() => setRestoreId(b.id)}>
                          Restore
                        </button>
                      )}
                    </>
                  )}
                  {can('backup.delete') && b.status !== 'running' && (
                    <button
                      className="btn small danger"
                      onClick={() => {
                        if (confirm(`Delete the backup of ${fmtDate(b.createdAt)}? The file is removed.`)) del.mutate({ id: b.id });
                      }}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail && <Details id={detail} />}
      {restoreId && <RestoreDialog id={restoreId} canReplace={can('backup.restore.replace')} onClose={() => setRestoreId(null)} />}
      <SchedulePanel canEdit={can('backup.schedule')} />
    </div>
  );
}

function StatsPanel() {
  const trpc = useTRPC();
  const s = useQuery({ ...trpc.backup.stats.queryOptions(), refetchInterval: 10_000 });
  if (s.error) return <ErrorBox error={s.error} />;
  const d = s.data;
  return (
    <div className="tiles" data-testid="backup-stats">
      <Tile label="Backups" value={d ? `${d.complete} complete${d.failed ? `, ${d.failed} failed` : ''}` : '…'} />
      <Tile label="Last success" value={d ? fmtDate(d.lastSuccess) : '…'} />
      <Tile label="Newest verified" value={d ? fmtDate(d.newestVerified) : '…'} />
      <Tile label="Next scheduled run" value={d ? (d.nextRun ? fmtDate(d.nextRun) : 'schedule off') : '…'} />
      <Tile label="Storage used" value={d ? fmtBytes(d.storageUsedBytes) : '…'} />
    </div>
  );
}
function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value small">{value}</div>
    </div>
  );
}

type Job = { id: string; kind: string; status: string; mode: string | null; error: string | null; progress: { phase: string; collection: string | null; collectionsDone: number; collectionsTotal: number; docsDone: number; docsTotal: number }; result: unknown };

function JobsPanel({ jobs }: { jobs: Job[] }) {
  if (!jobs.length) return null;
  return (
    <div className="card backup-jobs" data-testid="backup-jobs">
      <h2>Recent work</h2>
      {jobs.map((j) => {
        const pct = j.progress.docsTotal ? Math.min(100, Math.round((100 * j.progress.docsDone) / j.progress.docsTotal)) : j.status === 'succeeded' ? 100 : 0;
        return (
          <div key={j.id} className="job" data-status={j.status}>
            <div>
              <strong>
                {j.kind}
                {j.mode ? ` (${j.mode})` : ''}
              </strong>{' '}
              <span className={`badge ${j.status === 'succeeded' ? 'ok' : j.status === 'failed' ? 'bad' : ''}`}>{j.status}</span>{' '}
              <span className="muted">
                {j.progress.phase}
                {j.progress.collection ? ` · ${j.progress.collection}` : ''} · collections {j.progress.collectionsDone}/{j.progress.collectionsTotal} · documents {fmtNum(j.progress.docsDone)}
                {j.progress.docsTotal ? ` / ~${fmtNum(j.progress.docsTotal)}` : ''}
              </span>
            </div>
            <progress max={100} value={pct} />
            {j.error && <div className="form-error">{j.error}</div>}
            {j.status === 'succeeded' && j.kind === 'restore' && <RestoreResult report={j.result as RestoreReportView} />}
          </div>
        );
      })}
    </div>
  );
}

type RestoreReportView = { mode: string; safetyBackupId: string | null; collections: { collection: string; backupCount: number; inserted: number; overwritten: number; identical: number; removed: number; skipped: number; failed: number }[] };

function RestoreResult({ report }: { report: RestoreReportView | null }) {
  if (!report?.collections) return null;
  const preview = report.mode === 'preview';
  return (
    <table className="data compact" data-testid={`restore-result-${report.mode}`}>
      <thead>
        <tr>
          <th>Collection</th>
          <th>In backup</th>
          <th>{preview ? 'Would insert' : 'Inserted'}</th>
          {preview && <th>Would overwrite</th>}
          {preview && <th>Identical</th>}
          {preview && <th>Replace would remove</th>}
          {!preview && <th>Skipped</th>}
          {!preview && <th>Failed</th>}
        </tr>
      </thead>
      <tbody>
        {report.collections.map((c) => (
          <tr key={c.collection}>
            <td>{c.collection}</td>
            <td>{fmtNum(c.backupCount)}</td>
            <td>{fmtNum(c.inserted)}</td>
            {preview && <td>{fmtNum(c.overwritten)}</td>}
            {preview && <td>{fmtNum(c.identical)}</td>}
            {preview && <td>{fmtNum(c.removed)}</td>}
            {!preview && <td>{fmtNum(c.skipped)}</td>}
            {!preview && <td>{fmtNum(c.failed)}</td>}
          </tr>
        ))}
        {report.safetyBackupId && (
          <tr>
            <td colSpan={8} className="muted">
              Safety backup taken first: {report.safetyBackupId}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function CreateDialog({ onClose, onStarted }: { onClose: () => void; onStarted: () => void }) {
  const trpc = useTRPC();
  const cols = useQuery(trpc.backup.collections.queryOptions());
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const create = useMutation(
    trpc.backup.create.mutationOptions({
      onSuccess: () => {
        onStarted();
        onClose();
      },
    }),
  );
  return (
    <div className="modal" role="dialog" aria-label="Back up now">
      <div className="card form">
        <h2>Back up now</h2>
        <label className="inline">
          <input type="radio" checked={all} onChange={() => setAll(true)} /> All collections
        </label>
        <label className="inline">
          <input type="radio" checked={!all} onChange={() => setAll(false)} /> Chosen collections
        </label>
        {!all && (
          <div className="checks">
            {cols.data?.map((c) => (
              <label key={c} className="inline">
                <input type="checkbox" checked={chosen.includes(c)} onChange={(e) => setChosen(e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))} /> {c}
              </label>
            ))}
          </div>
        )}
        <label>
          Note
          <input value={note} maxLength={300} onChange={(e) => setNote(e.target.value)} placeholder="Why this backup (optional)" />
        </label>
        <ErrorBox error={create.error} />
        <div className="toolbar">
          <button className="btn" disabled={create.isPending || (!all && !chosen.length)} onClick={() => create.mutate({ collections: all ? undefined : chosen, note })}>
            Start backup
          </button>
          <button className="btn secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

function Details({ id }: { id: string }) {
  const trpc = useTRPC();
  const d = useQuery(trpc.backup.get.queryOptions({ id }));
  if (d.error) return <ErrorBox error={d.error} />;
  if (!d.data) return <p className="muted">Loading details…</p>;
  const b = d.data;
  return (
    <div className="card backup-detail" data-testid="backup-detail">
      <h2>Backup {b.id}</h2>
      <p className="muted">
        Database {b.sourceDb} · server {b.serverVersion} · SHA-256 <code>{b.sha256 ?? '—'}</code>
      </p>
      <table className="data compact">
        <thead>
          <tr>
            <th>Collection</th>
            <th>Documents</th>
            <th>Raw size</th>
            <th>CRC-64</th>
            <th>Indexes</th>
          </tr>
        </thead>
        <tbody>
          {b.collections.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{fmtNum(c.count)}</td>
              <td>{fmtBytes(c.rawBytes)}</td>
              <td>
                <code>{c.crc}</code>
              </td>
              <td className="small">
                {(b.indexes[c.name] ?? []).map((ix: { name: string; key: string; unique: boolean }) => (
                  <div key={ix.name}>
                    {ix.name} <code>{ix.key}</code>
                    {ix.unique ? ' unique' : ''}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Restore with the standard tools: <code>mongorestore --gzip --archive=FILE --nsFrom=&apos;{b.sourceDb}.*&apos; --nsTo=&apos;TARGETDB.*&apos;</code>
      </p>
    </div>
  );
}

function RestoreDialog({ id, canReplace, onClose }: { id: string; canReplace: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const b = useQuery(trpc.backup.get.queryOptions({ id }));
  const [mode, setMode] = useState<'preview' | 'merge' | 'replace'>('preview');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [confirmText, setConfirm] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const restore = useMutation(
    trpc.backup.restore.mutationOptions({
      onSuccess: (r) => {
        setJobId(r.jobId);
        void qc.invalidateQueries({ queryKey: trpc.backup.pathKey() });
      },
    }),
  );
  const job = useQuery({ ...trpc.backup.job.queryOptions({ jobId: jobId ?? '0'.repeat(24) }), enabled: !!jobId, refetchInterval: (q) => (q.state.data?.status === 'running' ? 700 : false) });
  const names = b.data?.collections.map((c) => c.name) ?? [];
  const selected = chosen ?? names;
  const needed = [...selected].sort().join(' ');
  return (
    <div className="modal" role="dialog" aria-label="Restore">
      <div className="card form restore-dialog">
        <h2>Restore backup of {fmtDate(b.data?.createdAt)}</h2>
        <ErrorBox error={b.error} />
        <fieldset>
          <legend>Collections</legend>
          <div className="checks">
            {names.map((c) => (
              <label key={c} className="inline">
                <input type="checkbox" checked={selected.includes(c)} onChange={(e) => setChosen(e.target.checked ? [...selected, c] : selected.filter((x) => x !== c))} /> {c}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Mode</legend>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'preview'} onChange={() => setMode('preview')} /> Preview — count what would change, change nothing
          </label>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => setMode('merge')} /> Merge — insert missing documents, leave existing ones
          </label>
          <label className="inline">
            <input type="radio" name="mode" disabled={!canReplace} checked={mode === 'replace'} onChange={() => setMode('replace')} /> Replace — make the collections exactly as in the backup
            {!canReplace && <span className="muted"> (super admin only)</span>}
          </label>
        </fieldset>
        {mode === 'replace' && (
          <div className="notice">
            Replace first takes a safety backup of these collections, then swaps each for the backup&apos;s version. Type the collection names to confirm: <code>{needed}</code>
            <input aria-label="Type the collection names" value={confirmText} onChange={(e) => setConfirm(e.target.value)} />
          </div>
        )}
        <ErrorBox error={restore.error} />
        <div className="toolbar">
          <button
            className={`btn ${mode === 'replace' ? 'danger' : ''}`}
            disabled={!selected.length || restore.isPending || job.data?.status === 'running' || (mode === 'replace' && confirmText.trim().split(/[\s,]+/).sort().join(' ') !== needed)}
            onClick={() => restore.mutate({ id, mode, collections: selected, confirm: mode === 'replace' ? confirmText : undefined })}
          >
            {mode === 'preview' ? 'Preview' : mode === 'merge' ? 'Merge' : 'Replace'}
          </button>
          <button className="btn secondary" onClick={onClose}>
            Close
          </button>
        </div>
        {job.data && (
          <div data-testid="restore-job">
            <p>
              <span className={`badge ${job.data.status === 'succeeded' ? 'ok' : job.data.status === 'failed' ? 'bad' : ''}`}>{job.data.status}</span> {job.data.progress.phase}
              {job.data.progress.collection ? ` · ${job.data.progress.collection}` : ''} · {fmtNum(job.data.progress.docsDone)} documents
            </p>
            {job.data.error && <div className="form-error">{job.data.error}</div>}
            {job.data.status === 'succeeded' && <RestoreResult report={job.data.result as RestoreReportView} />}
          </div>
        )}
      </div>
    </div>
  );
}

function SchedulePanel({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const s = useQuery(trpc.backup.schedule.get.queryOptions());
  const [form, setForm] = useState<{ enabled: boolean; cron: string; retentionDays: number; retentionCount: number } | null>(null);
  const save = useMutation(trpc.backup.schedule.set.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.backup.pathKey() }) }));
  useEffect(() => {
    if (s.data && !form) setForm({ enabled: s.data.enabled, cron: s.data.cron, retentionDays: s.data.retentionDays, retentionCount: s.data.retentionCount });
  }, [s.data, form]);
  return (
    <div className="card schedule" data-testid="backup-schedule">
      <h2>Schedule and retention</h2>
      <ErrorBox error={s.error} />
      {form && (
        <div className="form schedule-form">
          <label className="inline">
            <input type="checkbox" disabled={!canEdit} checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Automatic backups
          </label>
          <label>
            When (cron, UTC) — e.g. <code>0 2 * * *</code> is daily at 02:00
            <input disabled={!canEdit} value={form.cron} onChange={(e) => setForm({ ...form, cron: e.target.value })} />
          </label>
          <label>
            Keep at most (backups)
            <input type="number" min={1} max={1000} disabled={!canEdit} value={form.retentionCount} onChange={(e) => setForm({ ...form, retentionCount: Number(e.target.value) })} />
          </label>
          <label>
            Delete backups older than (days)
            <input type="number" min={1} max={3650} disabled={!canEdit} value={form.retentionDays} onChange={(e) => setForm({ ...form, retentionDays: Number(e.target.value) })} />
          </label>
          <p className="muted small">The newest verified backup is never deleted by retention. Next run: {fmtDate(save.data?.nextRun ?? s.data?.nextRun)}.</p>
          <ErrorBox error={save.error} />
          {canEdit && (
            <div>
              <button className="btn" onClick={() => save.mutate(form)} disabled={save.isPending}>
                Save schedule
              </button>
              {save.isSuccess && <span className="muted"> Saved.</span>}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function UploadButton({ onDone }: { onDone: () => void }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null; ok: string | null }>({ busy: false, error: null, ok: null });
  return (
    <label className="btn secondary upload">
      {state.busy ? 'Uploading and verifying…' : 'Upload archive'}
      <input
        type="file"
        accept=".gz,.archive,application/gzip"
        hidden
        disabled={state.busy}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          setState({ busy: true, error: null, ok: null });
          const r = await fetch('/api/backups/upload', { method: 'POST', body: f, headers: { 'content-type': 'application/gzip' } });
          const body = await r.json().catch(() => ({}));
          setState({ busy: false, error: r.ok ? null : body.error?.message ?? `Upload failed (${r.status})`, ok: r.ok ? `Uploaded and verified: ${fmtNum(body.backup.totalDocs)} documents` : null });
          e.target.value = '';
          onDone();
        }}
      />
      {state.error && <span className="form-error"> {state.error}</span>}
      {state.ok && <span className="muted"> {state.ok}</span>}
    </label>
  );
}
