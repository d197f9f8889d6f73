'use client';
import { useState } from 'react';
import { AdminsPanel } from '@/components/admins/admins-panel';
import { RolesPanel } from './roles-panel';

/** The Roles & Admins section: tabs for the operator accounts and the roles / permission matrix. */
export function RolesAndAdmins({ permissions, selfId }: { permissions: string[]; selfId: string }) {
  const tabs = [
    permissions.includes('admins.read') && { key: 'admins', label: 'Admins' },
    permissions.includes('roles.read') && { key: 'roles', label: 'Roles & permissions' },
  ].filter(Boolean) as { key: 'admins' | 'roles'; label: string }[];
  const [tab, setTab] = useState(tabs[0]?.key ?? 'admins');
  return (
    <div>
      <h1>Roles &amp; Admins</h1>
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t.key} role="tab" aria-selected={tab === t.key} className={tab === t.key ? 'tab active' : 'tab'} onClick={() => setTab(t.key)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'admins' && permissions.includes('admins.read') && <AdminsPanel permissions={permissions} selfId={selfId} />}
      {tab === 'roles' && permissions.includes('roles.read') && <RolesPanel permissions={permissions} />}
    </div>
  );
}
