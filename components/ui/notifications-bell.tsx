'use client';
/**
 * The bell: the operator's notifications ("your backup finished", "export ready", "restore failed", "new
 * contact message"), unread count stored per operator on the server, new ones arriving over the live
 * subscription (components/live). A disclosure menu: Esc or a click outside closes it, focus returns.
 */
import { useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { useLive, usePollingFallback } from '@/components/live/live-provider';
import { Time } from './time';
import { ErrorBox } from './states';
import { Skeleton } from './skeleton';

export function NotificationsBell() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useQuery({ ...trpc.notifications.list.queryOptions(), refetchInterval: usePollingFallback(60_000) });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() });
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSuccess: refresh }));
  useLive((ev) => {
    if (ev.type === 'notification') void refresh();
  });

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const unread = list.data?.unread ?? 0;
  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls="bell-panel"
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => setOpen((o) => !o)}
        data-testid="bell"
      >
        {/* drawn, not an emoji: machines without a colour-emoji font showed an empty box */}
        <svg
          aria-hidden="true"
          width="18"
          height="18"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div id="bell-panel" ref={panel} className="bell-panel" role="region" aria-label="Notifications" data-testid="bell-panel">
          <div className="bell-head">
            <strong>Notifications</strong>
            {unread > 0 && (
              <button type="button" className="btn secondary small" onClick={() => markRead.mutate({ all: true })} disabled={markRead.isPending}>
                Mark all read
              </button>
            )}
          </div>
          {list.isLoading ? (
            <Skeleton lines={3} />
          ) : list.error ? (
            <ErrorBox error={list.error} />
          ) : !list.data?.items.length ? (
            <p className="muted bell-empty">Nothing yet. Finished backups, restores and exports appear here.</p>
          ) : (
            <ul className="bell-list">
              {list.data.items.map((n) => (
                <li key={n.id} className={n.read ? 'read' : 'unread'} data-testid="bell-item" data-kind={n.kind}>
                  <div className="bell-title">
                    {!n.read && <span className="bell-dot" aria-label="unread" />}
                    {n.href ? (
                      <Link
                        href={n.href}
                        onClick={() => {
                          if (!n.read) markRead.mutate({ ids: [n.id] });
                          setOpen(false);
                        }}
                      >
                        {n.title}
                      </Link>
                    ) : (
                      <span>{n.title}</span>
                    )}
                  </div>
                  {n.body && <div className="small muted">{n.body}</div>}
                  <div className="small muted">
                    <Time value={n.at} />
                    {!n.read && (
                      <>
                        {' · '}
                        <button type="button" className="linklike" onClick={() => markRead.mutate({ ids: [n.id] })}>
                          Mark read
                        </button>
                      </>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
