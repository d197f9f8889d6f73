import { describe, expect, it } from 'vitest';
import { REGISTRY } from './registry';
import { WORKFLOWS, canTransition, needsReason, type WorkflowKey } from './workflows';

describe('state machines', () => {
  it('name only statuses the registry knows, and every registry status has an entry', () => {
    for (const [c, wf] of Object.entries(WORKFLOWS) as [WorkflowKey, (typeof WORKFLOWS)[WorkflowKey]][]) {
      const values = REGISTRY[c].fields.status!.values!;
      expect(Object.keys(wf.transitions).sort(), c).toEqual([...values].sort());
      for (const [from, tos] of Object.entries(wf.transitions))
        for (const to of tos as readonly string[]) expect(values, `${c}: ${from} → ${to}`).toContain(to);
      for (const r of wf.reasonRequired) expect(values).toContain(r);
    }
  });

  it('follows the issue: blogs draft → published → archived; events → cancelled/completed; careers draft → open → closed', () => {
    expect(canTransition('blogs', 'draft', 'published')).toBe(true);
    expect(canTransition('blogs', 'published', 'archived')).toBe(true);
    expect(canTransition('blogs', 'archived', 'published')).toBe(false);
    expect(canTransition('events', 'published', 'cancelled')).toBe(true);
    expect(canTransition('events', 'cancelled', 'published')).toBe(false);
    expect(canTransition('events', 'completed', 'cancelled')).toBe(false);
    expect(canTransition('careers', 'draft', 'closed')).toBe(false);
    expect(canTransition('careers', 'open', 'closed')).toBe(true);
    expect(canTransition('contacts', 'resolved', 'spam')).toBe(false);
    expect(canTransition('volunteers', 'applied', 'active')).toBe(false);
    expect(canTransition('volunteers', 'approved', 'active')).toBe(true);
    expect(canTransition('contacts', 'nonsense', 'new')).toBe(false);
    expect(needsReason('contacts', 'spam')).toBe(true);
    expect(needsReason('volunteers', 'rejected')).toBe(true);
    expect(needsReason('session_bookings', 'cancelled')).toBe(true);
    expect(needsReason('contacts', 'resolved')).toBe(false);
  });
});
