'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { formatDate } from '@/components/ui/format';
import { ErrorBox } from '@/components/ui/states';

export function SchedulePanel({ canEdit }: { canEdit: boolean }) {
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
            <input type="checkbox" disabled={!canEdit} checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Automatic
            backups
          </label>
          <label>
            When (cron, UTC) — e.g. <code>0 2 * * *</code> is daily at 02:00
            <input disabled={!canEdit} value={form.cron} onChange={(e) => setForm({ ...form, cron: e.target.value })} />
          </label>
          <label>
            Keep at most (backups)
            <input
              type="number"
              min={1}
              max={1000}
              disabled={!canEdit}
              value={form.retentionCount}
              onChange={(e) => setForm({ ...form, retentionCount: Number(e.target.value) })}
            />
          </label>
          <label>
            Delete backups older than (days)
            <input
              type="number"
              min={1}
              max={3650}
              disabled={!canEdit}
              value={form.retentionDays}
              onChange={(e) => setForm({ ...form, retentionDays: Number(e.target.value) })}
            />
          </label>
          <p className="muted small">
            The newest verified backup is never deleted by retention. Next run: {formatDate(save.data?.nextRun ?? s.data?.nextRun)}.
          </p>
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
