'use client';
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { formatNumber } from './format';

export interface TabDef {
  key: string;
  label: ReactNode;
  count?: number;
}

/**
 * ARIA tabs: a tablist of buttons, arrow keys / Home / End move between them, only the active one is in the Tab order.
 * The caller renders the panel; give it `id={tabPanelId(idBase, key)}`-style wiring via `panelId` if needed.
 */
export function Tabs({
  tabs,
  value,
  onChange,
  label,
  testId,
}: {
  tabs: TabDef[];
  value: string;
  onChange: (key: string) => void;
  label?: string;
  testId?: string;
}) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.key === value);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(tabs[next].key);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKey} data-testid={testId}>
      {tabs.map((t, i) => {
        const selected = t.key === value;
        return (
          <button
            key={t.key}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-${t.key}`}
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            className={selected ? 'tab active' : 'tab'}
            data-tab={t.key}
            onClick={() => onChange(t.key)}
          >
            {t.label}
            {t.count !== undefined ? <span className="tab-count">{formatNumber(t.count)}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
