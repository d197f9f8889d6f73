'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorBox } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { stateFromParams, toSearchInput, type UiState } from './query-state';
import type { FieldInfo, SavedSearch } from './types';

/** The operator's saved searches: open, save the current one, delete with an Undo. */
export function SavedSearches({ current, fields, onOpen }: { current: UiState; fields: FieldInfo[]; onOpen: (s: UiState) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { toast } = useToast();
  const saved = useQuery(trpc.search.saved.list.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.search.saved.list.queryKey() });
  const create = useMutation(trpc.search.saved.create.mutationOptions({ onSuccess: invalidate }));
  const del = useMutation(trpc.search.saved.delete.mutationOptions({ onSuccess: invalidate }));
  const [name, setName] = useState('');

  const remove = (s: SavedSearch) =>
    del.mutate(
      { id: s.id },
      {
        onSuccess: () =>
          toast({
            message: `Deleted the saved search “${s.name}”.`,
            action: {
              label: 'Undo',
              // Undo saves it again with the same name, query and columns (it gets a new id).
              onClick: () => create.mutate({ name: s.name, query: s.query as never, ...(s.columns ? { columns: s.columns } : {}) }),
            },
          }),
      },
    );

  return (
    <div className="card saved-searches">
      <div className="toolbar">
        <strong>Saved searches</strong>
        {(saved.data ?? []).map((s) => (
          <span key={s.id} className="saved-chip">
            <button
              type="button"
              className="btn small secondary"
              onClick={() => {
                const p = new URLSearchParams({ q: JSON.stringify({ ...s.query, page: 1 }) });
                if (s.columns) p.set('cols', s.columns.join(','));
                onOpen({ ...stateFromParams(p, s.collection) });
              }}
            >
              {s.name} <span className="muted">({s.collectionLabel})</span>
            </button>
            <button
              type="button"
              className="btn small secondary"
              aria-label={`Delete saved search ${s.name}`}
              onClick={() => remove(s)}
              disabled={del.isPending}
            >
              ✕
            </button>
          </span>
        ))}
        {saved.data?.length === 0 && <span className="muted">none yet</span>}
        <form
          className="toolbar inline"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              {
                name,
                query: { ...toSearchInput(current, fields), pageSize: current.pageSize } as never,
                ...(current.columns ? { columns: current.columns } : {}),
              },
              { onSuccess: () => setName('') },
            );
          }}
        >
          <input aria-label="Saved search name" placeholder="Name this search" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
          <button className="btn small" type="submit" disabled={!name.trim() || !current.collection}>
            Save
          </button>
        </form>
      </div>
      <ErrorBox error={saved.error ?? create.error ?? del.error} />
    </div>
  );
}
