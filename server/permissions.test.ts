import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, BUILTIN_ROLE_KEYS, PERMISSIONS, PERMISSION_INFO, PERMISSION_AREAS, can, visibleSections, isPermission } from './permissions';

describe('permissions table', () => {
  it('super_admin has every permission', () => {
    for (const p of PERMISSIONS) expect(can('super_admin', p)).toBe(true);
  });

  it('admin has everything except role management and destructive backup actions', () => {
    for (const p of ['roles.manage', 'admins.manage', 'backup.restore.replace', 'backup.delete', 'backup.upload'] as const) {
      expect(can('admin', p)).toBe(false);
    }
    for (const p of ['backup.create', 'backup.read', 'backup.restore', 'export', 'audit.read', 'analytics.read', 'data.personal.read'] as const) {
      expect(can('admin', p)).toBe(true);
    }
  });

  it('content_manager reads and edits content only', () => {
    expect(can('content_manager', 'data.content.read')).toBe(true);
    expect(can('content_manager', 'content.edit')).toBe(true);
    expect(can('content_manager', 'data.members.read')).toBe(false);
    expect(can('content_manager', 'moderation.manage')).toBe(false);
  });

  it('moderator handles community data with personal fields', () => {
    expect(can('moderator', 'data.community.read')).toBe(true);
    expect(can('moderator', 'moderation.manage')).toBe(true);
    expect(can('moderator', 'data.personal.read')).toBe(true);
    expect(can('moderator', 'analytics.read')).toBe(false);
  });

  it('analyst reads analytics and data without personal fields', () => {
    expect(can('analyst', 'analytics.read')).toBe(true);
    expect(can('analyst', 'data.members.read')).toBe(true);
    expect(can('analyst', 'data.personal.read')).toBe(false);
    expect(can('analyst', 'content.edit')).toBe(false);
  });

  it('viewer is read-only: no export, no personal data, no mutations', () => {
    expect(can('viewer', 'export')).toBe(false);
    expect(can('viewer', 'data.personal.read')).toBe(false);
    expect(can('viewer', 'dashboard.view')).toBe(true);
    const writes = PERMISSIONS.filter((p) => !p.endsWith('.read') && p !== 'dashboard.view');
    for (const p of writes) expect(can('viewer', p)).toBe(false);
  });

  it('every permission has an area and a label; every role lists only known permissions', () => {
    for (const p of PERMISSIONS) {
      expect(PERMISSION_AREAS[PERMISSION_INFO[p].area]).toBeTruthy();
      expect(PERMISSION_INFO[p].label.length).toBeGreaterThan(5);
    }
    for (const r of BUILTIN_ROLE_KEYS) for (const p of BUILTIN_ROLES[r].permissions) expect(isPermission(p)).toBe(true);
  });

  it('unknown roles and empty identities have no permission', () => {
    expect(can('root', 'dashboard.view')).toBe(false);
    expect(can(null, 'dashboard.view')).toBe(false);
    expect(can([], 'dashboard.view')).toBe(false);
    expect(can(['export'], 'export')).toBe(true);
  });

  it('sidebars differ by role', () => {
    const keys = (r: string) => visibleSections(r).map((s) => s.key);
    const messaging = ['templates', 'campaigns', 'outbox', 'suppressions'];
    expect(keys('super_admin')).toEqual([
      'dashboard',
      'search',
      'exports',
      'backups',
      'analytics',
      'roles',
      'audit',
      'content',
      'moderation',
      ...messaging,
      'system',
    ]);
    expect(keys('viewer')).toEqual(['dashboard', 'search']);
    expect(keys('analyst')).toEqual(['dashboard', 'search', 'exports', 'analytics', 'campaigns', 'outbox', 'suppressions']);
    expect(keys('content_manager')).toEqual(['dashboard', 'search', 'exports', 'content', ...messaging]);
    expect(keys('moderator')).toEqual(['dashboard', 'search', 'exports', 'moderation', 'campaigns', 'outbox', 'suppressions']);
  });
});
