'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { useConfirm } from '@/components/ui/modal';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { AdminCreateInput } from '@/server/admins/schema';

type Admin = RouterOutputs['admins']['list']['items'][number];

/** Operator accounts: search/filter, create (initial password shown once), change role, (de)activate, reset, sign out. */
export function AdminsPanel({ permissions, selfId }: { permissions: string[]; selfId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ask = useConfirm();
  const canManage = permissions.includes('admins.manage');
  const canRoles = permissions.includes('roles.read');
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState<'' | 'active' | 'deactivated'>('');
  const [page, setPage] = useState(1);
  const [secret, setSecret] = useState<{ email: string; password: string; kind: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const list = useQuery(trpc.admins.list.queryOptions({ q: q || undefined, role: role || undefined, status: status || undefined, page, pageSize: 25 }));
  const roles = useQuery({ ...trpc.roles.list.queryOptions(), enabled: canRoles });
  const roleLabel = (k: string) => roles.data?.find((r) => r.key === k)?.label ?? k;
  const refresh = () =>
    qc.invalidateQueries({ queryKey: trpc.admins.list.queryKey() }).then(() => qc.invalidateQueries({ queryKey: trpc.roles.list.queryKey() }));
  const onErr = (e: { message: string }) => setActionError(e.message);
  const onOk = () => {
    setActionError(null);
    void refresh();
  };

  const create = useMutation(trpc.admins.create.mutationOptions({ onError: onErr }));
  const setRoleM = useMutation(trpc.admins.setRole.mutationOptions({ onSuccess: onOk, onError: onErr }));
  const deactivate = useMutation(trpc.admins.deactivate.mutationOptions({ onSuccess: onOk, onError: onErr }));
  const reactivate = useMutation(trpc.admins.reactivate.mutationOptions({ onSuccess: onOk, onError: onErr }));
  const reset = useMutation(trpc.admins.resetPassword.mutationOptions({ onError: onErr }));
  const revoke = useMutation(trpc.admins.revokeSessions.mutationOptions({ onSuccess: onOk, onError: onErr }));
  const [formErrors, setFormErrors] = useState<Record<string, string[] | undefined>>({});

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const parsed = AdminCreateInput.safeParse({ email: fd.get('email'), name: fd.get('name'), role: fd.get('role') });
    if (!parsed.success) {
      const fe: Record<string, string[]> = {};
      for (const i of parsed.error.issues) (fe[String(i.path[0])] ??= []).push(i.message);
      setFormErrors(fe);
      return;
    }
    setFormErrors({});
    const r = await create.mutateAsync(parsed.data).catch(() => null);
    if (r) {
      setSecret({ email: r.admin.email, password: r.initialPassword, kind: 'Initial password' });
      form.reset();
      onOk();
    }
  }

  const roleOptions = roles.data ?? [];
  return (
    <div>
      {secret && (
        <div className="notice secret" role="status" data-testid="one-time-password">
          <strong>
            {secret.kind} for {secret.email}
          </strong>{' '}
          — shown only once. Give it to them over a safe channel; they can change it after signing in.
          <div className="secret-row">
            <code data-testid="one-time-password-value">{secret.password}</code>
            <button type="button" className="btn small secondary" onClick={() => void navigator.clipboard?.writeText(secret.password)}>
              Copy
            </button>
            <button type="button" className="btn small secondary" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {actionError && (
        <div className="card error" role="alert" data-testid="admins-error">
          {actionError}
        </div>
      )}
      {canManage && (
        <details className="card create-admin" open={false}>
          <summary>
            <strong>Create an admin</strong>
          </summary>
          <form className="form inline-form" onSubmit={onCreate} aria-label="Create admin">
            <label>
              Name
              <input name="name" required maxLength={100} />
              {formErrors.name && <span className="form-error">{formErrors.name[0]}</span>}
            </label>
            <label>
              Email
              <input name="email" type="email" required maxLength={254} />
              {formErrors.email && <span className="form-error">{formErrors.email[0]}</span>}
            </label>
            <label>
              Role
              <select name="role" required defaultValue="">
                <option value="" disabled>
                  Choose a role…
                </option>
                {roleOptions.map((r) => (
                  <option key={r.key} value={r.key}>
                    {r.label}
                    {r.builtin ? '' : ' (custom)'}
                  </option>
                ))}
              </select>
              {formErrors.role && <span className="form-error">{formErrors.role[0]}</span>}
            </label>
            <button className="btn" type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create admin'}
            </button>
          </form>
          <p className="muted small">A random initial password is generated and shown once. Nobody else ever sees it.</p>
        </details>
      )}

      <div className="toolbar">
        <input
          type="search"
          placeholder="Search name or email"
          aria-label="Search admins"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
        />
        <select aria-label="Filter by role" value={role} onChange={(e) => (setRole(e.target.value), setPage(1))}>
          <option value="">All roles</option>
          {roleOptions.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
        </select>
        <select aria-label="Filter by status" value={status} onChange={(e) => (setStatus(e.target.value as typeof status), setPage(1))}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="deactivated">Deactivated</option>
        </select>
        {list.data && <span className="muted">{list.data.total} admin(s)</span>}
      </div>
      <DataTable<Admin>
        testId="admins-table"
        caption="Admins"
        rows={list.data?.items}
        loading={list.isPending}
        error={list.error}
        empty="No admin matches these filters."
        rowKey={(a) => a.id}
        rowData={(a) => ({ email: a.email })}
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (a) => (
              <>
                {a.name} {a.id === selfId && <StatusBadge status="you" />}
              </>
            ),
          },
          { key: 'email', header: 'Email' },
          {
            key: 'role',
            header: 'Role',
            cell: (a) =>
              canManage && a.id !== selfId && roleOptions.length > 0 ? (
                <select
                  aria-label={`Role of ${a.email}`}
                  value={a.role}
                  disabled={setRoleM.isPending}
                  onChange={async (e) => {
                    const to = e.target.value;
                    const ok = await ask({
                      title: `Change the role of ${a.email}?`,
                      body: (
                        <p>
                          From {roleLabel(a.role)} to {roleLabel(to)}. It takes effect on their next request.
                        </p>
                      ),
                      confirmLabel: `Make them ${roleLabel(to)}`,
                    });
                    if (ok) setRoleM.mutate({ id: a.id, role: to });
                  }}
                >
                  {roleOptions.map((r) => (
                    <option key={r.key} value={r.key}>
                      {r.label}
                    </option>
                  ))}
                </select>
              ) : (
                roleLabel(a.role)
              ),
          },
          { key: 'status', header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
          {
            key: 'lastSignInAt',
            header: 'Last sign-in',
            cell: (a) => (a.lastSignInAt ? <Time value={a.lastSignInAt} /> : <span className="muted">never</span>),
          },
          { key: 'createdByLabel', header: 'Created by', cell: (a) => a.createdByLabel ?? '—' },
          ...(canManage
            ? [
                {
                  key: 'actions',
                  header: 'Actions',
                  className: 'actions',
                  cell: (a: Admin) => {
                    const self = a.id === selfId;
                    return (
                      <>
                        {!self &&
                          (a.status === 'active' ? (
                            <button
                              type="button"
                              className="btn small danger"
                              onClick={async () => {
                                if (
                                  await ask({
                                    title: `Deactivate ${a.email}?`,
                                    body: <p>They are signed out at once and cannot sign in until reactivated.</p>,
                                    confirmLabel: 'Deactivate',
                                    destructive: true,
                                  })
                                )
                                  deactivate.mutate({ id: a.id });
                              }}
                            >
                              Deactivate
                            </button>
                          ) : (
                            <button type="button" className="btn small secondary" onClick={() => reactivate.mutate({ id: a.id })}>
                              Reactivate
                            </button>
                          ))}
                        {!self && (
                          <button
                            type="button"
                            className="btn small secondary"
                            onClick={async () => {
                              if (
                                !(await ask({
                                  title: `Reset the password of ${a.email}?`,
                                  body: <p>Their sessions end and a new password is shown to you once.</p>,
                                  confirmLabel: 'Reset password',
                                  destructive: true,
                                }))
                              )
                                return;
                              const r = await reset.mutateAsync({ id: a.id }).catch(() => null);
                              if (r) {
                                setSecret({ email: a.email, password: r.newPassword, kind: 'New password' });
                                onOk();
                              }
                            }}
                          >
                            Reset password
                          </button>
                        )}
                        <button
                          type="button"
                          className="btn small secondary"
                          onClick={async () => {
                            if (
                              await ask({
                                title: `Sign ${a.email} out everywhere?`,
                                body: <p>Every session of this operator ends; they can sign in again.</p>,
                                confirmLabel: 'Sign out everywhere',
                              })
                            )
                              revoke.mutate({ id: a.id });
                          }}
                        >
                          Force sign-out
                        </button>
                      </>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
      {list.data && list.data.total > list.data.pageSize && (
        <div className="toolbar">
          <button className="btn small secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span className="muted">
            Page {page} of {Math.ceil(list.data.total / list.data.pageSize)}
          </span>
          <button className="btn small secondary" disabled={page * list.data.pageSize >= list.data.total} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </div>
      )}
    </div>
  );
}
