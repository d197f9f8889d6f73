'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorBox } from '@/components/ui/states';
import { useConfirm } from '@/components/ui/modal';
import { Skeleton } from '@/components/ui/skeleton';
import { RoleCreateInput } from '@/server/roles/schema';
import { PERMISSION_INFO, type Permission } from '@/server/permissions';

interface Draft {
  mode: 'create' | 'edit';
  /** The role the draft started from (for the diff); null = empty. */
  from: { key: string; label: string; permissions: string[] } | null;
  key: string;
  label: string;
  description: string;
  permissions: Set<string>;
}

/** Roles and the permission matrix: built-ins read-only, custom roles cloned, toggled, diffed, saved. */
export function RolesPanel({ permissions }: { permissions: string[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ask = useConfirm();
  const canManage = permissions.includes('roles.manage');
  const mine = useMemo(() => new Set(permissions), [permissions]);
  const matrix = useQuery(trpc.roles.matrix.queryOptions());
  const [draft, setDraft] = useState<Draft | null>(null);
  const [review, setReview] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [cloneFrom, setCloneFrom] = useState('');

  const done = () => {
    setDraft(null);
    setReview(false);
    setError(null);
    void qc.invalidateQueries({ queryKey: trpc.roles.matrix.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
  };
  const create = useMutation(trpc.roles.create.mutationOptions({ onSuccess: done, onError: (e) => setError(e.message) }));
  const update = useMutation(trpc.roles.update.mutationOptions({ onSuccess: done, onError: (e) => setError(e.message) }));
  const del = useMutation(trpc.roles.delete.mutationOptions({ onSuccess: done, onError: (e) => setError(e.message) }));

  if (matrix.error) return <ErrorBox error={matrix.error} />;
  if (!matrix.data) return <Skeleton lines={6} label="Loading roles…" />;
  const { areas, roles } = matrix.data;

  const startCreate = () => {
    const src = roles.find((r) => r.key === cloneFrom) ?? null;
    setDraft({
      mode: 'create',
      from: src && { key: src.key, label: src.label, permissions: src.permissions },
      key: '',
      label: src ? `${src.label} (copy)` : '',
      description: src?.description ?? '',
      // clone only what the operator may grant
      permissions: new Set((src?.permissions ?? []).filter((p) => mine.has(p))),
    });
    setReview(false);
    setError(null);
  };
  const startEdit = (key: string) => {
    const r = roles.find((x) => x.key === key)!;
    setDraft({ mode: 'edit', from: r, key: r.key, label: r.label, description: r.description, permissions: new Set(r.permissions) });
    setReview(false);
    setError(null);
  };

  const base = new Set(draft?.from?.permissions ?? []);
  const added = draft ? [...draft.permissions].filter((p) => !base.has(p)) : [];
  const removed = draft ? [...base].filter((p) => !draft.permissions.has(p)) : [];
  const toggle = (p: string) =>
    setDraft((d) => {
      if (!d) return d;
      const s = new Set(d.permissions);
      if (s.has(p)) s.delete(p);
      else s.add(p);
      return { ...d, permissions: s };
    });

  function save() {
    if (!draft) return;
    setError(null);
    const perms = [...draft.permissions] as Permission[];
    if (draft.mode === 'create') {
      const parsed = RoleCreateInput.safeParse({ key: draft.key, label: draft.label, description: draft.description, permissions: perms });
      if (!parsed.success) return setError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      create.mutate(parsed.data);
    } else {
      update.mutate({ key: draft.key, label: draft.label, description: draft.description, permissions: perms });
    }
  }

  return (
    <div>
      {canManage && !draft && (
        <div className="toolbar">
          <label>
            New custom role, starting from{' '}
            <select value={cloneFrom} onChange={(e) => setCloneFrom(e.target.value)} aria-label="Start from">
              <option value="">no permissions</option>
              {roles.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <button className="btn" onClick={startCreate}>
            New role
          </button>
        </div>
      )}
      {error && (
        <div className="card error" role="alert" data-testid="roles-error">
          {error}
        </div>
      )}
      {draft && (
        <div className="card draft-form" data-testid="role-draft">
          <h3>{draft.mode === 'create' ? `New custom role${draft.from ? ` (cloned from ${draft.from.label})` : ''}` : `Edit ${draft.from?.label}`}</h3>
          <div className="form inline-form">
            <label>
              Name
              <input value={draft.label} onChange={(e) => setDraft({ ...draft, label: e.target.value })} maxLength={60} />
            </label>
            <label>
              Key
              <input
                value={draft.key}
                disabled={draft.mode === 'edit'}
                placeholder="e.g. support"
                onChange={(e) => setDraft({ ...draft, key: e.target.value })}
                maxLength={40}
              />
            </label>
            <label className="grow">
              Description
              <input value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} maxLength={300} />
            </label>
          </div>
          <p className="muted small">Toggle the cells of the highlighted column below. Permissions you do not hold yourself cannot be granted.</p>
          {review && (
            <div className="diff" data-testid="role-diff">
              <strong>Changes{draft.from ? ` against ${draft.from.label}` : ''}:</strong>
              {added.length === 0 && removed.length === 0 && <span className="muted"> none</span>}
              <ul>
                {added.map((p) => (
                  <li key={p} className="add">
                    + <code>{p}</code> — {PERMISSION_INFO[p as Permission]?.label}
                  </li>
                ))}
                {removed.map((p) => (
                  <li key={p} className="del">
                    − <code>{p}</code> — {PERMISSION_INFO[p as Permission]?.label}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="toolbar">
            {!review ? (
              <button className="btn" onClick={() => setReview(true)}>
                Review changes
              </button>
            ) : (
              <button className="btn" onClick={save} disabled={create.isPending || update.isPending}>
                {create.isPending || update.isPending ? 'Saving…' : 'Save role'}
              </button>
            )}
            {review && (
              <button className="btn secondary" onClick={() => setReview(false)}>
                Back to editing
              </button>
            )}
            <button className="btn secondary" onClick={() => (setDraft(null), setError(null))}>
              Cancel
            </button>
          </div>
        </div>
      )}

      <div className="matrix-wrap dt-scroll" role="region" aria-label="Permission matrix" tabIndex={0}>
        <table className="data matrix" data-testid="permission-matrix">
          <thead>
            <tr>
              <th>Permission</th>
              {roles.map((r) => (
                <th key={r.key} className={draft?.mode === 'edit' && draft.key === r.key ? 'col-draft' : undefined}>
                  <div>{r.label}</div>
                  <div className="muted small">
                    {r.builtin ? 'built-in' : 'custom'} · {r.adminCount} admin(s)
                  </div>
                  {canManage && !r.builtin && !draft && (
                    <div className="col-actions">
                      <button className="btn small secondary" onClick={() => startEdit(r.key)} aria-label={`Edit ${r.label}`}>
                        Edit
                      </button>
                      <button
                        className="btn small danger"
                        aria-label={`Delete ${r.label}`}
                        onClick={async () => {
                          const ok = await ask({
                            title: `Delete the role ${r.label}?`,
                            body: (
                              <p>
                                The role is removed from the matrix.{' '}
                                {r.adminCount
                                  ? `${r.adminCount} admin(s) still hold it: the server refuses until they have another role.`
                                  : 'No admin holds it.'}
                              </p>
                            ),
                            confirmLabel: 'Delete role',
                            destructive: true,
                          });
                          if (ok) del.mutate({ key: r.key });
                        }}
                      >
                        Delete
                      </button>
                    </div>
                  )}
                </th>
              ))}
              {draft?.mode === 'create' && <th className="col-draft">{draft.label || 'New role'}</th>}
            </tr>
          </thead>
          <tbody>
            {areas.map((a) => (
              <Fragment key={a.key}>
                <tr className="area-row">
                  <th colSpan={roles.length + 2}>{a.label}</th>
                </tr>
                {a.permissions.map((p) => (
                  <tr key={p.key}>
                    <td>
                      <code>{p.key}</code>
                      <div className="muted small">{p.label}</div>
                    </td>
                    {roles.map((r) => {
                      const editing = draft?.mode === 'edit' && draft.key === r.key;
                      const checked = editing ? draft.permissions.has(p.key) : r.permissions.includes(p.key);
                      return (
                        <td key={r.key} className={`cell${editing ? ' col-draft' : ''}`}>
                          <input
                            type="checkbox"
                            checked={checked}
                            disabled={!editing || review || (!mine.has(p.key) && !checked)}
                            onChange={() => toggle(p.key)}
                            aria-label={`${r.label}: ${p.key}`}
                            data-testid={`cell-${r.key}-${p.key}`}
                          />
                        </td>
                      );
                    })}
                    {draft?.mode === 'create' && (
                      <td className="cell col-draft">
                        <input
                          type="checkbox"
                          checked={draft.permissions.has(p.key)}
                          disabled={review || (!mine.has(p.key) && !draft.permissions.has(p.key))}
                          onChange={() => toggle(p.key)}
                          aria-label={`New role: ${p.key}`}
                          data-testid={`draft-${p.key}`}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
