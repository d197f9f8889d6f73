import type { RouterOutputs } from '@/components/providers/trpc';

export type BackupRow = RouterOutputs['backup']['list'][number];
export type BackupDetail = RouterOutputs['backup']['get'];
export type Job = RouterOutputs['backup']['jobs'][number];

/** The restore report a finished restore job carries in `result` (server/backup/engine.ts RestoreReport). */
export type RestoreReportView = {
  mode: string;
  safetyBackupId: string | null;
  collections: {
    collection: string;
    backupCount: number;
    inserted: number;
    overwritten: number;
    identical: number;
    removed: number;
    skipped: number;
    failed: number;
  }[];
};
