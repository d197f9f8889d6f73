import { describe, expect, it } from 'vitest';
import { eventTouches } from './live-tiles';

describe('eventTouches (which dashboard widgets a live event refreshes)', () => {
  const counts = ['users', 'contacts', 'volunteers'];
  it('a tiles event refreshes the widgets built on one of its collections, and only those', () => {
    expect(eventTouches({ type: 'tiles', data: { tags: ['contacts'] } }, counts)).toBe(true);
    expect(eventTouches({ type: 'tiles', data: { tags: ['blogs', 'events'] } }, counts)).toBe(false);
    expect(eventTouches({ type: 'tiles', data: {} }, counts)).toBe(false);
    expect(eventTouches({ type: 'tiles', data: { tags: ['contacts'] } }, [])).toBe(false);
  });
  it('a new audit entry refreshes the widgets built on the audit log; other events refresh nothing', () => {
    expect(eventTouches({ type: 'audit', data: { action: 'x' } }, ['audit_logs'])).toBe(true);
    expect(eventTouches({ type: 'audit', data: { action: 'x' } }, counts)).toBe(false);
    expect(eventTouches({ type: 'job', data: { tags: ['contacts'] } }, counts)).toBe(false);
  });
});
