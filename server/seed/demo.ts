/**
 * Deterministic demo / load-test data for the A-Cube platform collections.
 *
 *   await seedPlatform(db, { ...DEMO_DEFAULTS, now: new Date() }, console.log)
 *
 * - Same `seed` + same `now` (+ same counts) ⇒ byte-identical documents, including `_id`s.
 *   ObjectIds are built by hand: 4-byte timestamp = the document's createdAt (activity:
 *   receivedAt) in seconds, 5 bytes from the PRNG, 3-byte per-collection counter (so ids
 *   are unique within a collection by construction).
 * - Every collection has its own PRNG stream (forked from `seed` by name), so changing
 *   e.g. `blogs` does not change the users that are generated.
 * - Streams documents in batches (`insertMany`, unordered); only compact per-user typed
 *   arrays are held in memory, so it scales to ~1M bookings / ~2M activity events.
 * - Does not create indexes, does not clear collections (callers drop first if needed)
 *   and never touches `admins` / `audit_logs`.
 * - A handful (~0.5%) of deliberately bad records are included for data-validation tools:
 *   missing `createdAt` (users, session_bookings, contacts, volunteers), mis-cased statuses
 *   ('Confirmed', 'PENDING', 'Active', …) and session_bookings whose userId does not exist.
 */
import { ObjectId, type Collection, type Db, type Document } from 'mongodb';
import { buckets, type Buckets } from '../lib/buckets';
import { Rng, upperBound } from '../lib/prng';
import { isSearchKey } from '../registry';
import { withKeywords } from '../search/keywords';
import {
  COLLECTIONS,
  LANGUAGES,
  SPECIALTIES,
  USER_TAGS,
  VOLUNTEER_AREAS,
  type ActivityEventDoc,
  type ActivityEventName,
  type ActivityProps,
  type ActivitySource,
  type BlogDoc,
  type BlogStatus,
  type BookingStatus,
  type CareerDoc,
  type CareerStatus,
  type ContactDoc,
  type ContactStatus,
  type EmploymentType,
  type EventCategory,
  type EventDoc,
  type EventRegistrationDoc,
  type EventStatus,
  type Gender,
  type PsychologistDoc,
  type PsychologistStatus,
  type RegistrationStatus,
  type SessionBookingDoc,
  type SessionDuration,
  type SessionMode,
  type SignupSource,
  type UserDoc,
  type UserStatus,
  type VolunteerAvailability,
  type VolunteerDoc,
  type VolunteerStatus,
} from './types';

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

export interface SeedOptions {
  users: number;
  psychologists?: number;
  bookings: number;
  activity: number;
  events?: number;
  blogs?: number;
  careers?: number;
  volunteers?: number;
  contacts?: number;
  registrations?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Reference "now"; all generated history lies in the 12 months before it (default: new Date()). */
  now?: Date;
  /** Documents per insertMany (default 1000). Does not affect the generated data. */
  batchSize?: number;
  /** insertMany calls in flight per collection (default 2). Does not affect the generated data. */
  concurrency?: number;
}

export type ResolvedSeedOptions = Required<Omit<SeedOptions, 'now'>> & { now: Date };

export type SeedCounts = Record<string, number>;

/** The demo data set (loads in a few seconds on FerretDB). */
export const DEMO_DEFAULTS = {
  users: 1500,
  psychologists: 30,
  bookings: 4000,
  activity: 40000,
  events: 60,
  registrations: 2250,
  blogs: 75,
  careers: 15,
  volunteers: 100,
  contacts: 300,
  seed: 20240917,
} as const satisfies Required<Omit<SeedOptions, 'now' | 'batchSize' | 'concurrency'>>;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const count = (n: number | undefined, fallback: number): number => {
  const v = n ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`seed count must be a non-negative number, got ${v}`);
  return Math.floor(v);
};

/** Fill in the defaults (derived from `users`) for omitted options. */
export function resolveSeedOptions(opts: SeedOptions): ResolvedSeedOptions {
  const users = count(opts.users, 0);
  return {
    users,
    bookings: count(opts.bookings, 0),
    activity: count(opts.activity, 0),
    psychologists: count(opts.psychologists, clamp(Math.round(users / 50), 5, 5000)),
    events: count(opts.events, clamp(Math.round(users / 25), 5, 5000)),
    registrations: count(opts.registrations, Math.round(users * 1.5)),
    blogs: count(opts.blogs, clamp(Math.round(users / 20), 5, 5000)),
    careers: count(opts.careers, clamp(Math.round(users / 100), 3, 500)),
    volunteers: count(opts.volunteers, clamp(Math.round(users / 15), 3, 50_000)),
    contacts: count(opts.contacts, clamp(Math.round(users / 5), 5, 200_000)),
    seed: (opts.seed ?? 1) >>> 0,
    now: opts.now ? new Date(opts.now.getTime()) : new Date(),
    batchSize: clamp(Math.floor(opts.batchSize ?? 1000), 1, 100_000),
    concurrency: clamp(Math.floor(opts.concurrency ?? 2), 1, 16),
  };
}

// ---------------------------------------------------------------------------
// Time helpers
// ---------------------------------------------------------------------------

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** India Standard Time offset; time-of-day patterns are generated in IST. */
const IST = 5.5 * HOUR;
/** History window length ("the last 12 months"). */
export const SEED_WINDOW_MS = 365 * DAY;

/** Day index (days since epoch) in IST. */
const istDay = (ms: number) => Math.floor((ms + IST) / DAY);
/** Day of week in IST, 0 = Sunday. */
const istDow = (ms: number) => (istDay(ms) + 4) % 7;
/** Epoch ms of IST midnight of IST day index `d`. */
const istMidnight = (d: number) => d * DAY - IST;

/** Hour-of-day (IST) weights for app activity: morning bump, evening peak. */
const HOUR_CUM = (() => {
  const w = [2, 1, 0.5, 0.3, 0.3, 0.6, 1.5, 3, 4.5, 5, 5, 5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6.5, 7.5, 8, 6.5, 4];
  let s = 0;
  return Float64Array.from(w, (x) => (s += x));
})();

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

