import { describe, expect, it } from 'vitest';
import { supersededJobEvent } from './stream';

const ev = (seq: number, type: 'job' | 'audit', id?: string) => ({ seq, type, data: id ? { id } : {} });

describe('supersededJobEvent', () => {
  it('drops a job state only when a later state of the same job is queued', () => {
    expect(supersededJobEvent(ev(1, 'job', 'a'), [ev(2, 'job', 'a')])).toBe(true);
    expect(supersededJobEvent(ev(1, 'job', 'a'), [ev(2, 'job', 'b')])).toBe(false);
    expect(supersededJobEvent(ev(3, 'job', 'a'), [ev(2, 'job', 'a')])).toBe(false); // an older one behind it (a backlog) does not
    expect(supersededJobEvent(ev(1, 'job', 'a'), [])).toBe(false);
  });
  it('never drops other kinds of events', () => {
    expect(supersededJobEvent(ev(1, 'audit', 'a'), [ev(2, 'audit', 'a')])).toBe(false);
    expect(supersededJobEvent(ev(1, 'job'), [ev(2, 'job')])).toBe(false);
  });
});
