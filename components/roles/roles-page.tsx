'use client';
import { useState } from 'react';
import { AdminsPanel } from '@/components/admins/admins-panel';
import { Tabs } from '@/components/ui/tabs';
import { RolesPanel } from './roles-panel';

/** The Roles & Admins section: tabs for the operator accounts and the roles / permission matrix. */
export function RolesAndAdmins({ permissions, selfId }: { permissions: string[]; selfId: string }) {
  const tabs = [
    permissions.includes('admins.read') && { key: 'admins', label: 'Admins' },
    permissions.includes('roles.read') && { key: 'roles', label: 'Roles & permissions' },
  ].filter(Boolean) as { key: 'admins' | 'roles'; label: string }[];
  const [tab, setTab] = useState(tabs[0]?.key ?? 'admins');
  const canAdmins = permissions.includes('admins.manage');
  const canRoles = permissions.includes('roles.manage');
  return (
    <div>
      <h1>Roles &amp; Admins</h1>
      {(!canAdmins || !canRoles) && (
        <div className="notice read-only-note" data-testid="roles-read-only" role="note">
          <strong>{!canAdmins && !canRoles ? 'You can look, not change.' : 'Some changes are not open to your role.'}</strong>{' '}
          {!canAdmins && (
            <>
              Creating operators, changing their role, deactivating them, resetting passwords and forcing sign-out need the permission{' '}
              <code>admins.manage</code>.{' '}
            </>
          )}
          {!canRoles && (
            <>
              Creating, editing or deleting custom roles needs <code>roles.manage</code>.{' '}
            </>
          )}
          Only super admins hold {!canAdmins && !canRoles ? 'them' : 'it'} by default: ask one to make the change, or to grant you a role that includes{' '}
          {!canAdmins && !canRoles ? 'them' : 'it'}.
        </div>
      )}
      <Tabs tabs={tabs} value={tab} onChange={(k) => setTab(k as typeof tab)} label="Roles and admins" />
      <div role="tabpanel" aria-label={tabs.find((t) => t.key === tab)?.label}>
        {tab === 'admins' && permissions.includes('admins.read') && <AdminsPanel permissions={permissions} selfId={selfId} />}
        {tab === 'roles' && permissions.includes('roles.read') && <RolesPanel permissions={permissions} />}
      </div>
    </div>
  );
}
