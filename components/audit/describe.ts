/**
 * Audit entries in plain language: "Changed the role of ana@acube.local", not `admins.setRole`.
 * Pure (unit-tested); unknown actions fall back to a readable form of the procedure name.
 */
import { targetHref as targetHrefOf } from './target-href';
export interface AuditTarget {
  type: string;
  id?: string | null;
  label?: string | null;
}

const VERBS: Record<string, string> = {
  'auth.signIn': 'Signed in',
  'auth.signOut': 'Signed out',
  'me.changePassword': 'Changed their own password',
  'admins.create': 'Created the operator',
  'admins.setRole': 'Changed the role of',
  'admins.deactivate': 'Deactivated the operator',
  'admins.reactivate': 'Reactivated the operator',
  'admins.resetPassword': 'Reset the password of',
  'admins.revokeSessions': 'Signed out every session of',
  'roles.create': 'Created the role',
  'roles.update': 'Changed the permissions of the role',
  'roles.delete': 'Deleted the role',
  'backup.create': 'Started a backup',
  'backup.scheduled': 'Ran the scheduled backup',
  'backup.verify': 'Verified',
  'backup.restore': 'Restored from',
  'backup.delete': 'Deleted',
  'backup.download': 'Downloaded',
  'backup.upload': 'Uploaded',
  'backup.cleanup': 'Applied backup retention',
  'backup.schedule.set': 'Changed the backup schedule',
  'search.saved.create': 'Saved the search',
  'search.saved.delete': 'Deleted the saved search',
  'export.download': 'Exported',
  'quality.applyFixes': 'Applied data fixes to',
  'analytics.keys.create': 'Created the analytics API key',
  'analytics.keys.revoke': 'Revoked the analytics API key',
};

const TYPE_NOUN: Record<string, string> = {
  admin: 'operator',
  role: 'role',
  backup: 'backup',
  backup_schedule: 'backup schedule',
  saved_search: 'saved search',
  collection: 'collection',
  analytics_api_key: 'API key',
};

function humanize(action: string): string {
  const words = action
    .split('.')
    .flatMap((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').split(/[\s_]+/))
    .map((w) => w.toLowerCase());
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The target as words: its label, else "backup 665f…", else nothing. */
export function targetText(t: AuditTarget | null | undefined): string {
  if (!t) return '';
  if (t.label) return t.label;
  const noun = TYPE_NOUN[t.type] ?? t.type.replace(/_/g, ' ');
  return t.id ? `${noun} ${t.id.length > 12 ? t.id.slice(0, 8) + '…' : t.id}` : noun;
}

/** One sentence for an entry, e.g. "Changed the role of ana@acube.local". */
export function describeAction(action: string, target?: AuditTarget | null): string {
  const verb = VERBS[action];
  const what = targetText(target);
  if (!verb) return what ? `${humanize(action)}: ${what}` : humanize(action);
  // Verbs that already name their object read alone.
  if (
    /^(Signed in|Signed out|Changed their own password|Applied backup retention|Changed the backup schedule|Started a backup|Ran the scheduled backup)$/.test(
      verb,
    )
  )
    return verb;
  return what ? `${verb} ${what}` : verb;
}

/** Where the target lives in the app, when it has a page. */
export function targetHref(t: AuditTarget | null | undefined): string | null {
  // the exact record when the target is one, else the page that lists it (search links in the search URL format)
  return targetHrefOf(t);
}

export type DiffLine = { path: string; kind: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Field-by-field differences between two values (objects walked; arrays compared as sets of items when scalar). */
export function diff(before: unknown, after: unknown, path = ''): DiffLine[] {
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].every((x) => !isObj(x) && !Array.isArray(x))) {
    const b = new Set(before.map(String));
    const a = new Set(after.map(String));
    const out: DiffLine[] = [];
    for (const x of a) if (!b.has(x)) out.push({ path: path || '(value)', kind: 'added', after: x });
    for (const x of b) if (!a.has(x)) out.push({ path: path || '(value)', kind: 'removed', before: x });
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === undefined) return [{ path: path || '(value)', kind: 'added', after }];
  if (after === undefined) return [{ path: path || '(value)', kind: 'removed', before }];
  return [{ path: path || '(value)', kind: 'changed', before, after }];
}
