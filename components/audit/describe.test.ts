import { describe, expect, it } from 'vitest';
import { describeAction, diff, targetHref } from './describe';

describe('audit entries in plain language', () => {
  it('describes known actions with their target', () => {
    expect(describeAction('admins.setRole', { type: 'admin', id: 'a1', label: 'ana@acube.local' })).toBe('Changed the role of ana@acube.local');
    expect(describeAction('backup.restore', { type: 'backup', id: 'b1', label: 'backup of 2026-11-30 10:41 UTC' })).toBe(
      'Restored from backup of 2026-11-30 10:41 UTC',
    );
    expect(describeAction('auth.signIn', null)).toBe('Signed in');
    expect(describeAction('backup.delete', { type: 'backup', id: '665f00aa11bb22cc33dd44ee' })).toBe('Deleted backup 665f00aa…');
  });
  it('falls back to a readable form for unknown actions', () => {
    expect(describeAction('quality.somethingNew', { type: 'collection', id: 'users' })).toBe('Quality something new: collection users');
  });
  it('links targets to their page', () => {
    // a collection opens its search (search URL format); a record target opens that record
    expect(targetHref({ type: 'collection', id: 'users' })).toMatch(/^\/search\?q=%7B%22collection%22%3A%22users%22/);
    expect(targetHref({ type: 'contacts', id: 'a'.repeat(24) })).toContain('open=contacts%3A' + 'a'.repeat(24));
    expect(targetHref({ type: 'backup', id: 'x' })).toBe('/backups');
    expect(targetHref({ type: 'unknown' })).toBeNull();
  });
  it('diffs before and after field by field', () => {
    expect(diff({ role: 'viewer', name: 'A' }, { role: 'analyst', name: 'A' })).toEqual([
      { path: 'role', kind: 'changed', before: 'viewer', after: 'analyst' },
    ]);
    expect(diff({ permissions: ['a', 'b'] }, { permissions: ['b', 'c'] })).toEqual([
      { path: 'permissions', kind: 'added', after: 'c' },
      { path: 'permissions', kind: 'removed', before: 'a' },
    ]);
    expect(diff({ cron: '0 2 * * *' }, { cron: '0 2 * * *', enabled: true })).toEqual([{ path: 'enabled', kind: 'added', after: true }]);
    expect(diff(null, null)).toEqual([]);
  });
});
