'use client';
import { useCallback, useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), iframe, [tabindex]:not([tabindex="-1"]), [contenteditable="true"], summary';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.hasAttribute('inert') && el.getClientRects().length > 0);
}

// Several dialogs can be open (a confirm over a drawer): only the top one reacts to Tab and Esc.
const stack: symbol[] = [];

export interface ModalProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** 'drawer' slides in from the right (record details); 'center' is a dialog box. */
  variant?: 'center' | 'drawer';
  /** role="alertdialog" for confirmations. */
  alert?: boolean;
  /** Element to focus first (else the first field or button in the body, else the dialog). */
  initialFocus?: React.RefObject<HTMLElement | null>;
  testId?: string;
  /** Clicking the backdrop closes (default true; false while something is running). */
  dismissable?: boolean;
}

/**
 * A modal dialog: rendered in a portal, role="dialog" + aria-modal, labelled by its title, focus moved inside on open,
 * Tab and Shift+Tab kept inside, Esc closes, focus returned to what opened it, the page behind is inert.
 */
export function Modal({
  open,
  onClose,
  title,
  children,
  footer,
  size = 'md',
  variant = 'center',
  alert,
  initialFocus,
  testId,
  dismissable = true,
}: ModalProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const dismissRef = useRef(dismissable);
  dismissRef.current = dismissable;
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  useEffect(() => {
    if (!open || !mounted) return;
    const me = Symbol('modal');
    stack.push(me);
    const opener = document.activeElement as HTMLElement | null;
    const root = ref.current!;
    // Make the rest of the page inert (and hidden from assistive technology) while open.
    const siblings = Array.from(document.body.children).filter((el) => el !== root.parentElement && !el.contains(root)) as HTMLElement[];
    const changed = siblings.filter((el) => !el.hasAttribute('inert'));
    changed.forEach((el) => el.setAttribute('inert', ''));
    const first = initialFocus?.current ?? focusables(root.querySelector('.modal-body') ?? root)[0] ?? focusables(root)[0] ?? root;
    first.focus();

    const onKey = (e: KeyboardEvent) => {
      if (stack[stack.length - 1] !== me) return;
      if (e.key === 'Escape') {
        if (!dismissRef.current) return;
        e.preventDefault();
        e.stopPropagation();
        onCloseRef.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const list = focusables(root);
      if (list.length === 0) {
        e.preventDefault();
        root.focus();
        return;
      }
      const firstEl = list[0];
      const lastEl = list[list.length - 1];
      const active = document.activeElement as HTMLElement | null;
      if (e.shiftKey && (active === firstEl || !root.contains(active))) {
        e.preventDefault();
        lastEl.focus();
      } else if (!e.shiftKey && (active === lastEl || !root.contains(active))) {
        e.preventDefault();
        firstEl.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      const i = stack.indexOf(me);
      if (i >= 0) stack.splice(i, 1);
      changed.forEach((el) => el.removeAttribute('inert'));
      if (opener && document.contains(opener)) opener.focus();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, mounted]);

  if (!open || !mounted) return null;
  return createPortal(
    <div className="modal-layer">
      <div className={`modal-backdrop ${variant}`} onMouseDown={(e) => e.target === e.currentTarget && dismissRef.current && onClose()}>
        <div
          ref={ref}
          role={alert ? 'alertdialog' : 'dialog'}
          aria-modal="true"
          aria-labelledby={titleId}
          tabIndex={-1}
          className={`modal-panel ${variant} size-${size}`}
          data-testid={testId}
        >
          <div className="modal-head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="btn secondary small" onClick={onClose} aria-label="Close" disabled={!dismissable}>
              ×
            </button>
          </div>
          <div className="modal-body">{children}</div>
          {footer ? <div className="modal-foot">{footer}</div> : null}
        </div>
      </div>
    </div>,
    document.body,
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  title: ReactNode;
  body: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  destructive?: boolean;
  busy?: boolean;
  /** Confirm unavailable (e.g. while what it would do is still being worked out). */
  confirmDisabled?: boolean;
  error?: { message: string } | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/** "Are you sure?" that names what will happen. Focus starts on Cancel for destructive actions. */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  cancelLabel = 'Cancel',
  destructive,
  busy,
  confirmDisabled,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      open={open}
      onClose={onCancel}
      title={title}
      size="sm"
      alert
      dismissable={!busy}
      initialFocus={destructive ? cancelRef : confirmRef}
      testId="confirm-dialog"
      footer={
        <>
          <button ref={cancelRef} type="button" className="btn secondary" onClick={onCancel} disabled={busy}>
            {cancelLabel}
          </button>
          <button
            ref={confirmRef}
            type="button"
            className={destructive ? 'btn danger' : 'btn'}
            onClick={onConfirm}
            disabled={busy || confirmDisabled}
            data-testid="confirm-ok"
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-body">{body}</div>
      {error ? (
        <div className="form-error" role="alert">
          {error.message}
        </div>
      ) : null}
    </Modal>
  );
}

// ── useConfirm(): `if (await confirm({...})) doIt()` — rendered by <ConfirmHost/> in the providers ──
export interface ConfirmOptions {
  title: ReactNode;
  body: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
}
type Pending = ConfirmOptions & { resolve: (ok: boolean) => void };
let pending: Pending | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function requestConfirm(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    pending?.resolve(false);
    pending = { ...opts, resolve };
    emit();
  });
}

export function useConfirm(): (opts: ConfirmOptions) => Promise<boolean> {
  return useCallback((opts: ConfirmOptions) => requestConfirm(opts), []);
}

export function ConfirmHost() {
  const current = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => pending,
    () => null,
  );
  const settle = (ok: boolean) => {
    const p = pending;
    pending = null;
    emit();
    p?.resolve(ok);
  };
  return (
    <ConfirmDialog
      open={!!current}
      title={current?.title ?? ''}
      body={current?.body ?? ''}
      confirmLabel={current?.confirmLabel ?? 'OK'}
      destructive={current?.destructive}
      onConfirm={() => settle(true)}
      onCancel={() => settle(false)}
    />
  );
}