const FEMALE_FIRST = [
  'Aanya',
  'Aditi',
  'Aishwarya',
  'Ananya',
  'Anjali',
  'Anusha',
  'Bhavna',
  'Deepika',
  'Divya',
  'Gauri',
  'Ishita',
  'Kavya',
  'Kritika',
  'Lakshmi',
  'Meera',
  'Megha',
  'Neha',
  'Nandini',
  'Pooja',
  'Priya',
  'Radhika',
  'Riya',
  'Sakshi',
  'Sanjana',
  'Shreya',
  'Simran',
  'Sneha',
  'Swati',
  'Tanvi',
  'Trisha',
  'Vaishnavi',
  'Zoya',
  'Fatima',
  'Harpreet',
  'Nikita',
  'Pallavi',
  'Rashmi',
  'Sunita',
  'Isha',
  'Mitali',
] as const;
const MALE_FIRST = [
  'Aarav',
  'Abhishek',
  'Aditya',
  'Akash',
  'Amit',
  'Arjun',
  'Ayaan',
  'Dev',
  'Dhruv',
  'Farhan',
  'Gaurav',
  'Harsh',
  'Ishaan',
  'Karan',
  'Kabir',
  'Manish',
  'Mohit',
  'Nikhil',
  'Pranav',
  'Rahul',
  'Rajesh',
  'Rohan',
  'Sahil',
  'Sanjay',
  'Siddharth',
  'Suresh',
  'Tarun',
  'Varun',
  'Vikram',
  'Vivek',
  'Yash',
  'Imran',
  'Gurpreet',
  'Kunal',
  'Naveen',
  'Prateek',
  'Ritesh',
  'Anand',
  'Joseph',
  'Sameer',
] as const;
const NEUTRAL_FIRST = ['Ari', 'Kiran', 'Noor', 'Sam', 'Jai', 'Shashi', 'Sky', 'Robin'] as const;
const LAST_NAMES = [
  'Sharma',
  'Verma',
  'Gupta',
  'Iyer',
  'Iyengar',
  'Nair',
  'Menon',
  'Pillai',
  'Reddy',
  'Rao',
  'Naidu',
  'Patel',
  'Shah',
  'Mehta',
  'Desai',
  'Joshi',
  'Kulkarni',
  'Deshpande',
  'Patil',
  'Jadhav',
  'Singh',
  'Kaur',
  'Gill',
  'Malhotra',
  'Kapoor',
  'Khanna',
  'Chopra',
  'Bose',
  'Banerjee',
  'Chatterjee',
  'Mukherjee',
  'Das',
  'Ghosh',
  'Sen',
  'Mishra',
  'Tiwari',
  'Pandey',
  'Yadav',
  'Khan',
  'Siddiqui',
  'Fernandes',
  "D'Souza",
  'Thomas',
  'George',
  'Hegde',
  'Shetty',
  'Kamath',
  'Bhat',
  'Agarwal',
  'Jain',
] as const;
const CITIES = [
  ['Mumbai', 14],
  ['Bengaluru', 14],
  ['Delhi', 11],
  ['Pune', 8],
  ['Hyderabad', 8],
  ['Chennai', 7],
  ['Kolkata', 5],
  ['Gurugram', 4],
  ['Noida', 3],
  ['Ahmedabad', 3],
  ['Jaipur', 2],
  ['Kochi', 2],
  ['Chandigarh', 2],
  ['Lucknow', 2],
  ['Indore', 1.5],
  ['Bhopal', 1],
  ['Coimbatore', 1.5],
  ['Nagpur', 1],
  ['Mysuru', 1],
  ['Thiruvananthapuram', 1],
  ['Vadodara', 1],
  ['Surat', 1],
  ['Guwahati', 1],
  ['Dehradun', 1],
  ['Goa', 1],
] as const;
const EMAIL_DOMAINS = [
  ['gmail.com', 58],
  ['yahoo.co.in', 8],
  ['outlook.com', 8],
  ['hotmail.com', 5],
  ['rediffmail.com', 3],
  ['icloud.com', 5],
  ['proton.me', 2],
  ['infosys.com', 2],
  ['tcs.com', 2],
  ['wipro.com', 1.5],
  ['accenture.com', 1.5],
  ['flipkart.com', 1],
  ['iitb.ac.in', 1],
  ['du.ac.in', 1],
] as const;
const CORPORATE_DOMAINS = new Set(['infosys.com', 'tcs.com', 'wipro.com', 'accenture.com', 'flipkart.com']);
const STUDENT_DOMAINS = new Set(['iitb.ac.in', 'du.ac.in']);

const USER_NOTES = [
  'Prefers evening sessions.',
  'Requested a female therapist.',
  'Referred by employer wellness programme.',
  'Asked about sliding-scale fees.',
  'Prefers sessions in Hindi.',
  'Follow up about rescheduling policy.',
  'First time in therapy.',
  'Attended the mindfulness workshop.',
  'Corporate plan — check coverage.',
  'Requested invoice with GST number.',
] as const;

const BOOKING_NOTES = [
  'Rescheduled once.',
  'Client requested a follow-up.',
  'Intro session.',
  'Couples session.',
  'Prefers video off.',
  'Paid via UPI.',
  'Corporate plan.',
  'Needs session summary for HR.',
  'Asked for Hindi-speaking therapist.',
] as const;

const PATHS = [
  '/',
  '/therapists',
  '/therapists/search',
  '/events',
  '/blog',
  '/careers',
  '/volunteer',
  '/about',
  '/pricing',
  '/faq',
  '/contact',
  '/account',
  '/account/bookings',
  '/resources/helplines',
] as const;
const SEARCH_QUERIES = [
  'anxiety',
  'therapist near me',
  'depression',
  'couples counselling',
  'hindi speaking therapist',
  'sleep',
  'work stress',
  'grief support',
  'child psychologist',
  'online therapy',
  'panic attacks',
  'career counselling',
  'addiction',
  'trauma therapy',
  'low cost therapy',
  'support group',
] as const;
const PROFILE_FIELDS = ['phone', 'city', 'preferences', 'avatar', 'language', 'notifications'] as const;
const MESSAGE_CHANNELS = ['chat', 'chat', 'chat', 'support', 'helpline'] as const;

const EVENT_TITLES: Record<EventCategory, readonly string[]> = {
  workshop: [
    'Mindfulness for Beginners',
    'Managing Anxiety at Work',
    'Journaling for Mental Clarity',
    'Building Healthy Boundaries',
    'Stress-Proofing Your Week',
    'Art Therapy Basics',
    'Sleep Hygiene Workshop',
  ],
  webinar: [
    'Understanding Depression',
    'Talking to Your Teen About Mental Health',
    'Burnout: Signs and Recovery',
    'Therapy 101: What to Expect',
    'Mental Health at the Workplace',
    'Navigating Exam Stress',
  ],
  support_group: [
    'Grief Circle',
    'New Parents Support Group',
    'Anxiety Peer Circle',
    'LGBTQ+ Safe Space',
    'Caregivers Support Group',
    'Loneliness & Connection Circle',
  ],
  retreat: ['Weekend Wellness Retreat', 'Silent Mindfulness Retreat', 'Nature & Healing Retreat'],
  talk: ['Resilience in Uncertain Times', 'The Science of Happiness', 'Breaking the Stigma', 'Men and Mental Health', 'Digital Detox', 'Healthy Relationships'],
};
const EVENT_TAGS = [
  'mindfulness',
  'anxiety',
  'stress',
  'depression',
  'grief',
  'parenting',
  'workplace',
  'students',
  'relationships',
  'self_care',
  'lgbtq',
  'sleep',
  'community',
] as const;
const VENUES = [
  'A-Cube Centre',
  'The Wellness Studio',
  'Community Hall',
  'Cubbon Park Pavilion',
  'Lotus Auditorium',
  'Banyan Retreat',
  'Riverside Library',
  'Green Leaf Café',
] as const;

const BLOG_TOPICS = [
  'Anxiety',
  'Burnout',
  'Grief',
  'Loneliness',
  'Self-Compassion',
  'Sleep',
  'Exam Stress',
  'Panic Attacks',
  'Boundaries',
  'Work-Life Balance',
  'Social Media Fatigue',
  'Parenting Stress',
  'Imposter Syndrome',
  'Relationship Conflict',
  'Overthinking',
] as const;
const BLOG_TITLE_TEMPLATES = [
  (t: string) => `Understanding ${t}`,
  (t: string) => `5 Ways to Cope with ${t}`,
  (t: string) => `${t}: When to Seek Help`,
  (t: string) => `A Therapist's Guide to ${t}`,
  (t: string) => `Myths and Facts About ${t}`,
  (t: string) => `Small Habits That Help with ${t}`,
  (t: string) => `Talking to Loved Ones About ${t}`,
] as const;
const BLOG_SENTENCES = [
  'Many people experience this at some point in their lives, and it is nothing to be ashamed of.',
  'Noticing the pattern early makes it much easier to respond with care.',
  'Simple routines such as regular sleep, movement and meals make a measurable difference.',
  'Talking to someone you trust can lighten the load more than you expect.',
  'A trained therapist can help you understand what is driving these feelings.',
  'Try writing down what you feel for five minutes each evening.',
  'Breathing exercises calm the nervous system within a few minutes.',
  'It is okay to take small steps; progress is rarely a straight line.',
  'If you ever feel unsafe, please reach out to a crisis helpline immediately.',
  'Boundaries are not walls; they are guidelines for how we want to be treated.',
  'Research shows that social connection is one of the strongest predictors of wellbeing.',
  'Be gentle with yourself on difficult days.',
  'Therapy is a collaborative process, and finding the right fit matters.',
  'Screens late at night can make it harder to fall and stay asleep.',
] as const;
const STAFF_AUTHORS = ['A-Cube Editorial Team', 'Nisha Rao', 'Arjun Menon', 'Farah Siddiqui', 'Team A-Cube'] as const;
const BLOG_TAGS = ['anxiety', 'depression', 'self_care', 'relationships', 'workplace', 'students', 'grief', 'sleep', 'therapy', 'parenting'] as const;

