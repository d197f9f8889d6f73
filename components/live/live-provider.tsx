'use client';
/**
 * One live.events subscription per signed-in tab (SSE through httpSubscriptionLink), shared by every view
 * that wants live updates: the bell, the Backups page's job progress, the audit feed, the Exports history.
 * Views register with useLive(handler); useLiveStatus() tells them whether to fall back to polling
 * (anything but 'live': connecting, or the subscription errored).
 */
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';

type Envelope = RouterOutputs['live']['events'];
type Yielded = Envelope extends AsyncIterable<infer T> ? T : Envelope;
export type LiveItem = Yielded extends { data: infer D } ? D : Yielded;
export type LiveStatus = 'connecting' | 'live' | 'error';
type Handler = (item: LiveItem) => void;

const Ctx = createContext<{ status: LiveStatus; handlers: Set<Handler> } | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const handlers = useRef(new Set<Handler>()).current;
  const sub = useSubscription(
    trpc.live.events.subscriptionOptions(undefined, {
      onData: (env) => {
        const item = ((env as { data?: unknown }).data ?? env) as LiveItem;
        for (const h of handlers) h(item);
      },
      onError: (err) => {
        // The session ended (signed out elsewhere, deactivated, revoked): the page guard sends to sign-in.
        if ((err as { data?: { code?: string } }).data?.code === 'UNAUTHORIZED') router.refresh();
      },
    }),
  );
  // Signing out in another tab (next-auth broadcasts it through localStorage) closes this tab's stream too:
  // the server would keep serving the identity it was opened with until the session is revoked.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== 'nextauth.message' || !e.newValue) return;
      try {
        const msg = JSON.parse(e.newValue) as { event?: string; data?: { trigger?: string } };
        if (msg.event === 'session' && msg.data?.trigger === 'signout') window.location.replace(new URL('/signin', window.location.origin).href); // a full load: nothing of the old session stays in memory
      } catch {
        /* not ours */
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  const status: LiveStatus = sub.status === 'pending' ? 'live' : sub.status === 'error' ? 'error' : 'connecting';
  return (
    <Ctx.Provider value={{ status, handlers }}>
      <span hidden data-testid="live-status" data-status={status} />
      {children}
    </Ctx.Provider>
  );
}

/** Calls `handler` for every live event this operator may see (the latest handler; no re-subscription). */
export function useLive(handler: Handler): void {
  const ctx = useContext(Ctx);
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!ctx) return;
    const h: Handler = (i) => ref.current(i);
    ctx.handlers.add(h);
    return () => {
      ctx.handlers.delete(h);
    };
  }, [ctx]);
}

/** 'live' while the subscription is open; views poll only otherwise. Outside a provider: 'error' (poll). */
export function useLiveStatus(): LiveStatus {
  return useContext(Ctx)?.status ?? 'error';
}

/** A refetch interval that applies only while live updates are not flowing. */
export function usePollingFallback(ms: number): number | false {
  return useLiveStatus() === 'live' ? false : ms;
}
