/** Moved to server/db/locks.ts (the lock is not the backup's own); kept as a re-export for older imports. */
export * from '../db/locks';
