/** Content domain: collections, the revision document, indexes, and the shared version compare-and-set filter. */
import type { IndexDescription } from 'mongodb';
import type { Db, Document, ObjectId } from 'mongodb';
import type { ContentType } from './schema';

export interface Actor {
  id: string;
  email: string;
  name?: string;
}

export interface RevisionDoc {
  _id: ObjectId;
  collection: ContentType;
  docId: ObjectId;
  /** The document's version once this revision was written. */
  version: number;
  at: Date;
  by: Actor | null;
  action: 'baseline' | 'create' | 'save' | 'status' | 'schedule' | 'restore' | 'scheduled_publish';
  /** The editable fields (plus status) after this revision. */
  snapshot: Record<string, unknown>;
  /** What changed compared with the previous version. */
  changes: { field: string; before: unknown; after: unknown }[];
  restoredFrom?: ObjectId;
}

export const revisionsColl = (db: Db) => db.collection<RevisionDoc>('content_revisions');

/** The Markdown body is `body` on blogs and the existing `description` on events and careers. */
export const BODY_FIELD: Record<ContentType, string> = { blogs: 'body', events: 'description', careers: 'description' };

/** The status a scheduled publish moves a draft to. */
export const PUBLISHED_STATUS: Record<ContentType, string> = { blogs: 'published', events: 'published', careers: 'open' };

export const CONTENT_INDEXES: Record<string, IndexDescription[]> = {
  content_revisions: [{ key: { collection: 1, docId: 1, version: -1 }, name: 'doc_version' }],
  // slugs are unique per type (the editor generates them and reports a clash on the field)
  blogs: [
    { key: { slug: 1 }, name: 'slug_unique', unique: true },
    { key: { status: 1, publishAt: 1 }, name: 'status_publishAt' },
  ],
  events: [
    { key: { slug: 1 }, name: 'slug_unique', unique: true },
    { key: { status: 1, publishAt: 1 }, name: 'status_publishAt' },
  ],
  careers: [
    { key: { slug: 1 }, name: 'slug_unique', unique: true },
    { key: { status: 1, publishAt: 1 }, name: 'status_publishAt' },
  ],
};

/**
 * Matches a document still at `version` (optimistic concurrency). Records written before versions existed
 * have none: they count as version 0.
 */
export function atVersion(version: number): Document {
  return version === 0 ? { version: { $in: [null, 0] } } : { version };
}

export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/g, '');
}

/**
 * Gives every record of a content collection without a slug one (title + the end of its id), so the unique
 * slug index can be created on databases written before slugs were required (careers had none). Called by
 * ensureIndexes only while that index is missing.
 */
export async function backfillSlugs(db: Db, collection: string): Promise<number> {
  let n = 0;
  const coll = db.collection(collection);
  for await (const d of coll.find({ slug: null }, { projection: { _id: 1, title: 1 } })) {
    const slug = `${slugify(String(d.title ?? '')) || 'item'}-${String(d._id).slice(-6)}`;
    await coll.updateOne({ _id: d._id, slug: null }, { $set: { slug } });
    n++;
  }
  return n;
}
