'use client';
import { useCallback, useSyncExternalStore } from 'react';

export interface ToastInput {
  message: string;
  action?: { label: string; onClick: () => void };
  /** ms before it goes away (default 6 s; 10 s with an action, long enough to undo). */
  duration?: number;
  tone?: 'info' | 'ok' | 'bad';
}
interface ToastItem extends ToastInput {
  id: number;
}

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function showToast(t: ToastInput): () => void {
  const id = nextId++;
  items = [...items.slice(-3), { ...t, id }];
  emit();
  const dismiss = () => {
    items = items.filter((x) => x.id !== id);
    emit();
  };
  setTimeout(dismiss, t.duration ?? (t.action ? 10_000 : 6_000));
  return dismiss;
}

export function useToast() {
  const toast = useCallback((t: ToastInput) => showToast(t), []);
  return { toast };
}

/** The live region where toasts appear (once, in the providers). */
export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
    () => items,
  );
  return (
    <div className="toaster" role="status" aria-live="polite" data-testid="toaster">
      {list.map((t) => (
        <div key={t.id} className={`toast tone-${t.tone ?? 'info'}`}>
          <span>{t.message}</span>
          {t.action ? (
            <button
              type="button"
              className="btn secondary small"
              onClick={() => {
                t.action!.onClick();
                items = items.filter((x) => x.id !== t.id);
                emit();
              }}
            >
              {t.action.label}
            </button>
          ) : null}
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss"
            onClick={() => {
              items = items.filter((x) => x.id !== t.id);
              emit();
            }}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
