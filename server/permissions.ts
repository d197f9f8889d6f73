/**
 * Roles and permissions, declared once. Imported by the server (procedure guards,
 * route handlers) and by the UI (navigation, buttons). Imports nothing server-only.
 */

export const PERMISSION_AREAS = {
  dashboard: 'Dashboard',
  data: 'Data (per collection group)',
  personal: 'Personal data',
  export: 'Export',
  quality: 'Data quality',
  backup: 'Backups',
  analytics: 'Analytics',
  access: 'Roles & admins',
  audit: 'Audit',
  content: 'Content',
  moderation: 'Moderation',
  messaging: 'Messaging',
} as const;
export type PermissionArea = keyof typeof PERMISSION_AREAS;

/** Every permission, with its area and a one-line explanation (shown in the permission matrix). */
export const PERMISSION_INFO = {
  'dashboard.view': { area: 'dashboard', label: 'See the dashboard and platform counts' },
  'data.members.read': { area: 'data', label: 'Search members and psychologists' },
  'data.bookings.read': { area: 'data', label: 'Search session bookings' },
  'data.content.read': { area: 'data', label: 'Search blogs, events and careers' },
  'data.registrations.read': { area: 'data', label: 'Search event registrations' },
  'data.community.read': { area: 'data', label: 'Search volunteers and contact messages' },
  'data.activity.read': { area: 'data', label: 'Search raw member activity events' },
  'data.personal.read': { area: 'personal', label: 'See personal fields (email, phone, notes) unmasked' },
  export: { area: 'export', label: 'Download search results as CSV / JSON' },
  'data.validate': { area: 'quality', label: 'Run data-validation checks' },
  'data.fix': { area: 'quality', label: 'Apply safe automatic data fixes' },
  'backup.read': { area: 'backup', label: 'List, inspect, verify and download backups' },
  'backup.download.credentials': { area: 'backup', label: 'Download backups holding operator password hashes or API key hashes' },
  'backup.create': { area: 'backup', label: 'Start a backup' },
  'backup.restore': { area: 'backup', label: 'Preview and merge-restore a backup' },
  'backup.restore.replace': { area: 'backup', label: 'Replace-restore collections from a backup (destructive)' },
  'backup.delete': { area: 'backup', label: 'Delete backups and run retention cleanup' },
  'backup.upload': { area: 'backup', label: 'Upload an external backup archive' },
  'backup.schedule': { area: 'backup', label: 'Change the backup schedule and retention policy' },
  'analytics.read': { area: 'analytics', label: 'See engagement and retention analytics' },
  'analytics.keys': { area: 'analytics', label: 'Create and revoke event-ingestion API keys' },
  'admins.read': { area: 'access', label: 'See operator accounts' },
  'admins.manage': { area: 'access', label: 'Create, change, deactivate operator accounts' },
  'roles.read': { area: 'access', label: 'See roles and the permission matrix' },
  'roles.manage': { area: 'access', label: 'Create, edit and delete custom roles' },
  'audit.read': { area: 'audit', label: 'Read the audit log' },
  'content.edit': { area: 'content', label: 'Edit blogs, events and careers' },
  'moderation.manage': { area: 'moderation', label: 'Handle contacts, volunteers and booking status' },
  'system.read': { area: 'dashboard', label: 'See system status and health' },
  'messaging.templates.edit': { area: 'messaging', label: 'Edit email templates, preview them and send tests to oneself' },
  'messaging.campaigns.send': { area: 'messaging', label: 'Build, schedule, pause and cancel campaigns; retry messages; manage suppressions' },
  'messaging.reports.read': { area: 'messaging', label: 'See campaign reports, the outbox and suppressions' },
  'system.maintain': { area: 'dashboard', label: 'Run maintenance jobs now (retention, pruning, index upkeep)' },
} as const satisfies Record<string, { area: PermissionArea; label: string }>;

export type Permission = keyof typeof PERMISSION_INFO;
export const PERMISSIONS = Object.keys(PERMISSION_INFO) as Permission[];

export function isPermission(p: string): p is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSION_INFO, p);
}

export const BUILTIN_ROLE_KEYS = ['super_admin', 'admin', 'content_manager', 'moderator', 'analyst', 'viewer'] as const;
export type BuiltinRole = (typeof BUILTIN_ROLE_KEYS)[number];

export function isBuiltinRole(role: string): role is BuiltinRole {
  return (BUILTIN_ROLE_KEYS as readonly string[]).includes(role);
}

const ALL_DATA_READ: Permission[] = [
  'data.members.read',
  'data.bookings.read',
  'data.content.read',
  'data.registrations.read',
  'data.community.read',
  'data.activity.read',
];

