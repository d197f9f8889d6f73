/**
 * Document shapes of the A-Cube platform collections.
 *
 * Field names are a contract shared by search, export, analytics, backups and
 * the seed generator. The enum value lists are exported as `as const` arrays so
 * that validators (zod) and UI filters can reuse them.
 *
 * Note: real data (and the seeded demo data, on purpose) can contain a few
 * malformed documents — e.g. a missing `createdAt` or a mis-cased status such as
 * 'Confirmed'. The types below describe well-formed documents.
 */
import type { ObjectId } from 'mongodb';

export const COLLECTIONS = {
  users: 'users',
  psychologists: 'psychologists',
  sessionBookings: 'session_bookings',
  events: 'events',
  eventRegistrations: 'event_registrations',
  blogs: 'blogs',
  careers: 'careers',
  volunteers: 'volunteers',
  contacts: 'contacts',
  activityEvents: 'activity_events',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** Every collection written by the platform seed (not `admins` / `audit_logs`). */
export const PLATFORM_COLLECTIONS: readonly CollectionName[] = Object.values(COLLECTIONS);

// ---------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------

export const GENDERS = ['female', 'male', 'non_binary', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const USER_STATUSES = ['active', 'inactive', 'banned'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const SIGNUP_SOURCES = ['web', 'ios', 'android', 'referral', 'event'] as const;
export type SignupSource = (typeof SIGNUP_SOURCES)[number];

export const USER_TAGS = [
  'anxiety',
  'depression',
  'stress',
  'student',
  'corporate',
  'parent',
  'new_parent',
  'lgbtq',
  'relationships',
  'sleep',
  'grief',
  'self_care',
  'burnout',
  'first_time',
] as const;
export type UserTag = (typeof USER_TAGS)[number];

export const SPECIALTIES = ['anxiety', 'depression', 'relationships', 'trauma', 'addiction', 'child', 'career', 'grief'] as const;
export type Specialty = (typeof SPECIALTIES)[number];

export const LANGUAGES = ['English', 'Hindi', 'Marathi', 'Tamil', 'Telugu', 'Kannada', 'Bengali', 'Malayalam', 'Gujarati', 'Punjabi'] as const;

export const PSYCHOLOGIST_STATUSES = ['active', 'on_leave', 'inactive'] as const;
export type PsychologistStatus = (typeof PSYCHOLOGIST_STATUSES)[number];

export const SESSION_DURATIONS = [30, 45, 60, 90] as const;
export type SessionDuration = (typeof SESSION_DURATIONS)[number];

export const SESSION_MODES = ['online', 'in_person'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

export const BOOKING_STATUSES = ['pending', 'confirmed', 'completed', 'cancelled', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const EVENT_CATEGORIES = ['workshop', 'webinar', 'support_group', 'retreat', 'talk'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export const EVENT_STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const REGISTRATION_STATUSES = ['registered', 'attended', 'cancelled', 'waitlisted'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const BLOG_STATUSES = ['draft', 'published', 'archived'] as const;
export type BlogStatus = (typeof BLOG_STATUSES)[number];

export const EMPLOYMENT_TYPES = ['full_time', 'part_time', 'contract', 'internship'] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];

export const CAREER_STATUSES = ['draft', 'open', 'closed'] as const;
export type CareerStatus = (typeof CAREER_STATUSES)[number];

export const VOLUNTEER_AREAS = ['events', 'outreach', 'content', 'helpline', 'design', 'tech', 'fundraising'] as const;
export type VolunteerArea = (typeof VOLUNTEER_AREAS)[number];

export const VOLUNTEER_AVAILABILITY = ['weekdays', 'weekends', 'flexible'] as const;
export type VolunteerAvailability = (typeof VOLUNTEER_AVAILABILITY)[number];

export const VOLUNTEER_STATUSES = ['applied', 'approved', 'active', 'rejected', 'inactive'] as const;
export type VolunteerStatus = (typeof VOLUNTEER_STATUSES)[number];

export const CONTACT_STATUSES = ['new', 'in_progress', 'resolved', 'spam'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

// The platform's activity vocabulary belongs to analytics (production code); the seed uses it.
export { ACTIVITY_EVENT_NAMES, ACTIVITY_SOURCES, type ActivityEventName, type ActivitySource } from '../analytics/event-names';
import type { ActivityEventName, ActivitySource } from '../analytics/event-names';

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/** A member of the platform. */
export interface UserDoc {
  _id: ObjectId;
  name: string;
  /** Lower-case. */
  email: string;
  /** E.164, e.g. '+919876543210'. */
  phone: string;
  city: string;
  gender: Gender;
  dateOfBirth: Date;
  status: UserStatus;
  signupSource: SignupSource;
  tags: string[];
  /** Free text; often ''. */
  notes: string;
  createdAt: Date;
  updatedAt: Date;
  /** Last activity (app event or booking); null if the member never came back after signing up. */
  lastActiveAt: Date | null;
}

export interface PsychologistDoc {
  _id: ObjectId;
  name: string;
  email: string;
  phone: string;
  specialties: Specialty[];
  languages: string[];
  /** 1.0–5.0, one decimal. */
  rating: number;
  /** INR per 60-minute session, 800–4000. */
  sessionFee: number;
  yearsExperience: number;
  verified: boolean;
  status: PsychologistStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionBookingDoc {
  _id: ObjectId;
  userId: ObjectId;
  psychologistId: ObjectId;
  scheduledAt: Date;
  durationMin: SessionDuration;
  mode: SessionMode;
  status: BookingStatus;
  /** INR. */
  amount: number;
  paid: boolean;
  notes: string;
  /** Always before scheduledAt. */
  createdAt: Date;
  updatedAt: Date;
}

export interface EventDoc {
  _id: ObjectId;
  title: string;
  slug: string;
  description: string;
  category: EventCategory;
  startsAt: Date;
  endsAt: Date;
  location: string;
  online: boolean;
  capacity: number;
  status: EventStatus;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface EventRegistrationDoc {
  _id: ObjectId;
  eventId: ObjectId;
  userId: ObjectId;
  status: RegistrationStatus;
  createdAt: Date;
}

export interface BlogDoc {
  _id: ObjectId;
  title: string;
  slug: string;
  author: string;
  excerpt: string;
  body: string;
  tags: string[];
  status: BlogStatus;
  /** null for drafts. */
  publishedAt: Date | null;
  views: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A job posting. */
export interface CareerDoc {
  _id: ObjectId;
  title: string;
  /** Unique per collection (issue 14: the content editor's URLs). */
  slug: string;
  department: string;
  location: string;
  employmentType: EmploymentType;
  status: CareerStatus;
  applicants: number;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface VolunteerDoc {
  _id: ObjectId;
  name: string;
  email: string;
  phone: string;
  city: string;
  areas: VolunteerArea[];
  availability: VolunteerAvailability;
  status: VolunteerStatus;
  motivation: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A contact-form message. */
export interface ContactDoc {
  _id: ObjectId;
  name: string;
  email: string;
  /** May be '' (optional on the form). */
  phone: string;
  subject: string;
  message: string;
  status: ContactStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** Small, JSON-safe properties sent by the client (ids as hex strings). */
export type ActivityProps = Record<string, string | number | boolean>;

/** A product-analytics event. `_id` time matches `receivedAt`. */
export interface ActivityEventDoc {
  _id: ObjectId;
  /** Client-generated id, unique (seeded data uses 'seed-<n>'). */
  eventId: string;
  userId: ObjectId;
  name: ActivityEventName;
  ts: Date;
  /** 'YYYY-MM-DD' (UTC) of ts. */
  day: string;
  /** 'YYYY-Www' ISO week (UTC) of ts. */
  week: string;
  /** 'YYYY-MM' (UTC) of ts. */
  month: string;
  props: ActivityProps;
  source: ActivitySource;
  receivedAt: Date;
}

export interface CollectionDocs {
  users: UserDoc;
  psychologists: PsychologistDoc;
  session_bookings: SessionBookingDoc;
  events: EventDoc;
  event_registrations: EventRegistrationDoc;
  blogs: BlogDoc;
  careers: CareerDoc;
  volunteers: VolunteerDoc;
  contacts: ContactDoc;
  activity_events: ActivityEventDoc;
}
