'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Modal } from '@/components/ui/modal';
import { ErrorBox } from '@/components/ui/states';

export function CreateDialog({ open, onClose, onStarted }: { open: boolean; onClose: () => void; onStarted: () => void }) {
  const trpc = useTRPC();
  const cols = useQuery({ ...trpc.backup.collections.queryOptions(), enabled: open });
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const create = useMutation(
    trpc.backup.create.mutationOptions({
      onSuccess: () => {
        onStarted();
        setNote('');
        onClose();
      },
    }),
  );
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Back up now"
      footer={
        <>
          <button className="btn secondary" type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            className="btn"
            type="button"
            disabled={create.isPending || (!all && !chosen.length)}
            onClick={() => create.mutate({ collections: all ? undefined : chosen, note })}
          >
            Start backup
          </button>
        </>
      }
    >
      <div className="form backups-form">
        <fieldset>
          <legend>What to back up</legend>
          <label className="inline">
            <input type="radio" name="backup-scope" checked={all} onChange={() => setAll(true)} /> All collections
          </label>
          <label className="inline">
            <input type="radio" name="backup-scope" checked={!all} onChange={() => setAll(false)} /> Chosen collections
          </label>
          {!all && (
            <div className="checks">
              {cols.data?.map((c) => (
                <label key={c} className="inline">
                  <input
                    type="checkbox"
                    checked={chosen.includes(c)}
                    onChange={(e) => setChosen(e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))}
                  />{' '}
                  {c}
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <label>
          Note
          <input value={note} maxLength={300} onChange={(e) => setNote(e.target.value)} placeholder="Why this backup (optional)" />
        </label>
        <ErrorBox error={create.error} />
      </div>
    </Modal>
  );
}
