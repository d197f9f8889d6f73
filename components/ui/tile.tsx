import Link from 'next/link';
import type { ReactNode } from 'react';
import { Time } from './time';
import type { DateInput } from './format';

/** A number with its label; a real link to the records behind it when `href` is given. */
export function Tile({
  label,
  value,
  href,
  hint,
  updatedAt,
  testId,
}: {
  label: ReactNode;
  value: ReactNode;
  href?: string;
  hint?: ReactNode;
  updatedAt?: DateInput;
  testId?: string;
}) {
  const body = (
    <>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {hint ? <div className="tile-hint muted small">{hint}</div> : null}
      {updatedAt ? (
        <div className="muted small">
          <Time value={updatedAt} prefix="updated" />
        </div>
      ) : null}
    </>
  );
  if (href) {
    return (
      <Link href={href} className="tile tile-link" data-testid={testId} prefetch={false}>
        {body}
      </Link>
    );
  }
  return (
    <div className="tile" data-testid={testId}>
      {body}
    </div>
  );
}
