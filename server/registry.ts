/**
 * The platform collection registry: the only place that names platform collections
 * and their fields. Search, export, validation, indexes and backups all read it; no
 * request can name a collection or field outside it. Imports nothing server-only, so
 * the UI's filter builder reads the same definitions.
 */
import type { Permission } from './permissions';

export type FieldType = 'string' | 'number' | 'date' | 'boolean' | 'enum' | 'tags' | 'objectId';

export interface FieldDef {
  type: FieldType;
  label: string;
  /** Words of this field go into the collection's `_kw` keyword index for free-text search. */
  searchable?: boolean;
  /** Backed by an index, so results can be sorted by it efficiently. */
  sortable?: boolean;
  /** Personal data: masked for roles without `data.personal.read`. */
  personal?: boolean;
  /** For enums: the canonical values (lower-case). */
  values?: readonly string[];
  /** For objectId references: the registry collection it points to. */
  ref?: string;
  /** Required on every well-formed record (data validation). */
  required?: boolean;
}

export interface CollectionDef {
  key: string;
  label: string;
  /** The permission that lets a role read (search) this collection. */
  read: Permission;
  /** Field used as a record's title in tables and drawers. */
  titleField: string;
  defaultSort: { field: string; dir: 'asc' | 'desc' };
  fields: Record<string, FieldDef>;
  /** System collection (the app's own, e.g. audit_logs): searchable and exportable, never seeded, fixed or backed up as platform data. */
  system?: boolean;
  /** Documents carry a `_kw` keyword array for free-text search (default true for platform collections). */
  keywords?: boolean;
}

const ts = (label: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'date', label, sortable: true, ...extra });

