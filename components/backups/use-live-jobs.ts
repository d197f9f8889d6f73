'use client';
/**
 * Live job progress for the Backups page (replaces its 1 s polling): each `job` event from the live
 * subscription is merged into the cached job list and the cached single job; a job that ends refetches
 * the backup queries (list, stats, the job's result). Polling stays only as the fallback while the
 * subscription is down (usePollingFallback).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { useLive } from '@/components/live/live-provider';
import type { Job } from './types';

export function useLiveJobs(): void {
  const trpc = useTRPC();
  const qc = useQueryClient();
  useLive((ev) => {
    if (ev.type !== 'job') return;
    const live = ev.data as Omit<Job, 'result'> & { result?: Job['result'] };
    if (typeof live.id !== 'string') return;
    const listKey = trpc.backup.jobs.queryKey();
    qc.setQueryData(listKey, (old: Job[] | undefined) => {
      const merged = { ...(old?.find((j) => j.id === live.id) ?? { result: null }), ...live } as Job;
      const rest = (old ?? []).filter((j) => j.id !== live.id);
      return [merged, ...rest].sort((a, b) => new Date(b.startedAt).getTime() - new Date(a.startedAt).getTime()).slice(0, 10);
    });
    const oneKey = trpc.backup.job.queryKey({ jobId: live.id });
    if (qc.getQueryData(oneKey)) qc.setQueryData(oneKey, (old: Job | undefined) => (old ? ({ ...old, ...live } as Job) : old));
    if (live.status !== 'running') void qc.invalidateQueries({ queryKey: trpc.backup.pathKey() });
  });
}
