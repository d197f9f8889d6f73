'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';
import type { ReactNode } from 'react';

export interface ShellProps {
  user: { name: string; email: string; roleLabel: string };
  sections: { key: string; href: string; label: string }[];
  children: ReactNode;
}

export function Shell({ user, sections, children }: ShellProps) {
  const pathname = usePathname();
  const active = (href: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(href + '/'));
  return (
    <div className="shell">
      <aside className="sidebar" aria-label="Sections">
        <div className="brand">
          A-Cube <span>Admin</span>
        </div>
        <nav>
          <ul data-testid="sidebar">
            {sections.map((s) => (
              <li key={s.key}>
                <Link href={s.href} className={active(s.href) ? 'active' : undefined} data-section={s.key}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <div className="name" data-testid="whoami-name">{user.name}</div>
          <div className="email">{user.email}</div>
          <div className="role" data-testid="whoami-role">{user.roleLabel}</div>
          <button type="button" className="btn secondary" onClick={() => signOut({ callbackUrl: '/signin' })}>
            Sign out
          </button>
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
