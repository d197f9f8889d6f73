/** Backup domain: documents, collection getters and the collection allowlist. */
import type { Db, ObjectId } from 'mongodb';
import { COLLECTION_KEYS } from '../registry';

/** 'archive': written by the audit retention job before it removes old entries; kept by backup retention. */
export type BackupTrigger = 'manual' | 'schedule' | 'safety' | 'upload' | 'archive';
export type BackupStatus = 'running' | 'complete' | 'failed';

export interface BackupCollectionEntry {
  name: string;
  count: number;
  /** Bytes of BSON documents (uncompressed). */
  rawBytes: number;
  /** CRC-64 (Go ECMA) of the collection's documents, 16 hex digits, as in the archive's EOF block. */
  crc: string;
  /** Index definitions as canonical extended JSON (field names may contain dots). */
  indexesJson: string;
}

export interface BackupDoc {
  _id: string;
  status: BackupStatus;
  trigger: BackupTrigger;
  note: string;
  by: { id: string; email: string } | null;
  /** The database the archive's namespaces name. */
  sourceDb: string;
  file: string;
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  collections: BackupCollectionEntry[];
  totalDocs: number;
  rawBytes: number;
  sizeBytes: number;
  sha256: string | null;
  serverVersion: string;
  verifiedAt: Date | null;
  verifyStatus: 'ok' | 'failed' | null;
  verifyError: string | null;
  error: string | null;
  jobId: string | null;
}

export type JobKind = 'backup' | 'restore' | 'verify';
export interface JobDoc {
  _id: string;
  kind: JobKind;
  status: 'running' | 'succeeded' | 'failed';
  backupId: string | null;
  mode?: 'preview' | 'merge' | 'replace';
  collections: string[];
  by: { id: string; email: string } | null;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  progress: { phase: string; collection: string | null; collectionsDone: number; collectionsTotal: number; docsDone: number; docsTotal: number };
  result: unknown;
  error: string | null;
}

import type { LockDoc } from '../db/locks';
export type { LockDoc } from '../db/locks';

export interface JournalItem {
  collection: string;
  temp: string;
  expected: number;
  swapped: boolean;
}
export interface JournalDoc {
  _id: string;
  state: 'filling' | 'swapping' | 'done' | 'rolled_back';
  backupId: string;
  items: JournalItem[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ScheduleDoc {
  _id: 'schedule';
  enabled: boolean;
  cron: string;
  retentionDays: number;
  retentionCount: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export const DEFAULT_SCHEDULE: Omit<ScheduleDoc, '_id'> = {
  enabled: true,
  cron: '0 2 * * *',
  retentionDays: 30,
  retentionCount: 30,
  updatedAt: null,
  updatedBy: null,
};

export const bk = {
  backups: (db: Db) => db.collection<BackupDoc>('backups'),
  jobs: (db: Db) => db.collection<JobDoc>('backup_jobs'),
  locks: (db: Db) => db.collection<LockDoc>('backup_locks'),
  journal: (db: Db) => db.collection<JournalDoc>('backup_journal'),
  settings: (db: Db) => db.collection<ScheduleDoc>('backup_settings'),
};

export const BACKUP_INDEXES = {
  backups: [{ key: { createdAt: -1 }, name: 'created_desc' }],
  backup_jobs: [{ key: { startedAt: -1 }, name: 'started_desc' }],
};

/** App collections worth keeping, beside the registry's platform collections. Optional ones are included when present. */
export const APP_BACKUP_COLLECTIONS = [
  'admins',
  'roles',
  'audit_logs',
  'saved_searches',
  'analytics_api_keys',
  // issue 14: content revisions, moderation notes, recorded notices (replies, event cancellations)
  'content_revisions',
  'moderation_notes',
  'notices',
] as const;

/**
 * Collections holding credentials: operators' argon2 password hashes (`admins`) and the SHA-256 of the
 * event-ingestion keys (`analytics_api_keys`). Downloading an archive that holds one of them needs
 * `backup.download.credentials` (super admin only), not just `backup.read`.
 */
export const CREDENTIAL_COLLECTIONS: readonly string[] = ['admins', 'analytics_api_keys'];

export function holdsCredentials(collections: readonly { name: string }[]): boolean {
  return collections.some((c) => CREDENTIAL_COLLECTIONS.includes(c.name));
}

/** The only collections a backup may read or a restore may write. Never transient ones (locks, jobs, journal, manifest, rate limits). */
export const BACKUPABLE: readonly string[] = [...COLLECTION_KEYS, ...APP_BACKUP_COLLECTIONS];

export function isBackupable(name: string): boolean {
  return BACKUPABLE.includes(name);
}

/** Allowlisted collections that exist in this database (registry ones always, even when empty). */
export async function backupableCollections(db: Db): Promise<string[]> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  return BACKUPABLE.filter((c) => (COLLECTION_KEYS as readonly string[]).includes(c) || existing.has(c));
}

export type { ObjectId };
