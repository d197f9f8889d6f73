/** Moderation domain: internal notes collection, the claim shape, and indexes. */
import type { IndexDescription } from 'mongodb';
import type { Db, ObjectId } from 'mongodb';

export interface ClaimDoc {
  id: string;
  email: string;
  name: string;
}

export interface NoteDoc {
  _id: ObjectId;
  collection: string;
  itemId: ObjectId;
  text: string;
  by: { id: string; email: string; name: string };
  at: Date;
}

export const notesColl = (db: Db) => db.collection<NoteDoc>('moderation_notes');

export const MODERATION_INDEXES: Record<string, IndexDescription[]> = {
  moderation_notes: [{ key: { collection: 1, itemId: 1, at: 1 }, name: 'item_at' }],
  // the registration queues and an event's registration list filter by event (compound: kept on the embedded database)
  event_registrations: [{ key: { eventId: 1, status: 1, createdAt: 1 }, name: 'event_status_created' }],
  // the queues: status, then oldest first
  contacts: [{ key: { status: 1, createdAt: 1, _id: 1 }, name: 'queue_status_created' }],
  volunteers: [{ key: { status: 1, createdAt: 1, _id: 1 }, name: 'queue_status_created' }],
};