const defs = {
  users: {
    key: 'users',
    label: 'Members',
    read: 'data.members.read',
    titleField: 'name',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      // A member's full name and tags (health-related: depression, lgbtq…) are personal, special-category data.
      name: { type: 'string', label: 'Name', searchable: true, sortable: true, required: true, personal: true },
      email: { type: 'string', label: 'Email', searchable: true, personal: true, sortable: true, required: true },
      phone: { type: 'string', label: 'Phone', personal: true },
      city: { type: 'string', label: 'City', searchable: true, sortable: true },
      gender: { type: 'enum', label: 'Gender', values: ['female', 'male', 'non_binary', 'undisclosed'] },
      dateOfBirth: { type: 'date', label: 'Date of birth', personal: true },
      status: { type: 'enum', label: 'Status', values: ['active', 'inactive', 'banned'], sortable: true, required: true },
      signupSource: { type: 'enum', label: 'Signup source', values: ['web', 'ios', 'android', 'referral', 'event'] },
      tags: { type: 'tags', label: 'Tags', searchable: true, personal: true },
      notes: { type: 'string', label: 'Notes', personal: true },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
      lastActiveAt: ts('Last active'),
    },
  },
  psychologists: {
    key: 'psychologists',
    label: 'Psychologists',
    read: 'data.members.read',
    titleField: 'name',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      name: { type: 'string', label: 'Name', searchable: true, sortable: true, required: true },
      email: { type: 'string', label: 'Email', searchable: true, personal: true },
      phone: { type: 'string', label: 'Phone', personal: true },
      specialties: { type: 'tags', label: 'Specialties', searchable: true },
      languages: { type: 'tags', label: 'Languages', searchable: true },
      rating: { type: 'number', label: 'Rating', sortable: true },
      sessionFee: { type: 'number', label: 'Session fee (INR)', sortable: true },
      yearsExperience: { type: 'number', label: 'Years of experience' },
      verified: { type: 'boolean', label: 'Verified' },
      status: { type: 'enum', label: 'Status', values: ['active', 'on_leave', 'inactive'], sortable: true, required: true },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  session_bookings: {
    key: 'session_bookings',
    label: 'Session bookings',
    read: 'data.bookings.read',
    titleField: 'scheduledAt',
    defaultSort: { field: 'scheduledAt', dir: 'desc' },
    fields: {
      userId: { type: 'objectId', label: 'Member', ref: 'users', required: true },
      psychologistId: { type: 'objectId', label: 'Psychologist', ref: 'psychologists', required: true },
      scheduledAt: ts('Scheduled at', { required: true }),
      durationMin: { type: 'number', label: 'Duration (min)' },
      mode: { type: 'enum', label: 'Mode', values: ['online', 'in_person'] },
      status: {
        type: 'enum',
        label: 'Status',
        values: ['pending', 'confirmed', 'completed', 'cancelled', 'no_show'],
        sortable: true,
        required: true,
      },
      amount: { type: 'number', label: 'Amount (INR)', sortable: true },
      paid: { type: 'boolean', label: 'Paid' },
      notes: { type: 'string', label: 'Notes', personal: true, searchable: false },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  events: {
    key: 'events',
    label: 'Events',
    read: 'data.content.read',
    titleField: 'title',
    defaultSort: { field: 'startsAt', dir: 'desc' },
    fields: {
      title: { type: 'string', label: 'Title', searchable: true, sortable: true, required: true },
      slug: { type: 'string', label: 'Slug' },
      description: { type: 'string', label: 'Description', searchable: true },
      category: { type: 'enum', label: 'Category', values: ['workshop', 'webinar', 'support_group', 'retreat', 'talk'] },
      startsAt: ts('Starts at', { required: true }),
      endsAt: ts('Ends at'),
      location: { type: 'string', label: 'Location', searchable: true },
      online: { type: 'boolean', label: 'Online' },
      capacity: { type: 'number', label: 'Capacity', sortable: true },
      status: { type: 'enum', label: 'Status', values: ['draft', 'published', 'cancelled', 'completed'], sortable: true, required: true },
      tags: { type: 'tags', label: 'Tags', searchable: true },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  event_registrations: {
    key: 'event_registrations',
    label: 'Event registrations',
    read: 'data.registrations.read',
    titleField: 'createdAt',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      eventId: { type: 'objectId', label: 'Event', ref: 'events', required: true },
      userId: { type: 'objectId', label: 'Member', ref: 'users', required: true },
      status: { type: 'enum', label: 'Status', values: ['registered', 'attended', 'cancelled', 'waitlisted'], sortable: true, required: true },
      createdAt: ts('Created', { required: true }),
    },
  },
  blogs: {
    key: 'blogs',
    label: 'Blog posts',
    read: 'data.content.read',
    titleField: 'title',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      title: { type: 'string', label: 'Title', searchable: true, sortable: true, required: true },
      slug: { type: 'string', label: 'Slug' },
      author: { type: 'string', label: 'Author', searchable: true, sortable: true },
      excerpt: { type: 'string', label: 'Excerpt', searchable: true },
      body: { type: 'string', label: 'Body' },
      tags: { type: 'tags', label: 'Tags', searchable: true },
      status: { type: 'enum', label: 'Status', values: ['draft', 'published', 'archived'], sortable: true, required: true },
      publishedAt: ts('Published at'),
      views: { type: 'number', label: 'Views', sortable: true },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  careers: {
    key: 'careers',
    label: 'Careers',
    read: 'data.content.read',
    titleField: 'title',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      title: { type: 'string', label: 'Title', searchable: true, sortable: true, required: true },
      department: { type: 'string', label: 'Department', searchable: true, sortable: true },
      location: { type: 'string', label: 'Location', searchable: true },
      employmentType: { type: 'enum', label: 'Employment type', values: ['full_time', 'part_time', 'contract', 'internship'] },
      status: { type: 'enum', label: 'Status', values: ['draft', 'open', 'closed'], sortable: true, required: true },
      applicants: { type: 'number', label: 'Applicants', sortable: true },
      description: { type: 'string', label: 'Description' },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  volunteers: {
    key: 'volunteers',
    label: 'Volunteers',
    read: 'data.community.read',
    titleField: 'name',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      name: { type: 'string', label: 'Name', searchable: true, sortable: true, required: true, personal: true },
      email: { type: 'string', label: 'Email', searchable: true, personal: true },
      phone: { type: 'string', label: 'Phone', personal: true },
      city: { type: 'string', label: 'City', searchable: true, sortable: true },
      areas: { type: 'tags', label: 'Areas', searchable: true },
      availability: { type: 'enum', label: 'Availability', values: ['weekdays', 'weekends', 'flexible'] },
      status: { type: 'enum', label: 'Status', values: ['applied', 'approved', 'active', 'rejected', 'inactive'], sortable: true, required: true },
      motivation: { type: 'string', label: 'Motivation', personal: true },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  contacts: {
    key: 'contacts',
    label: 'Contact messages',
    read: 'data.community.read',
    titleField: 'subject',
    defaultSort: { field: 'createdAt', dir: 'desc' },
    fields: {
      name: { type: 'string', label: 'Name', searchable: true, sortable: true, personal: true },
      email: { type: 'string', label: 'Email', searchable: true, personal: true },
      phone: { type: 'string', label: 'Phone', personal: true },
      subject: { type: 'string', label: 'Subject', searchable: true, required: true },
      message: { type: 'string', label: 'Message', personal: true },
      status: { type: 'enum', label: 'Status', values: ['new', 'in_progress', 'resolved', 'spam'], sortable: true, required: true },
      createdAt: ts('Created', { required: true }),
      updatedAt: ts('Updated'),
    },
  },
  activity_events: {
    key: 'activity_events',
    label: 'Activity events',
    read: 'data.activity.read',
    titleField: 'name',
    defaultSort: { field: 'ts', dir: 'desc' },
    fields: {
      eventId: { type: 'string', label: 'Client event id' },
      userId: { type: 'objectId', label: 'Member', ref: 'users', required: true },
      name: { type: 'string', label: 'Event name', searchable: true, sortable: true, required: true },
      ts: ts('Time', { required: true }),
      // not sortable (so not indexed): sorting by day or receivedAt is sorting by ts, whose index is kept on
      // every database; each index on this collection costs the ingestion rate (README, index policy)
      day: { type: 'string', label: 'Day (UTC)' },
      week: { type: 'string', label: 'ISO week' },
      month: { type: 'string', label: 'Month' },
      source: { type: 'enum', label: 'Source', values: ['web', 'ios', 'android'] },
      receivedAt: ts('Received at', { sortable: false }),
    },
  },
} as const satisfies Record<string, CollectionDef>;

export type CollectionKey = keyof typeof defs;
export const REGISTRY: Record<CollectionKey, CollectionDef> = defs;
export const COLLECTION_KEYS = Object.keys(defs) as CollectionKey[];

export function isCollectionKey(k: string): k is CollectionKey {
  return Object.prototype.hasOwnProperty.call(defs, k);
}

/**
 * System collections that search and export also serve (read-only). Dotted field names
 * address nested values; they are allowed only because they are declared here.
 */
const systemDefs = {
  audit_logs: {
    key: 'audit_logs',
    label: 'Audit log',
    read: 'audit.read',
    titleField: 'action',
    defaultSort: { field: 'at', dir: 'desc' },
    system: true,
    keywords: false,
    fields: {
      at: ts('Time', { required: true }),
      'actor.email': { type: 'string', label: 'Actor email', sortable: true },
      'actor.role': { type: 'string', label: 'Actor role' },
      action: { type: 'string', label: 'Action', sortable: true },
      'target.type': { type: 'string', label: 'Target type' },
      'target.id': { type: 'string', label: 'Target id' },
      'target.label': { type: 'string', label: 'Target' },
      result: { type: 'enum', label: 'Result', values: ['success', 'failure', 'denied'] },
      error: { type: 'string', label: 'Error' },
      ip: { type: 'string', label: 'IP address' },
    },
  },
} as const satisfies Record<string, CollectionDef>;

/** Every collection search and export may name: platform collections plus system ones. */
export type SearchKey = CollectionKey | keyof typeof systemDefs;
export const SEARCH_REGISTRY: Record<SearchKey, CollectionDef> = { ...defs, ...systemDefs };
export const SEARCH_KEYS = Object.keys(SEARCH_REGISTRY) as SearchKey[];

export function isSearchKey(k: string): k is SearchKey {
  return Object.prototype.hasOwnProperty.call(SEARCH_REGISTRY, k);
}

/** Whether documents of this collection carry the `_kw` keyword array. */
export function hasKeywords(c: SearchKey): boolean {
  const d = SEARCH_REGISTRY[c];
  return d.keywords !== false && Object.values(d.fields).some((f) => f.searchable);
}

export function personalFields(c: SearchKey): string[] {
  return Object.entries(SEARCH_REGISTRY[c].fields)
    .filter(([, f]) => f.personal)
    .map(([name]) => name);
}

export const MASK = '••••';

/**
 * Returns a copy with every personal field masked, present or not, empty or not (so tables show it is
 * hidden, and '••••' vs blank does not tell whether the member filled it in).
 */
export function maskDoc<T extends Record<string, unknown>>(c: SearchKey, doc: T, canSeePersonal: boolean): T {
  if (canSeePersonal) return doc;
  const out: Record<string, unknown> = { ...doc };
  for (const f of personalFields(c)) out[f] = MASK;
  return out as T;
}