const JOBS = [
  ['Clinical Psychologist', 'Clinical'],
  ['Counselling Psychologist', 'Clinical'],
  ['Child Psychologist', 'Clinical'],
  ['Helpline Counsellor', 'Clinical'],
  ['Clinical Supervisor', 'Clinical'],
  ['Full-Stack Engineer', 'Engineering'],
  ['Mobile Engineer (React Native)', 'Engineering'],
  ['Data Analyst', 'Engineering'],
  ['QA Engineer', 'Engineering'],
  ['Product Designer', 'Design'],
  ['Content Writer', 'Marketing'],
  ['Social Media Manager', 'Marketing'],
  ['Growth Marketing Intern', 'Marketing'],
  ['Community Manager', 'Community'],
  ['Events Coordinator', 'Community'],
  ['Operations Associate', 'Operations'],
  ['Customer Support Executive', 'Operations'],
  ['HR Generalist', 'People'],
] as const;
const JOB_LOCATIONS = ['Bengaluru', 'Mumbai', 'Delhi NCR', 'Pune', 'Hyderabad', 'Remote (India)', 'Hybrid — Bengaluru'] as const;

const VOLUNTEER_MOTIVATIONS = [
  'I lost a friend to suicide and want to help others find support early.',
  'I am a psychology student and want hands-on community experience.',
  'Therapy helped me a lot and I want to give back.',
  'I have organised college events and would love to help with workshops.',
  'I write regularly and can help with blog content in Hindi and English.',
  'I want to help reduce the stigma around mental health in my city.',
  'I have weekends free and care deeply about this cause.',
  'I work in tech and can help with the website and tools.',
] as const;

const CONTACT_SUBJECTS = [
  ['Booking help', 20],
  ['Refund request', 8],
  ['Corporate wellness enquiry', 8],
  ['Partnership proposal', 5],
  ['Feedback', 10],
  ['Unable to log in', 8],
  ['Payment failed', 8],
  ['Therapist recommendation', 10],
  ['Volunteering', 5],
  ['Media enquiry', 2],
  ['Event question', 6],
  ['Other', 10],
] as const;
const CONTACT_MESSAGES = [
  'Hi, I tried booking a session but the payment page keeps timing out. Can you help?',
  'Could you suggest a therapist who speaks Tamil and works on weekends?',
  'We are a 200-person company looking for an employee wellness programme. Please share details.',
  'My session was cancelled by the therapist; how do I get a refund?',
  'Loved the webinar last week — will there be a recording?',
  'I cannot log in with my phone number, the OTP never arrives.',
  'Do you offer sessions for teenagers? My son is 15.',
  'Is there a sliding-scale option for students?',
  'I would like to collaborate on a campus mental health drive.',
  'Please update my email address on my account.',
] as const;
const SPAM_MESSAGES = [
  'Boost your website traffic with our SEO services!!! Cheap rates, guaranteed results.',
  'Congratulations, you have won a prize. Click the link to claim.',
  'We sell followers and likes for Instagram. DM for price list.',
] as const;

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/** ObjectIds whose timestamp is the document's creation time and whose other bytes come from the PRNG. */
class IdGen {
  private counter: number;
  constructor(private readonly rng: Rng) {
    this.counter = rng.u32() & 0xffffff;
  }
  at(ms: number): ObjectId {
    const b = Buffer.allocUnsafe(12);
    b.writeUInt32BE(Math.floor(ms / 1000) >>> 0, 0);
    b.writeUInt32BE(this.rng.u32(), 4);
    b[8] = this.rng.u32() & 0xff;
    this.counter = (this.counter + 1) & 0xffffff;
    b[9] = this.counter >>> 16;
    b[10] = (this.counter >>> 8) & 0xff;
    b[11] = this.counter & 0xff;
    return new ObjectId(b);
  }
}

type Settled = { ok: true; n: number } | { ok: false; err: unknown };

/** Buffers documents and writes them with unordered insertMany, a bounded number in flight. */
class BatchWriter<T extends Document> {
  private buf: T[] = [];
  private inflight: Array<Promise<Settled>> = [];
  private inserted = 0;
  constructor(
    private readonly coll: Collection<T>,
    private readonly batchSize: number,
    private readonly concurrency: number,
    private readonly onProgress?: (inserted: number) => void,
    private readonly prepare: (doc: T) => T = (d) => d,
  ) {}

  async add(doc: T): Promise<void> {
    this.buf.push(this.prepare(doc));
    if (this.buf.length >= this.batchSize) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const docs = this.buf;
    this.buf = [];
    const p = this.coll.insertMany(docs as unknown as Parameters<typeof this.coll.insertMany>[0], { ordered: false }).then(
      (r): Settled => ({ ok: true, n: r.insertedCount }),
      (err: unknown): Settled => ({ ok: false, err }),
    );
    this.inflight.push(p);
    while (this.inflight.length >= this.concurrency) await this.settleOne();
  }

  private async settleOne(): Promise<void> {
    const r = await this.inflight.shift()!;
    if (!r.ok) {
      // Let the remaining writes finish before surfacing the error.
      await Promise.all(this.inflight);
      this.inflight = [];
      throw r.err;
    }
    this.inserted += r.n;
    this.onProgress?.(this.inserted);
  }

  async close(): Promise<number> {
    await this.flush();
    while (this.inflight.length > 0) await this.settleOne();
    return this.inserted;
  }
}

/** Deterministic set of `round(n * rate)` distinct indices in [0, n) (at least `min` once n >= 10). */
function badIndexSet(rng: Rng, n: number, rate: number, min = 1): Set<number> {
  const k = n >= 10 ? Math.min(n, Math.max(min, Math.round(n * rate))) : 0;
  const s = new Set<number>();
  while (s.size < k) s.add(rng.int(0, n - 1));
  return s;
}

/** 'confirmed' → 'Confirmed' | 'CONFIRMED'. */
function miscase(rng: Rng, s: string): string {
  return rng.chance(0.5) ? s.toUpperCase() : s.charAt(0).toUpperCase() + s.slice(1);
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const emailLocal = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

function makePerson(rng: Rng, gender: Gender | null) {
  const g = gender ?? (rng.chance(0.5) ? 'female' : 'male');
  const first =
    g === 'female'
      ? rng.pick(FEMALE_FIRST)
      : g === 'male'
        ? rng.pick(MALE_FIRST)
        : rng.chance(0.5)
          ? rng.pick(NEUTRAL_FIRST)
          : rng.pick(rng.chance(0.5) ? FEMALE_FIRST : MALE_FIRST);
  const last = rng.pick(LAST_NAMES);
  return { first, last, name: `${first} ${last}` };
}

/** Lower-case email that is unique per (collection, index). */
function makeEmail(rng: Rng, first: string, last: string, index: number, domain: string): string {
  const f = emailLocal(first);
  const l = emailLocal(last);
  const n = index + 1;
  switch (rng.int(0, 3)) {
    case 0:
      return `${f}.${l}${n}@${domain}`;
    case 1:
      return `${f}${n}@${domain}`;
    case 2:
      return `${f[0]}_${l}${n}@${domain}`;
    default:
      return `${l}.${f}.${n}@${domain}`;
  }
}

const makePhone = (rng: Rng) => `+91${rng.int(6, 9)}${rng.digits(9)}`;

/** Picks an element, restricted to the first `k` of a list sorted by time (items with time <= t). */
class SortedByTime<T> {
  readonly items: T[];
  readonly times: Float64Array;
  constructor(items: T[], time: (x: T) => number) {
    const sorted = items.slice().sort((a, b) => time(a) - time(b));
    this.items = sorted;
    this.times = Float64Array.from(sorted, time);
  }
  /** Uniform pick among items with time <= t; undefined if none. */
  pickBefore(rng: Rng, t: number): T | undefined {
    const times = this.times;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const k = lo;
    if (k === 0) return undefined;
    return this.items[Math.floor(rng.next() * k)];
  }
}

/** Cumulative-sum sampler over a weight array. */
function cumulative(weights: ArrayLike<number>): Float64Array {
  const cum = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    cum[i] = s;
  }
  return cum;
}

