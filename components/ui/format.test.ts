import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDay, formatDuration, formatNumber, formatPercent, relativeTime } from './format';
import { toneFor } from './status-tone';

describe('format', () => {
  it('formats dates in one UTC format', () => {
    expect(formatDate('2026-11-30T10:41:59.900Z')).toBe('2026-11-30 10:41 UTC');
    expect(formatDate(Date.UTC(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04 UTC');
    expect(formatDay(new Date('2026-02-28T23:59:00Z'))).toBe('2026-02-28');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('—');
  });
  it('formats numbers, percentages, bytes and durations', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(155 * 1024 * 1024)).toBe('155 MB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(2 * 3600_000 + 600_000)).toBe('2 h 10 min');
  });
  it('says relative times both ways and falls back to the day after a month', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0);
    expect(relativeTime(now - 3000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relativeTime(now + 3 * 3600_000, now)).toBe('in 3 h');
    expect(relativeTime(now - 4 * 86400_000, now)).toBe('4 days ago');
    expect(relativeTime(now - 90 * 86400_000, now)).toBe('2026-09-01');
  });
});

describe('status tone', () => {
  it('maps status words to tones', () => {
    for (const w of ['published', 'open', 'resolved', 'active', 'succeeded', 'Complete']) expect(toneFor(w)).toBe('ok');
    for (const w of ['failed', 'revoked', 'no-show', 'No show']) expect(toneFor(w)).toBe('bad');
    expect(toneFor('pending')).toBe('warn');
    expect(toneFor('running')).toBe('info');
    expect(toneFor('something else')).toBe('muted');
    expect(toneFor(undefined)).toBe('muted');
  });
});
