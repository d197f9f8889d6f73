'use client';
import { useMemo, useState } from 'react';
import { Modal } from '@/components/ui/modal';
import type { RouterOutputs } from '@/components/providers/trpc';
import { EDITABLE, type ContentType } from '@/server/content/schema';
import { FIELD_LABEL, valueText } from './labels';
import type { Fields } from './field-inputs';

type Dto = RouterOutputs['content']['get'];
const same = (a: unknown, b: unknown) => valueText(a) === valueText(b);

/**
 * The conflict merge view: someone saved since this editor loaded (`base`). For every field where my edit and
 * their saved version differ, pick one; fields only one side changed are preselected to that side.
 */
export function MergeView({
  type,
  base,
  mine,
  theirs,
  onCancel,
  onMerged,
}: {
  type: ContentType;
  base: Fields;
  mine: Fields;
  theirs: Dto;
  onCancel: () => void;
  onMerged: (merged: Fields, version: number) => void;
}) {
  const fields = EDITABLE[type];
  const differing = useMemo(() => fields.filter((f) => !same(mine[f], theirs.fields[f])), [fields, mine, theirs]);
  const [pick, setPick] = useState<Record<string, 'mine' | 'theirs'>>(() =>
    Object.fromEntries(differing.map((f) => [f, same(mine[f], base[f]) ? 'theirs' : 'mine'])),
  );
  const merged = () => {
    const out: Fields = { ...theirs.fields };
    for (const f of fields) if (pick[f] === 'mine') out[f] = mine[f];
    return out;
  };
  return (
    <Modal
      open
      size="lg"
      title={`Someone else saved this (version ${theirs.version}${theirs.updatedBy ? ` by ${theirs.updatedBy}` : ''})`}
      onClose={onCancel}
      testId="merge-view"
      footer={
        <>
          <button className="btn secondary" onClick={onCancel}>
            Keep editing
          </button>
          <button className="btn" onClick={() => onMerged(merged(), theirs.version)} data-testid="merge-apply">
            Use the merged version
          </button>
        </>
      }
    >
      <p>Nothing was overwritten. Choose, field by field, which text to keep; then save again.</p>
      {differing.length === 0 ? (
        <p className="muted">Your edits and theirs are the same. Use their version number and save.</p>
      ) : (
        <div className="table-scroll">
          <table className="merge-table">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Mine</th>
                <th scope="col">Theirs (saved)</th>
              </tr>
            </thead>
            <tbody>
              {differing.map((f) => (
                <tr key={f} data-field={f}>
                  <th scope="row">{FIELD_LABEL[f] ?? f}</th>
                  <td>
                    <label className="merge-choice">
                      <input
                        type="radio"
                        name={`pick-${f}`}
                        checked={pick[f] === 'mine'}
                        onChange={() => setPick({ ...pick, [f]: 'mine' })}
                        aria-label={`Keep my ${FIELD_LABEL[f] ?? f}`}
                      />
                      <span className="merge-text" data-testid={`mine-${f}`}>
                        {valueText(mine[f]) || <em className="muted">empty</em>}
                      </span>
                    </label>
                  </td>
                  <td>
                    <label className="merge-choice">
                      <input
                        type="radio"
                        name={`pick-${f}`}
                        checked={pick[f] === 'theirs'}
                        onChange={() => setPick({ ...pick, [f]: 'theirs' })}
                        aria-label={`Take their ${FIELD_LABEL[f] ?? f}`}
                      />
                      <span className="merge-text" data-testid={`theirs-${f}`}>
                        {valueText(theirs.fields[f]) || <em className="muted">empty</em>}
                      </span>
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Modal>
  );
}
