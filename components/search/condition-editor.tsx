'use client';
import { isUiGroup, type UiCondition, type UiGroup } from './query-state';
import type { FieldInfo } from './types';

const OP_LABEL: Record<string, string> = {
  eq: 'is',
  ne: 'is not',
  in: 'is any of',
  nin: 'is none of',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  between: 'between',
  contains: 'contains',
  startsWith: 'starts with',
  exists: 'is set',
};

/** The AND/OR tree of conditions (up to three levels). */
export function GroupEditor({
  group,
  fields,
  depth,
  onChange,
  onRemove,
}: {
  group: UiGroup;
  fields: FieldInfo[];
  depth: number;
  onChange: (g: UiGroup) => void;
  onRemove?: () => void;
}) {
  const usable = fields.filter((f) => !f.masked);
  const set = (i: number, item: UiCondition | UiGroup) => onChange({ ...group, items: group.items.map((x, j) => (j === i ? item : x)) });
  const remove = (i: number) => onChange({ ...group, items: group.items.filter((_, j) => j !== i) });
  const first = usable[0];
  return (
    <div className={`cond-group depth-${depth}`} data-testid={`group-${depth}`}>
      <div className="toolbar">
        <span>Match</span>
        <select aria-label={`Group ${depth} match`} value={group.op} onChange={(e) => onChange({ ...group, op: e.target.value as 'and' | 'or' })}>
          <option value="and">all (AND)</option>
          <option value="or">any (OR)</option>
        </select>
        <span>of these conditions</span>
        {onRemove && (
          <button type="button" className="btn small secondary" onClick={onRemove}>
            Remove group
          </button>
        )}
      </div>
      {group.items.map((item, i) =>
        isUiGroup(item) ? (
          <GroupEditor key={i} group={item} fields={fields} depth={depth + 1} onChange={(g) => set(i, g)} onRemove={() => remove(i)} />
        ) : (
          <ConditionRow key={i} index={i} cond={item} fields={usable} onChange={(c) => set(i, c)} onRemove={() => remove(i)} />
        ),
      )}
      <div className="toolbar">
        <button
          type="button"
          className="btn small secondary"
          disabled={!first}
          onClick={() => onChange({ ...group, items: [...group.items, { field: first!.name, operator: first!.operators[0]!, value: '' }] })}
        >
          + Condition
        </button>
        {depth < 3 && (
          <button
            type="button"
            className="btn small secondary"
            onClick={() => onChange({ ...group, items: [...group.items, { op: group.op === 'and' ? 'or' : 'and', items: [] }] })}
          >
            + Group
          </button>
        )}
      </div>
    </div>
  );
}

function ConditionRow({
  cond,
  fields,
  onChange,
  onRemove,
  index,
}: {
  cond: UiCondition;
  fields: FieldInfo[];
  onChange: (c: UiCondition) => void;
  onRemove: () => void;
  index: number;
}) {
  const f = fields.find((x) => x.name === cond.field) ?? fields[0]!;
  const str = Array.isArray(cond.value) ? '' : cond.value;
  const inputType = f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text';
  let valueInput: React.ReactNode;
  if (cond.operator === 'exists') {
    valueInput = (
      <select aria-label="Value" value={str || 'true'} onChange={(e) => onChange({ ...cond, value: e.target.value })}>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  } else if (cond.operator === 'between') {
    const [a = '', b = ''] = Array.isArray(cond.value) ? cond.value : ['', ''];
    valueInput = (
      <span className="range">
        <input aria-label="From" type={inputType} value={a} onChange={(e) => onChange({ ...cond, value: [e.target.value, b] })} />
        <span>and</span>
        <input aria-label="To" type={inputType} value={b} onChange={(e) => onChange({ ...cond, value: [a, e.target.value] })} />
      </span>
    );
  } else if (f.type === 'enum' && (cond.operator === 'in' || cond.operator === 'nin')) {
    const sel = Array.isArray(cond.value) ? cond.value : cond.value ? [cond.value] : [];
    valueInput = (
      <select aria-label="Values" multiple value={sel} onChange={(e) => onChange({ ...cond, value: Array.from(e.target.selectedOptions, (o) => o.value) })}>
        {f.values?.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    );
  } else if (f.type === 'enum' || f.type === 'boolean') {
    const opts = f.type === 'boolean' ? ['true', 'false'] : (f.values ?? []);
    valueInput = (
      <select aria-label="Value" value={str} onChange={(e) => onChange({ ...cond, value: e.target.value })}>
        <option value="">— choose —</option>
        {opts.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    );
  } else {
    const many = cond.operator === 'in' || cond.operator === 'nin';
    valueInput = (
      <input
        aria-label="Value"
        type={many ? 'text' : inputType}
        placeholder={many ? 'comma-separated' : f.type === 'tags' ? 'tag' : ''}
        value={str}
        onChange={(e) => onChange({ ...cond, value: e.target.value })}
      />
    );
  }
  return (
    <div className="toolbar cond-row" data-testid={`condition-${index}`}>
      <select
        aria-label="Field"
        value={f.name}
        onChange={(e) => {
          const nf = fields.find((x) => x.name === e.target.value)!;
          onChange({ field: nf.name, operator: nf.operators.includes(cond.operator) ? cond.operator : nf.operators[0]!, value: '' });
        }}
      >
        {fields.map((x) => (
          <option key={x.name} value={x.name}>
            {x.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Operator"
        value={cond.operator}
        onChange={(e) => onChange({ ...cond, operator: e.target.value, value: e.target.value === 'between' ? ['', ''] : '' })}
      >
        {f.operators.map((o) => (
          <option key={o} value={o}>
            {OP_LABEL[o] ?? o}
          </option>
        ))}
      </select>
      {valueInput}
      <button type="button" className="btn small secondary" aria-label="Remove condition" onClick={onRemove}>
        ✕
      </button>
    </div>
  );
}
