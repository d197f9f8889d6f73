/** Which colour a status word gets. Pure, so it is unit-tested and shared by StatusBadge and charts. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

const WORDS: Record<string, Tone> = {};
const put = (tone: Tone, words: string[]) => words.forEach((w) => (WORDS[w] = tone));
put('ok', [
  'ok',
  'published',
  'open',
  'resolved',
  'active',
  'succeeded',
  'success',
  'complete',
  'completed',
  'verified',
  'done',
  'healthy',
  'approved',
  'confirmed',
  'attended',
  'enabled',
  'sent',
  'delivered',
  'passed',
  'yes',
]);
put('warn', [
  'pending',
  'queued',
  'draft',
  'waiting',
  'warning',
  'stale',
  'scheduled',
  'review',
  'in_review',
  'flagged',
  'expiring',
  'partial',
  'degraded',
  'paused',
  'unverified',
  'at risk',
  'at_risk',
]);
put('bad', [
  'failed',
  'failure',
  'error',
  'errored',
  'revoked',
  'suspended',
  'deactivated',
  'disabled',
  'blocked',
  'banned',
  'rejected',
  'cancelled',
  'canceled',
  'denied',
  'expired',
  'no_show',
  'no-show',
  'missing',
  'never',
  'down',
  'corrupt',
  'aborted',
  'interrupted',
  'no',
]);
put('info', ['running', 'verifying', 'restoring', 'in_progress', 'in progress', 'started', 'processing', 'new', 'live', 'upcoming', 'you']);
put('muted', ['archived', 'closed', 'inactive', 'deleted', 'unknown', 'none', 'skipped', 'past', 'ended', 'hidden']);

export function toneFor(status: string | null | undefined): Tone {
  if (!status) return 'muted';
  const key = status.trim().toLowerCase();
  return WORDS[key] ?? WORDS[key.replace(/[\s-]+/g, '_')] ?? 'muted';
}
