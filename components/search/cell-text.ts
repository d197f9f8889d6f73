import { formatDate } from '@/components/ui/format';

/** A search value as text: dates in the one UTC format, arrays joined, objects as JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (v instanceof Date) return formatDate(v);
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
