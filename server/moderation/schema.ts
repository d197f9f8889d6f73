/** zod schemas of the moderation domain, shared by tRPC, the queue page and its URL filters. */
import { z } from 'zod';
import type { CollectionKey } from '../registry';

export const KINDS = ['contacts', 'volunteers', 'bookings', 'registrations'] as const;
export type Kind = (typeof KINDS)[number];
export const KindSchema = z.enum(KINDS);

export const KIND_COLLECTION = {
  contacts: 'contacts',
  volunteers: 'volunteers',
  bookings: 'session_bookings',
  registrations: 'event_registrations',
} as const satisfies Record<Kind, CollectionKey>;
export type ModerationCollection = (typeof KIND_COLLECTION)[Kind];

export interface ViewDef {
  key: string;
  label: string;
  /** The status every item of the view has (bulk changes are checked against it). */
  status: string;
  /** Bookings to record as no-show: confirmed, and the session time has passed. */
  past?: boolean;
}

/** The queue's tabs per kind; the first is the default. */
export const VIEWS: Record<Kind, readonly ViewDef[]> = {
  contacts: [
    { key: 'new', label: 'New', status: 'new' },
    { key: 'in_progress', label: 'In progress', status: 'in_progress' },
    { key: 'resolved', label: 'Resolved', status: 'resolved' },
    { key: 'spam', label: 'Spam', status: 'spam' },
  ],
  volunteers: [
    { key: 'applied', label: 'Applied', status: 'applied' },
    { key: 'approved', label: 'Approved', status: 'approved' },
    { key: 'active', label: 'Active', status: 'active' },
    { key: 'rejected', label: 'Rejected', status: 'rejected' },
    { key: 'inactive', label: 'Inactive', status: 'inactive' },
  ],
  bookings: [
    { key: 'pending', label: 'Pending confirmation', status: 'pending' },
    { key: 'no_show', label: 'No-show to record', status: 'confirmed', past: true },
    { key: 'cancelled', label: 'Cancellations', status: 'cancelled' },
  ],
  registrations: [
    { key: 'waitlisted', label: 'Waitlist', status: 'waitlisted' },
    { key: 'registered', label: 'Registered', status: 'registered' },
    { key: 'cancelled', label: 'Cancelled', status: 'cancelled' },
  ],
};

export const KIND_LABEL: Record<Kind, string> = {
  contacts: 'Contact messages',
  volunteers: 'Volunteer applications',
  bookings: 'Bookings',
  registrations: 'Event registrations',
};

/** How long an item may wait before it is overdue (hours). */
export const SLA_HOURS: Record<Kind, number> = { contacts: 48, volunteers: 168, bookings: 24, registrations: 72 };

export const ObjectIdString = z.string().regex(/^[0-9a-f]{24}$/i, 'Not a valid id');
const version = z.number().int().min(0).max(1_000_000_000);
const view = z.string().regex(/^[a-z_]{1,32}$/);
export const ClaimedFilter = z.enum(['any', 'me', 'unclaimed', 'others']);

export const QueueInput = z.strictObject({
  kind: KindSchema,
  view: view.optional(),
  claimed: ClaimedFilter.default('any'),
  sort: z.enum(['oldest', 'newest']).default('oldest'),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});
export type QueueInput = z.input<typeof QueueInput>;

export const ItemRef = z.strictObject({ kind: KindSchema, id: ObjectIdString });
export const ClaimInput = z.strictObject({ kind: KindSchema, id: ObjectIdString, release: z.boolean().default(false), force: z.boolean().default(false) });
export const ModSetStatusInput = z.strictObject({
  kind: KindSchema,
  id: ObjectIdString,
  version,
  to: z.string().regex(/^[a-z_]{1,32}$/),
  reason: z.string().trim().max(1_000).optional(),
});
export const NoteInput = z.strictObject({ kind: KindSchema, id: ObjectIdString, text: z.string().trim().min(1, 'Write something').max(5_000) });
export const ReplyInput = z.strictObject({
  kind: z.enum(['contacts', 'volunteers']),
  id: ObjectIdString,
  subject: z.string().trim().min(1, 'A subject is required').max(200),
  body: z.string().trim().min(1, 'Write the reply').max(10_000),
});

export const MAX_BULK = 20_000;
export const BulkInput = z.strictObject({
  kind: KindSchema,
  to: z.string().regex(/^[a-z_]{1,32}$/),
  reason: z.string().trim().max(1_000).optional(),
  scope: z.discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('ids'),
      items: z
        .array(z.strictObject({ id: ObjectIdString, version }))
        .min(1)
        .max(MAX_BULK),
    }),
    /** Every item of the view (and claim filter) that matches now; `expected` is the N the page showed. */
    z.strictObject({ mode: z.literal('all'), view, claimed: ClaimedFilter.default('any'), expected: z.number().int().min(0).max(10_000_000) }),
  ]),
});
export type BulkInput = z.input<typeof BulkInput>;

/** The moderation page's URL filters (/moderation?kind=…&view=…), validated before use; bad values fall back. */
export const ModerationUrlFilters = z.object({
  kind: KindSchema.catch('contacts'),
  view: view.optional().catch(undefined),
  claimed: ClaimedFilter.catch('any'),
  sort: z.enum(['oldest', 'newest']).catch('oldest'),
  item: ObjectIdString.optional().catch(undefined),
});
export type ModerationUrlFilters = z.infer<typeof ModerationUrlFilters>;
