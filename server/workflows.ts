/**
 * Status state machines, declared per registry collection beside the registry (issue 14). Content
 * (`content.setStatus`) and moderation (`moderation.setStatus`, `moderation.bulk`) check every change
 * against these tables, single and bulk alike: a transition not listed is a BAD_REQUEST. Imports
 * nothing server-only, so the UI offers exactly the transitions the server accepts.
 */
import type { CollectionKey } from './registry';

export interface StateMachine {
  /** status → statuses it may move to */
  transitions: Record<string, readonly string[]>;
  /** Target statuses that need a written reason (reject, cancel, spam…). */
  reasonRequired: readonly string[];
  /** Human labels for the buttons of each target status. */
  verbs?: Record<string, string>;
}

export const WORKFLOWS = {
  blogs: {
    transitions: { draft: ['published', 'archived'], published: ['archived'], archived: ['draft'] },
    reasonRequired: [],
    verbs: { published: 'Publish', archived: 'Archive', draft: 'Back to draft' },
  },
  events: {
    transitions: { draft: ['published', 'cancelled'], published: ['cancelled', 'completed'], cancelled: [], completed: [] },
    reasonRequired: ['cancelled'],
    verbs: { published: 'Publish', cancelled: 'Cancel event', completed: 'Mark completed' },
  },
  careers: {
    transitions: { draft: ['open'], open: ['closed'], closed: ['open'] },
    reasonRequired: [],
    verbs: { open: 'Open', closed: 'Close' },
  },
  contacts: {
    transitions: {
      new: ['in_progress', 'resolved', 'spam'],
      in_progress: ['resolved', 'spam', 'new'],
      resolved: ['in_progress'],
      spam: ['new'],
    },
    reasonRequired: ['spam'],
    verbs: { in_progress: 'Start', resolved: 'Resolve', spam: 'Mark spam', new: 'Back to new' },
  },
  volunteers: {
    transitions: { applied: ['approved', 'rejected'], approved: ['active', 'rejected'], rejected: ['applied'], active: ['inactive'], inactive: ['active'] },
    reasonRequired: ['rejected'],
    verbs: { approved: 'Approve', rejected: 'Reject', active: 'Activate', inactive: 'Deactivate', applied: 'Reopen' },
  },
  session_bookings: {
    transitions: { pending: ['confirmed', 'cancelled'], confirmed: ['completed', 'no_show', 'cancelled'], completed: [], cancelled: [], no_show: [] },
    reasonRequired: ['cancelled', 'no_show'],
    verbs: { confirmed: 'Confirm', cancelled: 'Cancel', completed: 'Mark completed', no_show: 'Record no-show' },
  },
  event_registrations: {
    transitions: { waitlisted: ['registered', 'cancelled'], registered: ['attended', 'cancelled', 'waitlisted'], attended: [], cancelled: [] },
    reasonRequired: ['cancelled'],
    verbs: { registered: 'Admit', cancelled: 'Cancel', attended: 'Mark attended', waitlisted: 'Move to waitlist' },
  },
} as const satisfies Partial<Record<CollectionKey, StateMachine>>;

export type WorkflowKey = keyof typeof WORKFLOWS;

export function workflowOf(c: WorkflowKey): StateMachine {
  return WORKFLOWS[c];
}

export function canTransition(c: WorkflowKey, from: string, to: string): boolean {
  const t = (WORKFLOWS[c].transitions as Record<string, readonly string[]>)[from];
  return !!t && t.includes(to);
}

export function nextStatuses(c: WorkflowKey, from: string): readonly string[] {
  return (WORKFLOWS[c].transitions as Record<string, readonly string[]>)[from] ?? [];
}

export function needsReason(c: WorkflowKey, to: string): boolean {
  return (WORKFLOWS[c].reasonRequired as readonly string[]).includes(to);
}

export function statusesOf(c: WorkflowKey): string[] {
  return Object.keys(WORKFLOWS[c].transitions);
}
