'use client';
import { useEffect, useState } from 'react';
import { formatDate, formatDateExact, relativeTime, type DateInput } from './format';

/**
 * A date as relative text ("5 min ago") with the exact UTC time on hover and in a <time dateTime>.
 * `mode="absolute"` shows "2026-11-30 10:41 UTC" instead (tables where rows are compared by time).
 */
export function Time({ value, mode = 'relative', prefix }: { value: DateInput; mode?: 'relative' | 'absolute'; prefix?: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (mode !== 'relative') return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [mode]);
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return <span className="muted">—</span>;
  // Before hydration (now === null) the absolute form renders, so server and client HTML agree.
  const text = mode === 'absolute' || now === null ? formatDate(date) : relativeTime(date, now);
  return (
    <time dateTime={date.toISOString()} title={formatDateExact(date)}>
      {prefix ? `${prefix} ` : ''}
      {text}
    </time>
  );
}
