/** zod schemas of the content domain (blogs, events, careers), shared by tRPC and the editor. */
import { z } from 'zod';

export const CONTENT_TYPES = ['blogs', 'events', 'careers'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
export const ContentTypeSchema = z.enum(CONTENT_TYPES);

export const ObjectIdString = z.string().regex(/^[0-9a-f]{24}$/i, 'Not a valid id');
export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_BODY = 100_000;

const httpUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine((s) => s === '' || /^https?:\/\/[^\s]+$/i.test(s), 'Must be an http(s) address');
const optDate = z.coerce.date().nullable();

const common = {
  title: z.string().trim().min(1, 'Title is required').max(200),
  /** Empty: generated from the title. */
  slug: z.union([z.literal(''), z.string().trim().toLowerCase().max(120).regex(SLUG_RE, 'Lower-case letters, digits and single hyphens')]),
  body: z.string().max(MAX_BODY),
  excerpt: z.string().trim().max(500),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20),
  coverImageUrl: httpUrl,
};

export const BlogFields = z.strictObject({ ...common, author: z.string().trim().max(120) });
export const EventFields = z
  .strictObject({
    ...common,
    category: z.enum(['workshop', 'webinar', 'support_group', 'retreat', 'talk']),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    location: z.string().trim().max(200),
    online: z.boolean(),
    onlineUrl: httpUrl,
    capacity: z.number().int().min(0).max(100_000),
    price: z.number().min(0).max(10_000_000),
  })
  .refine((e) => e.endsAt.getTime() >= e.startsAt.getTime(), { message: 'The event cannot end before it starts', path: ['endsAt'] });
export const CareerFields = z.strictObject({
  ...common,
  department: z.string().trim().max(120),
  location: z.string().trim().max(200),
  employmentType: z.enum(['full_time', 'part_time', 'contract', 'internship']),
  closesAt: optDate,
});
export type BlogFields = z.infer<typeof BlogFields>;
export type EventFields = z.infer<typeof EventFields>;
export type CareerFields = z.infer<typeof CareerFields>;
export type AnyFields = BlogFields | EventFields | CareerFields;

export const FIELDS_SCHEMA = { blogs: BlogFields, events: EventFields, careers: CareerFields } as const;

/** The editable field names of each type (the editor's form, revisions and diffs use these). */
export const EDITABLE: Record<ContentType, readonly string[]> = {
  blogs: ['title', 'slug', 'author', 'excerpt', 'body', 'tags', 'coverImageUrl'],
  events: [
    'title',
    'slug',
    'category',
    'startsAt',
    'endsAt',
    'location',
    'online',
    'onlineUrl',
    'capacity',
    'price',
    'excerpt',
    'body',
    'tags',
    'coverImageUrl',
  ],
  careers: ['title', 'slug', 'department', 'location', 'employmentType', 'closesAt', 'excerpt', 'body', 'tags', 'coverImageUrl'],
};

const version = z.number().int().min(0).max(1_000_000_000);

export const ContentSaveInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('blogs'), id: ObjectIdString.optional(), version: version.optional(), fields: BlogFields }),
  z.strictObject({ type: z.literal('events'), id: ObjectIdString.optional(), version: version.optional(), fields: EventFields }),
  z.strictObject({ type: z.literal('careers'), id: ObjectIdString.optional(), version: version.optional(), fields: CareerFields }),
]);
export type ContentSaveInput = z.infer<typeof ContentSaveInput>;

export const ContentRef = z.strictObject({ type: ContentTypeSchema, id: ObjectIdString });

export const ContentListInput = z.strictObject({
  type: ContentTypeSchema,
  status: z.string().max(32).optional(),
  author: z.string().trim().max(120).optional(),
  q: z.string().trim().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  sort: z.enum(['updated_desc', 'created_desc', 'created_asc', 'title_asc']).default('updated_desc'),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});
export type ContentListInput = z.input<typeof ContentListInput>;

export const ContentSetStatusInput = z.strictObject({
  type: ContentTypeSchema,
  id: ObjectIdString,
  version,
  to: z.string().min(1).max(32),
  reason: z.string().trim().max(1_000).optional(),
});

export const ContentScheduleInput = z.strictObject({
  type: ContentTypeSchema,
  id: ObjectIdString,
  version,
  /** null: unschedule. */
  publishAt: z.coerce.date().nullable(),
});

export const RestoreInput = z.strictObject({ type: ContentTypeSchema, id: ObjectIdString, revisionId: ObjectIdString, version });
export const PreviewInput = z.strictObject({ markdown: z.string().max(MAX_BODY) });

/** The page's URL filters (/content?type=…&status=…), validated before use. */
export const ContentUrlFilters = z.object({
  type: ContentTypeSchema.catch('blogs'),
  status: z
    .string()
    .regex(/^[a-z_]{1,32}$/)
    .optional()
    .catch(undefined),
  author: z.string().max(120).optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
});