function pickIndex(rng: Rng, cum: Float64Array): number {
  const total = cum[cum.length - 1]!;
  return upperBound(cum, rng.next() * total);
}

/** Allocate `total` units over `weights` proportionally (largest-share rounding via weighted draws). Exact sum. */
function allocate(rng: Rng, weights: ArrayLike<number>, total: number): Uint32Array {
  const n = weights.length;
  const out = new Uint32Array(n);
  let W = 0;
  for (let i = 0; i < n; i++) W += weights[i]!;
  if (n === 0 || total === 0 || !(W > 0)) return out;
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const c = Math.floor((total * weights[i]!) / W);
    out[i] = c;
    assigned += c;
  }
  const cum = cumulative(weights);
  for (let r = assigned; r < total; r++) out[pickIndex(rng, cum)]! += 1;
  return out;
}

// ---------------------------------------------------------------------------
// Engagement profiles
// ---------------------------------------------------------------------------

const Profile = { Never: 0, Churned: 1, Casual: 2, Core: 3, Resurrected: 4 } as const;
type Profile = (typeof Profile)[keyof typeof Profile];

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

/**
 * Generate and insert the platform demo data. Returns the number of documents inserted per collection.
 * Does not create indexes and does not delete anything.
 */
export async function seedPlatform(db: Db, opts: SeedOptions, log?: (msg: string) => void): Promise<SeedCounts> {
  const o = resolveSeedOptions(opts);
  const now = o.now.getTime();
  const windowStart = now - SEED_WINDOW_MS;
  const root = new Rng(o.seed);
  const counts: SeedCounts = {};
  const t0 = Date.now();

  const bucketCache = new Map<number, Buckets>();
  const bucketsOf = (ms: number): Buckets => {
    const d = Math.floor(ms / DAY);
    let b = bucketCache.get(d);
    if (!b) {
      b = buckets(new Date(ms));
      bucketCache.set(d, b);
    }
    return b;
  };

  const writer = <T extends Document>(name: string, total: number) => {
    const step = Math.max(100_000, Math.ceil(total / 10 / 100_000) * 100_000);
    let next = step;
    const started = Date.now();
    return new BatchWriter<T>(
      db.collection<T>(name),
      o.batchSize,
      o.concurrency,
      (n) => {
        if (log && total >= 200_000 && n >= next) {
          log(`  ${name}: ${n.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
          next += step;
        }
      },
      (d) => (isSearchKey(name) ? withKeywords(name, d) : d),
    );
  };

  const finish = async <T extends Document>(name: string, w: BatchWriter<T>, started: number) => {
    const n = await w.close();
    counts[name] = n;
    const secs = (Date.now() - started) / 1000;
    log?.(`${name}: ${n.toLocaleString('en-US')} docs in ${secs.toFixed(1)}s (${Math.round(n / Math.max(secs, 0.001)).toLocaleString('en-US')}/s)`);
  };

  // ------------------------------------------------------------------ users (plan only)
  // Members are planned up front in compact typed arrays; the documents are written later,
  // once activity and bookings are known, so that lastActiveAt is exact.
  const U = o.users;
  const planRng = root.fork('users:plan');
  const signup = new Float64Array(U);
  {
    // Growth curve: signups accelerate over the year (density ∝ e^{1.2x}).
    const g = 1.2;
    const eg = Math.exp(g) - 1;
    for (let i = 0; i < U; i++) {
      const x = Math.log(1 + planRng.next() * eg) / g;
      signup[i] = Math.floor(windowStart + x * (SEED_WINDOW_MS - MIN));
    }
    signup.sort();
  }
  const userIdGen = new IdGen(root.fork('id:users'));
  const userIds: ObjectId[] = Array.from(signup, (s) => userIdGen.at(s));
  const profile = new Uint8Array(U);
  const p1 = new Float32Array(U); // churned: lifetime days; resurrected: first-phase days; core: preferred IST weekday
  const p2 = new Float32Array(U); // resurrected: gap days
  const platform = new Uint8Array(U); // primary activity source index
  const srcIdx = new Uint8Array(U); // signupSource index
  const engagement = new Float64Array(U);
  const SOURCES: readonly ActivitySource[] = ['web', 'ios', 'android'];
  const SIGNUP_SOURCES_W = [
    ['web', 35],
    ['android', 30],
    ['ios', 15],
    ['referral', 12],
    ['event', 8],
  ] as const;
  const SIGNUP_SOURCE_LIST: readonly SignupSource[] = SIGNUP_SOURCES_W.map((p) => p[0]);
  const signupPick = planRng.weightedPicker(SIGNUP_SOURCES_W.map(([, w], i) => [i, w] as const));
  for (let i = 0; i < U; i++) {
    const T = (now - signup[i]!) / DAY;
    const si = signupPick();
    srcIdx[i] = si;
    const s = SIGNUP_SOURCE_LIST[si]!;
    platform[i] =
      s === 'web'
        ? 0
        : s === 'ios'
          ? 1
          : s === 'android'
            ? 2
            : planRng.weighted([
                [2, 50],
                [0, 30],
                [1, 20],
              ] as const);
    const r = planRng.next();
    let prof: Profile;
    let w = 0;
    if (r < 0.12) {
      prof = Profile.Never;
    } else if (r < 0.52) {
      prof = Profile.Churned;
    } else if (r < 0.7) {
      prof = Profile.Casual;
    } else if (r < 0.8) {
      prof = Profile.Resurrected;
    } else {
      prof = Profile.Core;
    }
    if (prof === Profile.Resurrected) {
      const l1 = planRng.float(5, 21);
      let gap = planRng.float(30, 120);
      if (T - l1 - gap < 14) gap = T - l1 - 14;
      if (gap < 21) prof = Profile.Casual;
      else {
        p1[i] = l1;
        p2[i] = gap;
        w = 1.4 * l1 + 0.5 * (T - l1 - gap) + 2;
      }
    }
    if (prof === Profile.Churned) {
      const life = Math.min(T, 0.5 + Math.min(planRng.exponential(7), 42));
      p1[i] = life;
      w = 1.6 * life + 2;
    } else if (prof === Profile.Casual) {
      w = 0.15 * T + 3;
    } else if (prof === Profile.Core) {
      p1[i] = planRng.int(0, 6);
      w = 0.7 * T + 12;
    }
    profile[i] = prof;
    // Heavy-tailed individual intensity.
    engagement[i] = prof === Profile.Never ? 0 : w * planRng.logNormal(0, 0.7);
  }

  /** A plausible moment (ms) at which member i was active, following their engagement profile. */
  const activeMoment = (rng: Rng, i: number): number => {
    const s = signup[i]!;
    const T = Math.max(0, (now - s) / DAY);
    let off: number;
    switch (profile[i] as Profile) {
      case Profile.Churned:
        off = p1[i]! * Math.pow(rng.next(), 1.6);
        break;
      case Profile.Casual:
        off = rng.chance(0.25) ? T * rng.next() : T * Math.pow(rng.next(), 2.5);
        break;
      case Profile.Core:
        if (rng.chance(0.3)) off = rng.exponential(8);
        else {
          const w = rng.int(0, Math.floor(T / 7));
          off = w * 7 + ((p1[i]! - istDow(s) + 7) % 7) + rng.normal(0, 0.4);
          if (off > T) off = T * rng.next();
        }
        break;
      case Profile.Resurrected: {
        const l1 = p1[i]!;
        const gap = p2[i]!;
        off = rng.chance(0.45) ? l1 * Math.pow(rng.next(), 1.4) : l1 + gap + (T - l1 - gap) * Math.pow(rng.next(), 1.3);
        break;
      }
      default:
        off = T * rng.next();
    }
    off = clamp(off, 0, T);
    let d = istDay(s + off * DAY);
    // Fewer sessions at weekends (except for core members' own habit day).
    if (profile[i] !== Profile.Core) {
      const dow = (d + 4) % 7;
      if ((dow === 0 || dow === 6) && rng.chance(0.4)) d += dow === 6 ? -1 : 1;
    }
    const hour = pickIndex(rng, HOUR_CUM);
    let t = istMidnight(d) + hour * HOUR + Math.floor(rng.next() * HOUR);
    const span = Math.min(3 * HOUR, now - s);
    if (t < s) t = s + Math.floor(rng.next() * span);
    if (t > now) t = now - Math.floor(rng.next() * span);
    return t;
  };

  // ------------------------------------------------------------------ psychologists
  const psychRng = root.fork('psychologists');
  const psychIds = new IdGen(root.fork('id:psychologists'));
  type PsychRef = { id: ObjectId; hex: string; createdAt: number; fee: number; name: string; weight: number };
  const psychs: PsychRef[] = [];
  {
    const started = Date.now();
    const P = o.psychologists;
    const created = Array.from({ length: P }, () =>
      psychRng.chance(0.7) ? psychRng.timeBetween(windowStart, windowStart + 45 * DAY) : psychRng.timeBetween(windowStart, now - DAY),
    ).sort((a, b) => a - b);
    const w = writer<PsychologistDoc>(COLLECTIONS.psychologists, P);
    for (let i = 0; i < P; i++) {
      const createdAt = created[i]!;
      const gender: Gender = psychRng.chance(0.68) ? 'female' : psychRng.chance(0.95) ? 'male' : 'non_binary';
      const person = makePerson(psychRng, gender);
      const years = clamp(Math.round(psychRng.logNormal(2, 0.6)), 1, 35);
      const fee = clamp(Math.round((800 + years * 110 + psychRng.normal(0, 350)) / 100) * 100, 800, 4000);
      const rating = Math.round(clamp(psychRng.chance(0.05) ? psychRng.float(1, 3.5) : psychRng.normal(4.4, 0.35), 1, 5) * 10) / 10;
      const status = psychRng.weighted([
        ['active', 80],
        ['on_leave', 10],
        ['inactive', 10],
      ] as const) as PsychologistStatus;
      const languages = ['English'];
      if (psychRng.chance(0.05)) languages.pop();
      for (const l of psychRng.sample(LANGUAGES.slice(1), psychRng.int(1, 2))) languages.push(l);
      const id = psychIds.at(createdAt);
      const doc: PsychologistDoc = {
        _id: id,
        name: psychRng.chance(0.6) ? `Dr. ${person.name}` : person.name,
        email: makeEmail(psychRng, person.first, person.last, i, psychRng.chance(0.5) ? 'acube.in' : 'gmail.com'),
        phone: makePhone(psychRng),
        specialties: psychRng.sample(
          SPECIALTIES,
          psychRng.weighted([
            [1, 25],
            [2, 45],
            [3, 30],
          ] as const),
        ),
        languages,
        rating,
        sessionFee: fee,
        yearsExperience: years,
        verified: psychRng.chance(0.85),
        status,
        createdAt: new Date(createdAt),
        updatedAt: new Date(psychRng.chance(0.3) ? createdAt : psychRng.timeBetween(createdAt, now)),
      };
      psychs.push({
        id,
        hex: id.toHexString(),
        createdAt,
        fee,
        name: doc.name,
        weight: (status === 'active' ? 1 : status === 'on_leave' ? 0.4 : 0.15) * rating * rating * psychRng.logNormal(0, 0.5),
      });
      await w.add(doc);
    }
    await finish(COLLECTIONS.psychologists, w, started);
  }
  const psychCum = cumulative(psychs.map((p) => p.weight));
  const psychByTime = new SortedByTime(psychs, (p) => p.createdAt);

  // ------------------------------------------------------------------ events
  const evRng = root.fork('events');
  const evIds = new IdGen(root.fork('id:events'));
  type EventRef = { id: ObjectId; hex: string; createdAt: number; startsAt: number; status: EventStatus; capacity: number; weight: number };
  const events: EventRef[] = [];
  {
    const started = Date.now();
    const E = o.events;
    const catPick = evRng.weightedPicker([
      ['workshop', 30],
      ['webinar', 25],
      ['support_group', 20],
      ['talk', 15],
      ['retreat', 10],
    ] as const);
    const planned = Array.from({ length: E }, () => {
      const category = catPick() as EventCategory;
      const day = istDay(evRng.timeBetween(windowStart + 7 * DAY, now + 60 * DAY));
      const hour = category === 'retreat' ? 9 : evRng.pick([10, 11, 16, 18, 19]);
      const startsAt = istMidnight(day) + hour * HOUR + (evRng.chance(0.3) ? 30 * MIN : 0);
      let createdAt = startsAt - evRng.float(7, 45) * DAY;
      createdAt = Math.floor(clamp(createdAt, windowStart + evRng.float(0, 2) * DAY, now - evRng.float(0.05, 5) * DAY));
      return { category, startsAt, createdAt };
    }).sort((a, b) => a.createdAt - b.createdAt);
    const w = writer<EventDoc>(COLLECTIONS.events, E);
    for (let i = 0; i < E; i++) {
      const { category, startsAt, createdAt } = planned[i]!;
      const durationMs =
        category === 'retreat'
          ? evRng.int(2, 3) * DAY - 10 * HOUR
          : category === 'webinar'
            ? evRng.pick([60, 75, 90]) * MIN
            : category === 'workshop'
              ? evRng.pick([120, 150, 180]) * MIN
              : category === 'support_group'
                ? 90 * MIN
                : evRng.pick([60, 90, 120]) * MIN;
      const endsAt = startsAt + durationMs;
      const online = category === 'webinar' ? true : category === 'retreat' ? false : evRng.chance(category === 'support_group' ? 0.6 : 0.45);
      const city = evRng.weighted(CITIES) as string;
      const capacity =
        category === 'webinar'
          ? evRng.int(2, 10) * 50
          : category === 'workshop'
            ? evRng.int(4, 12) * 5
            : category === 'support_group'
              ? evRng.int(10, 25)
              : category === 'talk'
                ? evRng.int(5, 20) * 10
                : evRng.int(15, 40);
      const past = startsAt < now;
      const status = (
        past
          ? evRng.weighted([
              ['completed', 88],
              ['cancelled', 12],
            ] as const)
          : evRng.weighted([
              ['published', 75],
              ['draft', 15],
              ['cancelled', 10],
            ] as const)
      ) as EventStatus;
      const title = evRng.pick(EVENT_TITLES[category]) + (category === 'support_group' ? '' : evRng.chance(0.3) ? ` — ${city}` : '');
      const id = evIds.at(createdAt);
      const doc: EventDoc = {
        _id: id,
        title,
        slug: `${slugify(title)}-${i + 1}`,
        description: `${title}. ${evRng.pick(BLOG_SENTENCES)} ${evRng.pick(BLOG_SENTENCES)}`,
        category,
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        location: online ? evRng.pick(['Online (Zoom)', 'Online (Google Meet)']) : `${evRng.pick(VENUES)}, ${city}`,
        online,
        capacity,
        status,
        tags: evRng.sample(EVENT_TAGS, evRng.int(1, 3)),
        createdAt: new Date(createdAt),
        updatedAt: new Date(evRng.timeBetween(createdAt, Math.min(now, Math.max(createdAt + MIN, past ? endsAt + 2 * DAY : now)))),
      };
      events.push({
        id,
        hex: id.toHexString(),
        createdAt,
        startsAt,
        status,
        capacity,
        weight: status === 'draft' ? 0 : capacity * evRng.logNormal(0, 0.5) * (status === 'cancelled' ? 0.3 : 1),
      });
      await w.add(doc);
    }
    await finish(COLLECTIONS.events, w, started);
  }
  const openEventsByTime = new SortedByTime(
    events.filter((e) => e.status !== 'draft'),
    (e) => e.createdAt,
  );

  // ------------------------------------------------------------------ blogs
  const blogRng = root.fork('blogs');
  const blogIds = new IdGen(root.fork('id:blogs'));
  type BlogRef = { hex: string; publishedAt: number };
  const publishedBlogs: BlogRef[] = [];
  {
    const started = Date.now();
    const B = o.blogs;
    const created = Array.from({ length: B }, () => blogRng.timeBetween(windowStart, now - HOUR)).sort((a, b) => a - b);
    const w = writer<BlogDoc>(COLLECTIONS.blogs, B);
    for (let i = 0; i < B; i++) {
      const createdAt = created[i]!;
      const ageDays = (now - createdAt) / DAY;
      let status = blogRng.weighted([
        ['published', 72],
        ['draft', 16],
        ['archived', 12],
      ] as const) as BlogStatus;
      if (status === 'archived' && ageDays < 60) status = 'published';
      const publishedAt = status === 'draft' ? null : Math.min(now - MIN, createdAt + Math.floor(blogRng.float(0, 5) * DAY));
      const topic = blogRng.pick(BLOG_TOPICS);
      const title = blogRng.pick(BLOG_TITLE_TEMPLATES)(topic);
      const sentences = blogRng.sample(BLOG_SENTENCES, blogRng.int(4, 7));
      const id = blogIds.at(createdAt);
      const views = publishedAt === null ? 0 : Math.floor(blogRng.logNormal(5, 1.1) * Math.sqrt((now - publishedAt) / (30 * DAY) + 0.2));
      const doc: BlogDoc = {
        _id: id,
        title,
        slug: `${slugify(title)}-${i + 1}`,
        author: blogRng.chance(0.6) && psychs.length > 0 ? blogRng.pick(psychs).name : blogRng.pick(STAFF_AUTHORS),
        excerpt: sentences[0]!,
        body: sentences.join(' '),
        tags: [slugify(topic).replace(/-/g, '_'), ...blogRng.sample(BLOG_TAGS, blogRng.int(0, 2))],
        status,
        publishedAt: publishedAt === null ? null : new Date(publishedAt),
        views,
        createdAt: new Date(createdAt),
        updatedAt: new Date(blogRng.timeBetween(publishedAt ?? createdAt, now)),
      };
      if (status === 'published') publishedBlogs.push({ hex: id.toHexString(), publishedAt: publishedAt! });
      await w.add(doc);
    }
    await finish(COLLECTIONS.blogs, w, started);
  }
  const blogsByTime = new SortedByTime(publishedBlogs, (b) => b.publishedAt);

  // ------------------------------------------------------------------ careers
  {
    const started = Date.now();
    const rng = root.fork('careers');
    const ids = new IdGen(root.fork('id:careers'));
    const C = o.careers;
    const created = Array.from({ length: C }, () => rng.timeBetween(windowStart, now - HOUR)).sort((a, b) => a - b);
    const w = writer<CareerDoc>(COLLECTIONS.careers, C);
    for (let i = 0; i < C; i++) {
      const createdAt = created[i]!;
      const ageDays = (now - createdAt) / DAY;
      const [title, department] = rng.pick(JOBS);
      const employmentType = (
        title.includes('Intern')
          ? 'internship'
          : rng.weighted([
              ['full_time', 70],
              ['part_time', 12],
              ['contract', 12],
              ['internship', 6],
            ] as const)
      ) as EmploymentType;
      const status = (
        ageDays > 120
          ? rng.weighted([
              ['closed', 85],
              ['open', 15],
            ] as const)
          : rng.weighted([
              ['open', 65],
              ['draft', 15],
              ['closed', 20],
            ] as const)
      ) as CareerStatus;
      const applicants = status === 'draft' ? 0 : Math.floor(rng.logNormal(3, 0.9) * Math.min(1, ageDays / 30 + 0.1));
      await w.add({
        _id: ids.at(createdAt),
        title,
        slug: `${slugify(title)}-${i + 1}`,
        department,
        location: rng.pick(JOB_LOCATIONS),
        employmentType,
        status,
        applicants,
        description: `We are looking for a ${title} to join our ${department} team. ${rng.pick(BLOG_SENTENCES)}`,
        createdAt: new Date(createdAt),
        updatedAt: new Date(rng.timeBetween(createdAt, now)),
      });
    }
    await finish(COLLECTIONS.careers, w, started);
  }

  // ------------------------------------------------------------------ activity events
  const lastActive = new Float64Array(U); // 0 = never
  const actCount = new Uint32Array(U);
  {
    const started = Date.now();
    const rng = root.fork('activity');
    const ids = new IdGen(root.fork('id:activity'));
    const perUser = U > 0 ? allocate(root.fork('activity:alloc'), engagement, o.activity) : new Uint32Array(0);
    const namePick = rng.weightedPicker([
      ['page.viewed', 40],
      ['blog.read', 14],
      ['search.performed', 12],
      ['message.sent', 8],
      ['session.booked', 4],
      ['event.registered', 3],
      ['profile.updated', 3],
      ['session.attended', 3],
    ] as const);
    const w = writer<ActivityEventDoc>(COLLECTIONS.activityEvents, o.activity);
    let seq = 0;
    for (let i = 0; i < U; i++) {
      let remaining = perUser[i]!;
      actCount[i] = remaining;
      if (remaining === 0) continue;
      const userId = userIds[i]!;
      const primary = platform[i]!;
      let last = 0;
      while (remaining > 0) {
        const len = Math.min(remaining, 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(0.65)));
        remaining -= len;
        const source = SOURCES[rng.chance(0.85) ? primary : rng.int(0, 2)]!;
        let t = activeMoment(rng, i);
        for (let k = 0; k < len; k++) {
          if (k > 0) t += rng.int(5, 240) * SEC + rng.int(0, 999);
          const ts = Math.min(t, now);
          let name: ActivityEventName = k === 0 ? (source === 'web' ? 'page.viewed' : 'app.opened') : namePick();
          let props: ActivityProps;
          switch (name) {
            case 'app.opened':
              props = { appVersion: `3.${Math.floor((ts - windowStart) / (45 * DAY))}.${rng.int(0, 2)}` };
              break;
            case 'blog.read': {
              const b = blogsByTime.pickBefore(rng, ts);
              props = b ? { blogId: b.hex } : { path: '/blog' };
              if (!b) name = 'page.viewed';
              break;
            }
            case 'search.performed':
              props = { query: rng.pick(SEARCH_QUERIES) };
              break;
            case 'session.booked':
            case 'session.attended': {
              const p = psychByTime.pickBefore(rng, ts);
              props = p ? { psychologistId: p.hex } : { path: '/therapists' };
              if (!p) name = 'page.viewed';
              break;
            }
            case 'event.registered': {
              const e = openEventsByTime.pickBefore(rng, ts);
              props = e ? { eventId: e.hex } : { path: '/events' };
              if (!e) name = 'page.viewed';
              break;
            }
            case 'profile.updated':
              props = { field: rng.pick(PROFILE_FIELDS) };
              break;
            case 'message.sent':
              props = { channel: rng.pick(MESSAGE_CHANNELS) };
              break;
            default:
              props = { path: rng.pick(PATHS) };
          }
          const delay = source !== 'web' && rng.chance(0.04) ? rng.int(1 * MIN, 6 * HOUR) : rng.int(30, 2500);
          const receivedAt = Math.min(now, ts + delay);
          const b = bucketsOf(ts);
          seq++;
          await w.add({
            _id: ids.at(receivedAt),
            eventId: `seed-${seq}`,
            userId,
            name,
            ts: new Date(ts),
            day: b.day,
            week: b.week,
            month: b.month,
            props,
            source,
            receivedAt: new Date(receivedAt),
          });
          if (ts > last) last = ts;
        }
      }
      lastActive[i] = last;
    }
    await finish(COLLECTIONS.activityEvents, w, started);
  }

  // ------------------------------------------------------------------ session bookings
  // Booker choice is weighted by activity, so bookings come mostly from engaged members.
  {
    const started = Date.now();
    const rng = root.fork('bookings');
    const ids = new IdGen(root.fork('id:bookings'));
    const ghostIds = new IdGen(root.fork('id:bookings:ghost-users'));
    const N = U > 0 && psychs.length > 0 ? o.bookings : 0;
    const badRng = root.fork('bookings:bad');
    const noCreatedAt = badIndexSet(badRng, N, 0.002);
    const badStatus = badIndexSet(badRng, N, 0.002);
    const orphan = badIndexSet(badRng, N, 0.001);
    const userCum = cumulative(Array.from(actCount, (c) => c + 0.05));
    const durPick = rng.weightedPicker([
      [30, 10],
      [45, 25],
      [60, 55],
      [90, 10],
    ] as const);
    const w = writer<SessionBookingDoc>(COLLECTIONS.sessionBookings, N);
    for (let b = 0; b < N; b++) {
      const ui = rng.chance(0.9) ? pickIndex(rng, userCum) : rng.int(0, U - 1);
      let c = activeMoment(rng, ui);
      let p = psychs[pickIndex(rng, psychCum)]!;
      for (let tries = 0; p.createdAt > c && tries < 5; tries++) p = psychs[pickIndex(rng, psychCum)]!;
      if (p.createdAt > c) c = Math.min(now, p.createdAt + rng.int(MIN, DAY));
      // Scheduled in a half-hour slot between 09:00 and 20:30 IST, usually within a week of booking.
      const lead = 0.2 + Math.min(rng.exponential(5), 45);
      let scheduledAt = istMidnight(istDay(c + lead * DAY)) + rng.int(9, 20) * HOUR + (rng.chance(0.5) ? 30 * MIN : 0);
      while (scheduledAt <= c) scheduledAt += DAY;
      const durationMin = durPick() as SessionDuration;
      const past = scheduledAt + durationMin * MIN < now;
      const status = (
        past
          ? rng.weighted([
              ['completed', 78],
              ['cancelled', 11],
              ['no_show', 6],
              ['confirmed', 3],
              ['pending', 2],
            ] as const)
          : scheduledAt < now
            ? 'confirmed'
            : rng.weighted([
                ['confirmed', 55],
                ['pending', 35],
                ['cancelled', 10],
              ] as const)
      ) as BookingStatus;
      const paid =
        status === 'completed'
          ? rng.chance(0.97)
          : status === 'no_show'
            ? rng.chance(0.85)
            : status === 'confirmed'
              ? rng.chance(0.7)
              : status === 'cancelled'
                ? rng.chance(0.15)
                : rng.chance(0.05);
      const updatedAt =
        status === 'completed' || status === 'no_show'
          ? Math.min(now, scheduledAt + durationMin * MIN + rng.int(5 * MIN, 2 * DAY))
          : status === 'confirmed'
            ? Math.min(now, scheduledAt, c + rng.int(2 * MIN, DAY))
            : status === 'cancelled'
              ? rng.timeBetween(c, Math.min(now, Math.max(c + MIN, scheduledAt)))
              : c;
      if (lastActive[ui]! < c) lastActive[ui] = c;
      const doc: SessionBookingDoc = {
        _id: ids.at(c),
        userId: orphan.has(b) ? ghostIds.at(c) : userIds[ui]!,
        psychologistId: p.id,
        scheduledAt: new Date(scheduledAt),
        durationMin,
        mode: (rng.chance(0.72) ? 'online' : 'in_person') as SessionMode,
        status: badStatus.has(b) ? (miscase(rng, status) as BookingStatus) : status,
        amount: Math.round((p.fee * durationMin) / 60 / 50) * 50,
        paid,
        notes: rng.chance(0.75) ? '' : rng.pick(BOOKING_NOTES),
        createdAt: new Date(c),
        updatedAt: new Date(Math.max(c, updatedAt)),
      };
      if (noCreatedAt.has(b)) delete (doc as Partial<SessionBookingDoc>).createdAt;
      await w.add(doc);
    }
    await finish(COLLECTIONS.sessionBookings, w, started);
  }

  // ------------------------------------------------------------------ event registrations
  {
    const started = Date.now();
    const rng = root.fork('registrations');
    const ids = new IdGen(root.fork('id:registrations'));
    const R = U > 0 ? o.registrations : 0;
    // Events early in the year had fewer members to draw from: weight by the share of members who
    // had signed up before the registration window closed.
    const eligible = (t: number) => {
      let lo = 0;
      let hi = U;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (signup[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const perEvent = allocate(
      root.fork('registrations:alloc'),
      events.map((e) => {
        const n = eligible(Math.min(e.startsAt, now));
        return n < 20 ? 0 : e.weight * (n / Math.max(U, 1));
      }),
      R,
    );
    const userCum = cumulative(Array.from(actCount, (c) => c + 0.5));
    const w = writer<EventRegistrationDoc>(COLLECTIONS.eventRegistrations, R);
    const seen = new Set<number>();
    for (let e = 0; e < events.length; e++) {
      const ev = events[e]!;
      const want = perEvent[e]!;
      if (want === 0) continue;
      const upper = Math.min(ev.startsAt, now);
      seen.clear();
      const regs: Array<{ ui: number; at: number }> = [];
      for (let k = 0; k < want; k++) {
        for (let tries = 0; tries < 30; tries++) {
          const ui = pickIndex(rng, userCum);
          if (seen.has(ui) || signup[ui]! >= upper) continue;
          seen.add(ui);
          const lower = Math.max(ev.createdAt, signup[ui]!);
          regs.push({ ui, at: Math.floor(lower + (upper - lower) * Math.sqrt(rng.next())) });
          break;
        }
      }
      regs.sort((a, b) => a.at - b.at);
      let seated = 0;
      for (const r of regs) {
        let status: RegistrationStatus;
        if (ev.status === 'cancelled') status = rng.chance(0.9) ? 'cancelled' : 'registered';
        else if (rng.chance(0.1)) status = 'cancelled';
        else if (seated >= ev.capacity) status = 'waitlisted';
        else {
          seated++;
          status = ev.status === 'completed' ? (rng.chance(0.78) ? 'attended' : 'registered') : 'registered';
        }
        if (lastActive[r.ui]! < r.at) lastActive[r.ui] = r.at;
        await w.add({ _id: ids.at(r.at), eventId: ev.id, userId: userIds[r.ui]!, status, createdAt: new Date(r.at) });
      }
    }
    await finish(COLLECTIONS.eventRegistrations, w, started);
  }

  // ------------------------------------------------------------------ users (documents)
  {
    const started = Date.now();
    const rng = root.fork('users');
    const badRng = root.fork('users:bad');
    const noCreatedAt = badIndexSet(badRng, U, 0.002);
    const badStatus = badIndexSet(badRng, U, 0.002);
    const domainPick = rng.weightedPicker(EMAIL_DOMAINS);
    const genderPick = rng.weightedPicker([
      ['female', 52],
      ['male', 42],
      ['non_binary', 2],
      ['undisclosed', 4],
    ] as const);
    const agePick = rng.weightedPicker([
      [[18, 24], 30],
      [[25, 34], 40],
      [[35, 44], 18],
      [[45, 62], 12],
    ] as const);
    const cityPick = rng.weightedPicker(CITIES);
    const w = writer<UserDoc>(COLLECTIONS.users, U);
    for (let i = 0; i < U; i++) {
      const createdAt = signup[i]!;
      const gender = genderPick() as Gender;
      const person = makePerson(rng, gender === 'female' || gender === 'male' ? gender : null);
      const domain = domainPick() as string;
      const [a0, a1] = agePick();
      const age = rng.int(a0, a1);
      const dob = istDay(now) - age * 365.25 - rng.int(0, 364);
      const tags = rng.sample(
        USER_TAGS,
        rng.weighted([
          [0, 30],
          [1, 35],
          [2, 25],
          [3, 10],
        ] as const),
      ) as string[];
      if (CORPORATE_DOMAINS.has(domain) && !tags.includes('corporate')) tags.push('corporate');
      if (STUDENT_DOMAINS.has(domain) && !tags.includes('student')) tags.push('student');
      const last = lastActive[i]! > 0 ? lastActive[i]! : null;
      const prof = profile[i] as Profile;
      const status = (
        last === null
          ? rng.weighted([
              ['active', 85],
              ['inactive', 15],
            ] as const)
          : prof === Profile.Churned
            ? rng.weighted([
                ['active', 80],
                ['inactive', 18],
                ['banned', 2],
              ] as const)
            : rng.weighted([
                ['active', 95],
                ['inactive', 3],
                ['banned', 2],
              ] as const)
      ) as UserStatus;
      const updatedAt = rng.chance(0.45) ? createdAt : rng.timeBetween(createdAt, Math.max(createdAt + 1, last ?? Math.min(now, createdAt + 7 * DAY)));
      const doc: UserDoc = {
        _id: userIds[i]!,
        name: person.name,
        email: makeEmail(rng, person.first, person.last, i, domain),
        phone: makePhone(rng),
        city: cityPick() as string,
        gender,
        dateOfBirth: new Date(Math.floor(dob) * DAY),
        status: badStatus.has(i) ? (miscase(rng, status) as UserStatus) : status,
        signupSource: SIGNUP_SOURCE_LIST[srcIdx[i]!]!,
        tags,
        notes: rng.chance(0.8) ? '' : rng.pick(USER_NOTES),
        createdAt: new Date(createdAt),
        updatedAt: new Date(Math.max(updatedAt, status === 'active' ? createdAt : Math.min(now, (last ?? createdAt) + DAY))),
        lastActiveAt: last === null ? null : new Date(last),
      };
      if (noCreatedAt.has(i)) delete (doc as Partial<UserDoc>).createdAt;
      await w.add(doc);
    }
    await finish(COLLECTIONS.users, w, started);
  }

  // ------------------------------------------------------------------ volunteers
  {
    const started = Date.now();
    const rng = root.fork('volunteers');
    const ids = new IdGen(root.fork('id:volunteers'));
    const badRng = root.fork('volunteers:bad');
    const V = o.volunteers;
    const noCreatedAt = badIndexSet(badRng, V, 0.003);
    const badStatus = badIndexSet(badRng, V, 0.003);
    const created = Array.from({ length: V }, () => rng.timeBetween(windowStart, now - MIN)).sort((a, b) => a - b);
    const w = writer<VolunteerDoc>(COLLECTIONS.volunteers, V);
    for (let i = 0; i < V; i++) {
      const createdAt = created[i]!;
      const ageDays = (now - createdAt) / DAY;
      const person = makePerson(rng, rng.chance(0.6) ? 'female' : 'male');
      const status = (
        ageDays < 10
          ? rng.weighted([
              ['applied', 75],
              ['approved', 15],
              ['rejected', 10],
            ] as const)
          : rng.weighted([
              ['applied', 8],
              ['approved', 15],
              ['active', 45],
              ['rejected', 12],
              ['inactive', 20],
            ] as const)
      ) as VolunteerStatus;
      const doc: VolunteerDoc = {
        _id: ids.at(createdAt),
        name: person.name,
        email: makeEmail(rng, person.first, person.last, i, rng.weighted(EMAIL_DOMAINS) as string),
        phone: makePhone(rng),
        city: rng.weighted(CITIES) as string,
        areas: rng.sample(
          VOLUNTEER_AREAS,
          rng.weighted([
            [1, 45],
            [2, 40],
            [3, 15],
          ] as const),
        ),
        availability: rng.weighted([
          ['weekends', 45],
          ['flexible', 35],
          ['weekdays', 20],
        ] as const) as VolunteerAvailability,
        status: badStatus.has(i) ? (miscase(rng, status) as VolunteerStatus) : status,
        motivation: rng.pick(VOLUNTEER_MOTIVATIONS),
        createdAt: new Date(createdAt),
        updatedAt: new Date(status === 'applied' ? createdAt : rng.timeBetween(createdAt, now)),
      };
      if (noCreatedAt.has(i)) delete (doc as Partial<VolunteerDoc>).createdAt;
      await w.add(doc);
    }
    await finish(COLLECTIONS.volunteers, w, started);
  }

  // ------------------------------------------------------------------ contacts
  {
    const started = Date.now();
    const rng = root.fork('contacts');
    const ids = new IdGen(root.fork('id:contacts'));
    const badRng = root.fork('contacts:bad');
    const K = o.contacts;
    const noCreatedAt = badIndexSet(badRng, K, 0.003);
    const badStatus = badIndexSet(badRng, K, 0.003);
    const created = Array.from({ length: K }, () => rng.timeBetween(windowStart, now - MIN)).sort((a, b) => a - b);
    const w = writer<ContactDoc>(COLLECTIONS.contacts, K);
    for (let i = 0; i < K; i++) {
      const createdAt = created[i]!;
      const ageDays = (now - createdAt) / DAY;
      const spam = rng.chance(0.08);
      const person = makePerson(rng, null);
      const status = (
        spam
          ? 'spam'
          : ageDays < 3
            ? rng.weighted([
                ['new', 65],
                ['in_progress', 30],
                ['resolved', 5],
              ] as const)
            : rng.weighted([
                ['new', 4],
                ['in_progress', 8],
                ['resolved', 88],
              ] as const)
      ) as ContactStatus;
      const doc: ContactDoc = {
        _id: ids.at(createdAt),
        name: spam && rng.chance(0.5) ? rng.pick(['SEO Expert', 'Marketing Team', 'Prize Dept']) : person.name,
        email: spam
          ? `${rng.alnum(8)}@${rng.pick(['mailinator.com', 'promo-mail.biz', 'gmail.com'])}`
          : makeEmail(rng, person.first, person.last, i, rng.weighted(EMAIL_DOMAINS) as string),
        phone: spam || rng.chance(0.3) ? '' : makePhone(rng),
        subject: spam ? rng.pick(['Business offer', 'Guaranteed SEO results', 'You won!']) : (rng.weighted(CONTACT_SUBJECTS) as string),
        message: spam ? rng.pick(SPAM_MESSAGES) : rng.pick(CONTACT_MESSAGES),
        status: badStatus.has(i) ? (miscase(rng, status) as ContactStatus) : status,
        createdAt: new Date(createdAt),
        updatedAt: new Date(status === 'new' ? createdAt : rng.timeBetween(createdAt, Math.min(now, createdAt + 10 * DAY))),
      };
      if (noCreatedAt.has(i)) delete (doc as Partial<ContactDoc>).createdAt;
      await w.add(doc);
    }
    await finish(COLLECTIONS.contacts, w, started);
  }

  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const secs = (Date.now() - t0) / 1000;
  log?.(`seeded ${total.toLocaleString('en-US')} documents in ${secs.toFixed(1)}s`);

  // Stable key order for callers.
  const ordered: SeedCounts = {};
  for (const name of Object.values(COLLECTIONS)) ordered[name] = counts[name] ?? 0;
  return ordered;
}
