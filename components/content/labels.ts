import type { ContentType } from '@/server/content/schema';

export const TYPE_LABEL: Record<ContentType, string> = { blogs: 'Blog posts', events: 'Events', careers: 'Careers' };
export const TYPE_SINGULAR: Record<ContentType, string> = { blogs: 'blog post', events: 'event', careers: 'career posting' };

export const FIELD_LABEL: Record<string, string> = {
  title: 'Title',
  slug: 'Slug',
  author: 'Author',
  excerpt: 'Excerpt',
  body: 'Body (Markdown)',
  tags: 'Tags',
  coverImageUrl: 'Cover image URL',
  category: 'Category',
  startsAt: 'Starts (UTC)',
  endsAt: 'Ends (UTC)',
  location: 'Venue / location',
  online: 'Online',
  onlineUrl: 'Online link',
  capacity: 'Capacity',
  price: 'Price (INR)',
  department: 'Department',
  employmentType: 'Type',
  closesAt: 'Closing date (UTC)',
  status: 'Status',
  publishAt: 'Scheduled publish',
};

export const statusLabel = (s: string) => s.replace(/_/g, ' ');

/** A field value as text, for diffs and the merge view. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (v instanceof Date) return v.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return v.slice(0, 16).replace('T', ' ') + ' UTC';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}
