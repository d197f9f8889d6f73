'use client';
import { useEffect, useState } from 'react';
import { formatDateExact } from './format';

/** "just now", "2 min ago", "3 h ago" — for a value computed at `at` (exact UTC time on hover). */
export function relativeAge(at: Date, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - at.getTime()) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** How old a cached figure is, refreshed every 15 s. */
export function UpdatedAgo({ at, prefix = 'updated' }: { at: Date | string; prefix?: string }) {
  const d = typeof at === 'string' ? new Date(at) : at;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  return (
    <span className="muted small updated-ago" title={formatDateExact(d)} data-testid="updated-ago">
      {prefix} {relativeAge(d, now)}
    </span>
  );
}
