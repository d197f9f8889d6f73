'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ChangePasswordInput } from '@/server/me/schema';
import { Modal } from './modal';
import { useToast } from './toast';

/** "Change my password": a dialog over me.changePassword (the server checks the current password and audits). */
export function ChangePasswordButton({ className = 'btn secondary small' }: { className?: string }) {
  const trpc = useTRPC();
  const { toast } = useToast();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation(trpc.me.changePassword.mutationOptions());
  const close = () => {
    setOpen(false);
    setCurrent('');
    setNext('');
    setAgain('');
    setProblem(null);
    change.reset();
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const parsed = ChangePasswordInput.safeParse({ currentPassword: current, newPassword: next });
    if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? 'Check the fields');
    if (next !== again) return setProblem('The two new passwords differ');
    change.mutate(parsed.data, {
      onSuccess: () => {
        close();
        toast({ message: 'Your password was changed. Use the new one next time you sign in.', tone: 'ok' });
      },
    });
  };
  const err = problem ?? change.error?.message ?? null;
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)} data-testid="change-password">
        Change password
      </button>
      <Modal open={open} onClose={close} title="Change your password" size="sm" dismissable={!change.isPending}>
        <form className="form" onSubmit={submit} id="change-password-form">
          <label>
            Current password
            <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
          </label>
          <label>
            New password <span className="muted small">(at least 12 characters)</span>
            <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={12} />
          </label>
          <label>
            New password again
            <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
          </label>
          {err && (
            <div className="form-error" role="alert">
              {err}
            </div>
          )}
          <div className="toolbar">
            <button type="submit" className="btn" disabled={change.isPending}>
              {change.isPending ? 'Changing…' : 'Change password'}
            </button>
            <button type="button" className="btn secondary" onClick={close} disabled={change.isPending}>
              Cancel
            </button>
          </div>
        </form>
      </Modal>
    </>
  );
}