/** Which permissions each built-in role has. super_admin has every permission. */
export const BUILTIN_ROLES: Record<BuiltinRole, { label: string; description: string; permissions: readonly Permission[] }> = {
  super_admin: {
    label: 'Super admin',
    description: 'Guards the data: everything, including role management and destructive backup actions.',
    permissions: PERMISSIONS,
  },
  admin: {
    label: 'Admin',
    description: 'Runs the platform: everything except role management and destructive backup actions.',
    permissions: PERMISSIONS.filter(
      (p) =>
        ![
          'roles.manage',
          'admins.manage',
          'backup.restore.replace',
          'backup.download.credentials',
          'backup.delete',
          'backup.upload',
          'backup.schedule',
          'analytics.keys',
          'system.maintain',
        ].includes(p),
    ),
  },
  content_manager: {
    label: 'Content manager',
    description: 'Blogs, events and careers: search, export and edit them.',
    permissions: [
      'dashboard.view',
      'data.content.read',
      'data.registrations.read',
      'export',
      'content.edit',
      'messaging.templates.edit',
      'messaging.reports.read',
    ],
  },
  moderator: {
    label: 'Moderator',
    description: 'Contact messages, volunteers and booking status, with the personal data that takes.',
    permissions: [
      'dashboard.view',
      'data.community.read',
      'data.bookings.read',
      'data.members.read',
      'data.personal.read',
      'export',
      'moderation.manage',
      'messaging.reports.read',
    ],
  },
  analyst: {
    label: 'Analyst',
    description: 'Analytics plus read-only search and export, with personal data masked.',
    permissions: ['dashboard.view', ...ALL_DATA_READ, 'export', 'analytics.read', 'messaging.reports.read'],
  },
  viewer: {
    label: 'Viewer',
    description: 'Read-only dashboard and search, personal data masked, no export.',
    permissions: ['dashboard.view', ...ALL_DATA_READ],
  },
};

/** A role as resolved at request time: built-in, or custom from the `roles` collection. */
export interface ResolvedRole {
  key: string;
  label: string;
  builtin: boolean;
  permissions: readonly Permission[];
}

export function builtinRole(key: BuiltinRole): ResolvedRole {
  const r = BUILTIN_ROLES[key];
  return { key, label: r.label, builtin: true, permissions: r.permissions };
}

/**
 * The one check used everywhere. Accepts a resolved role, a permission list,
 * or a built-in role key.
 */
export function can(who: ResolvedRole | readonly Permission[] | BuiltinRole | string | null | undefined, permission: Permission): boolean {
  if (!who) return false;
  if (typeof who === 'string') return isBuiltinRole(who) && BUILTIN_ROLES[who].permissions.includes(permission);
  const perms = Array.isArray(who) ? (who as readonly Permission[]) : (who as ResolvedRole).permissions;
  return perms.includes(permission);
}

export function canAny(who: Parameters<typeof can>[0], permissions: readonly Permission[]): boolean {
  return permissions.some((p) => can(who, p));
}

/** Dashboard sections and what they need; drives the sidebar and the route guards. */
export const SECTIONS = [
  { key: 'dashboard', href: '/', label: 'Dashboard', anyOf: ['dashboard.view'] },
  { key: 'search', href: '/search', label: 'Search', anyOf: ALL_DATA_READ },
  { key: 'exports', href: '/exports', label: 'Exports', anyOf: ['export'] },
  { key: 'backups', href: '/backups', label: 'Backups', anyOf: ['backup.read'] },
  { key: 'analytics', href: '/analytics', label: 'Analytics', anyOf: ['analytics.read'] },
  { key: 'roles', href: '/roles', label: 'Roles & Admins', anyOf: ['roles.read', 'admins.read'] },
  { key: 'audit', href: '/audit', label: 'Audit log', anyOf: ['audit.read'] },
  { key: 'content', href: '/content', label: 'Content', anyOf: ['content.edit'] },
  { key: 'moderation', href: '/moderation', label: 'Moderation', anyOf: ['moderation.manage'] },
  { key: 'templates', href: '/messaging/templates', label: 'Templates', anyOf: ['messaging.templates.edit'] },
  { key: 'campaigns', href: '/messaging/campaigns', label: 'Campaigns', anyOf: ['messaging.reports.read'] },
  { key: 'outbox', href: '/messaging/outbox', label: 'Outbox', anyOf: ['messaging.reports.read'] },
  { key: 'suppressions', href: '/messaging/suppressions', label: 'Suppressions', anyOf: ['messaging.reports.read'] },
  { key: 'system', href: '/system', label: 'System', anyOf: ['system.read'] },
] as const satisfies readonly { key: string; href: string; label: string; anyOf: readonly Permission[] }[];

export type SectionKey = (typeof SECTIONS)[number]['key'];

export function visibleSections(who: Parameters<typeof can>[0]) {
  return SECTIONS.filter((s) => canAny(who, s.anyOf));
}
