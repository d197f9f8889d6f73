'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ChangePasswordButton } from './change-password';
import { NotificationsBell } from './notifications-bell';

export interface ShellProps {
  user: { name: string; email: string; roleLabel: string };
  sections: { key: string; href: string; label: string }[];
  children: ReactNode;
}

const COLLAPSE_KEY = 'acube.sidebar.collapsed';

/**
 * The frame of every signed-in page. Wide screens: a sidebar that collapses to a narrow rail (remembered).
 * Narrow screens (≤ 800 px): a top bar with a Menu button that opens the sections as a panel (Esc closes,
 * focus returns to the button). The content column is minmax(0, 1fr), so wide tables scroll in their own box.
 */
export function Shell({ user, sections, children }: ShellProps) {
  const pathname = usePathname();
  const active = (href: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(href + '/'));
  const [collapsed, setCollapsed] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const sidebar = useRef<HTMLElement>(null);

  useEffect(() => {
    setCollapsed(localStorage.getItem(COLLAPSE_KEY) === '1');
  }, []);
  const toggleCollapsed = () => {
    setCollapsed((c) => {
      localStorage.setItem(COLLAPSE_KEY, c ? '0' : '1');
      return !c;
    });
  };
  // A navigation closes the phone menu.
  useEffect(() => setMenuOpen(false), [pathname]);
  useEffect(() => {
    if (!menuOpen) return;
    sidebar.current?.querySelector<HTMLElement>('nav a')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setMenuOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  return (
    <div className={`shell${collapsed ? ' collapsed' : ''}${menuOpen ? ' menu-open' : ''}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="btn secondary small menu-button"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
          data-testid="menu-button"
        >
          {menuOpen ? '✕ Close' : '☰ Menu'}
        </button>
        <div className="brand">
          A-Cube <span>Admin</span>
        </div>
      </header>
      {menuOpen && <div className="menu-backdrop" onClick={() => setMenuOpen(false)} aria-hidden="true" />}
      <aside id="sidebar" ref={sidebar} className="sidebar" aria-label="Sections">
        <div className="sidebar-head">
          <div className="brand">
            A-Cube <span>Admin</span>
          </div>
          <button
            type="button"
            className="collapse-button"
            onClick={toggleCollapsed}
            aria-pressed={collapsed}
            aria-label={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
            title={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
          >
            {collapsed ? '»' : '«'}
          </button>
        </div>
        <nav>
          <ul data-testid="sidebar">
            {sections.map((s) => (
              <li key={s.key}>
                <Link
                  href={s.href}
                  // Not prefetched: every page here is rendered per request, so a prefetch fetched little but cost a
                  // server render per section (some twice) while the page just opened was still starting (issue 12).
                  prefetch={false}
                  className={active(s.href) ? 'active' : undefined}
                  aria-current={active(s.href) ? 'page' : undefined}
                  data-section={s.key}
                  title={collapsed ? s.label : undefined}
                >
                  <span className="nav-label" data-short={s.label.slice(0, 2)}>
                    {s.label}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <div className="name" data-testid="whoami-name">
            {user.name}
          </div>
          <div className="email">{user.email}</div>
          <div className="role" data-testid="whoami-role">
            {user.roleLabel}
          </div>
          <div className="whoami-actions">
            <ChangePasswordButton className="btn secondary small" />
            <button type="button" className="btn secondary small" onClick={() => signOut({ callbackUrl: '/signin' })}>
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <NotificationsBell />
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
