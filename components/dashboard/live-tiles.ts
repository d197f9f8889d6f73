/**
 * Whether a live event changes this widget's data: a `tiles` event naming one of its collections, or a new
 * audit entry for a widget built on the audit log (server/live/tiles.ts).
 */
export function eventTouches(ev: { type: string; data: Record<string, unknown> }, tags: readonly string[]): boolean {
  if (ev.type === 'tiles') return Array.isArray(ev.data.tags) && ev.data.tags.some((t) => tags.includes(t as string));
  if (ev.type === 'audit') return tags.includes('audit_logs');
  return false;
}
