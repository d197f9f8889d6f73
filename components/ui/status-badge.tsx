import type { ReactNode } from 'react';
import { toneFor, type Tone } from './status-tone';

export type { Tone } from './status-tone';
export { toneFor } from './status-tone';

/**
 * A status word in a coloured pill. The tone comes from a word map (published/active/succeeded → ok,
 * failed/revoked → bad, running → info, …) unless given. Colours meet WCAG AA (4.5:1) on their backgrounds.
 */
export function StatusBadge({ status, tone, title, children }: { status: string; tone?: Tone; title?: string; children?: ReactNode }) {
  const t = tone ?? toneFor(status);
  return (
    <span className={`badge tone-${t}`} title={title} data-status={status}>
      {children ?? status.replace(/_/g, ' ')}
    </span>
  );
}
