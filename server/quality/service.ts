/**
 * Data validation and safe automatic fixes, driven by the registry's rules:
 * required fields present, enum values spelled canonically, references pointing at
 * existing records. Fixes are limited to what is provably safe: fill a missing `createdAt`
 * from the ObjectId's timestamp, and lower-case an enum value whose lower-case form is
 * canonical. Everything else is reported, never touched.
 */
import { ObjectId, type AnyBulkWriteOperation, type Db, type Document } from 'mongodb';
import { countMatching } from '../db/count';
import { bulkWriteChunked } from '../db/bulk';
import { AppError } from '../errors';
import { COLLECTION_KEYS, REGISTRY, isCollectionKey, type CollectionKey } from '../registry';
import { withKeywords } from '../search/keywords';
import { escapeRegex } from '../db/util';
import { recordsChanged } from '../live/tiles';
import { paceBackground } from '../ops/pacing';

export interface Issue {
  rule: 'missing_required' | 'unknown_enum' | 'bad_reference';
  field: string;
  message: string;
  count: number;
  /** How many of these the fix action can repair. */
  fixable: number;
  examples: string[];
}
export interface CheckResult {
  collection: CollectionKey;
  label: string;
  total: number;
  issues: Issue[];
  checkedAt: Date;
}

const EXAMPLES = 5;
const ids = (docs: Document[]) => docs.map((d) => (d._id instanceof ObjectId ? d._id.toHexString() : String(d._id)));

function platform(name: string): CollectionKey {
  if (!isCollectionKey(name)) throw new AppError('BAD_REQUEST', `Data-quality tools do not cover "${name.slice(0, 64)}".`);
  return name;
}

/** Documents read between two looks at people's requests when a job runs the checks. */
const PACE_EVERY = 2_000;

/** Lists the records of one collection that break the registry's rules, with counts. */
export async function checkCollection(db: Db, name: string, opts: { background?: boolean } = {}): Promise<CheckResult> {
  // Run by a job (no one waiting on it): yields to people's requests every PACE_EVERY documents
  // (server/ops/pacing.ts). A person's own check runs at full speed (it would otherwise wait for itself).
  let paced = 0;
  let chunkStarted = performance.now();
  const pace = async () => {
    if (!opts.background || ++paced % PACE_EVERY) return;
    await paceBackground(performance.now() - chunkStarted);
    chunkStarted = performance.now();
  };
  const key = platform(name);
  const def = REGISTRY[key];
  const coll = db.collection(key);
  const issues: Issue[] = [];
  for (const [field, f] of Object.entries(def.fields)) {
    if (f.required) {
      // `null` matches a missing field too; written this way the embedded database counts it from an index
      const filter = { [field]: null };
      const count = await countMatching(db, coll, filter);
      if (count) {
        const ex = await coll
          .find(filter, { projection: { _id: 1 } })
          .limit(EXAMPLES)
          .toArray();
        issues.push({
          rule: 'missing_required',
          field,
          message: `"${field}" is missing`,
          count,
          fixable: field === 'createdAt' ? count : 0,
          examples: ids(ex),
        });
      }
    }
    if (f.type === 'enum' && f.values?.length) {
      const filter = { [field]: { $exists: true, $nin: [...f.values, null] } };
      const count = await countMatching(db, coll, filter);
      if (count) {
        const fixable = await countMatching(db, coll, {
          $and: [filter, { [field]: { $regex: `^(${f.values.map(escapeRegex).join('|')})$`, $options: 'i' } }],
        });
        const ex = await coll
          .find(filter, { projection: { _id: 1 } })
          .limit(EXAMPLES)
          .toArray();
        issues.push({ rule: 'unknown_enum', field, message: `"${field}" is not one of ${f.values.join(', ')}`, count, fixable, examples: ids(ex) });
      }
    }
    if (f.type === 'objectId' && f.ref) {
      // FerretDB has no $lookup: load the referenced ids once, then stream this collection's references.
      const existing = new Set<string>();
      for await (const d of db.collection(f.ref).find({}, { projection: { _id: 1 } })) {
        existing.add(String(d._id));
        await pace();
      }
      let count = 0;
      const examples: string[] = [];
      for await (const d of coll.find({ [field]: { $exists: true, $ne: null } }, { projection: { _id: 1, [field]: 1 } })) {
        if (!existing.has(String(d[field]))) {
          count++;
          if (examples.length < EXAMPLES) examples.push(String(d._id));
        }
        await pace();
      }
      if (count) issues.push({ rule: 'bad_reference', field, message: `"${field}" points at no record of ${f.ref}`, count, fixable: 0, examples });
    }
  }
  return { collection: key, label: def.label, total: await countMatching(db, coll), issues, checkedAt: new Date() };
}

export interface FixPlan {
  collection: CollectionKey;
  fixes: {
    kind: 'fill_createdAt' | 'normalise_enum';
    field: string;
    from?: string;
    to?: string;
    count: number;
    examples: { id: string; before: unknown; after: unknown }[];
  }[];
}

/** What the fix action would change (nothing is written). */
export async function previewFixes(db: Db, name: string): Promise<FixPlan> {
  const key = platform(name);
  const def = REGISTRY[key];
  const coll = db.collection(key);
  const fixes: FixPlan['fixes'] = [];
  if (def.fields.createdAt) {
    const filter = { createdAt: null }; // missing or null
    const count = await countMatching(db, coll, filter);
    if (count) {
      const ex = await coll
        .find(filter, { projection: { _id: 1 } })
        .limit(EXAMPLES)
        .toArray();
      fixes.push({
        kind: 'fill_createdAt',
        field: 'createdAt',
        count,
        examples: ex
          .filter((d) => d._id instanceof ObjectId)
          .map((d) => ({ id: d._id.toHexString(), before: null, after: (d._id as ObjectId).getTimestamp() })),
      });
    }
  }
  for (const [field, f] of Object.entries(def.fields)) {
    if (f.type !== 'enum' || !f.values?.length) continue;
    const bad = await coll
      .aggregate<{ _id: unknown; n: number }>([
        { $match: { [field]: { $exists: true, $nin: [...f.values, null] } } },
        { $group: { _id: `$${field}`, n: { $sum: 1 } } },
      ])
      .toArray();
    for (const b of bad) {
      if (typeof b._id !== 'string') continue;
      const to = b._id.toLowerCase();
      if (!f.values.includes(to)) continue; // not a case slip: leave it for a human
      const ex = await coll
        .find({ [field]: b._id }, { projection: { _id: 1 } })
        .limit(EXAMPLES)
        .toArray();
      fixes.push({ kind: 'normalise_enum', field, from: b._id, to, count: b.n, examples: ids(ex).map((id) => ({ id, before: b._id, after: to })) });
    }
  }
  return { collection: key, fixes };
}

/** Applies the safe fixes of the preview; keeps `_kw` current on every document it writes. */
export async function applyFixes(
  db: Db,
  name: string,
): Promise<{ collection: CollectionKey; applied: { kind: string; field: string; from?: string; to?: string; modified: number }[] }> {
  const plan = await previewFixes(db, name);
  const key = plan.collection;
  const coll = db.collection(key);
  const applied: { kind: string; field: string; from?: string; to?: string; modified: number }[] = [];
  // A fix is a write: records that carry updatedAt get it (the member directory refreshes from it).
  const stamped = 'updatedAt' in REGISTRY[key].fields;
  for (const fix of plan.fixes) {
    const filter = fix.kind === 'fill_createdAt' ? { $or: [{ createdAt: { $exists: false } }, { createdAt: null }] } : { [fix.field]: fix.from };
    let modified = 0;
    let ops: AnyBulkWriteOperation<Document>[] = [];
    const flush = async () => {
      if (!ops.length) return;
      modified += (await bulkWriteChunked(coll, ops)).modified;
      ops = [];
    };
    for await (const doc of coll.find(filter)) {
      if (!(doc._id instanceof ObjectId) && fix.kind === 'fill_createdAt') continue; // no timestamp to take: leave it
      const next: Document = { ...doc };
      if (fix.kind === 'fill_createdAt') next.createdAt = (doc._id as ObjectId).getTimestamp();
      else next[fix.field] = fix.to;
      const kw = withKeywords(key, next)._kw;
      const set: Document = fix.kind === 'fill_createdAt' ? { createdAt: next.createdAt, _kw: kw } : { [fix.field]: fix.to, _kw: kw };
      if (stamped) set.updatedAt = new Date();
      // The filter is repeated so a record changed meanwhile is not overwritten.
      ops.push({ updateOne: { filter: { _id: doc._id, ...filter }, update: { $set: set } } });
      if (ops.length >= 500) await flush();
    }
    await flush();
    applied.push({ kind: fix.kind, field: fix.field, from: fix.from, to: fix.to, modified });
  }
  if (applied.some((a) => a.modified > 0)) recordsChanged(db, key);
  return { collection: key, applied };
}

/** Per platform collection: how many problems the checks find (for a dashboard widget). */
export async function dataQualitySummary(
  db: Db,
  opts: { background?: boolean } = {},
): Promise<{ collection: CollectionKey; label: string; problems: number; fixable: number }[]> {
  const out = [];
  for (const key of COLLECTION_KEYS) {
    const r = await checkCollection(db, key, opts);
    out.push({
      collection: key,
      label: r.label,
      problems: r.issues.reduce((s, i) => s + i.count, 0),
      fixable: r.issues.reduce((s, i) => s + i.fixable, 0),
    });
  }
  return out;
}

export type SummaryRow = Awaited<ReturnType<typeof dataQualitySummary>>[number];
export interface StoredSummary {
  _id: 'latest';
  computedAt: Date;
  durationMs: number;
  rows: SummaryRow[];
}
/** The data-quality summary as the maintenance job last stored it (this service owns the collection). */
export const QUALITY_SUMMARY = 'quality_summary';
const summaries = (db: Db) => db.collection<StoredSummary>(QUALITY_SUMMARY);

/**
 * Computes the summary (every platform collection's checks: at 25× the demo data the reference check reads a
 * million activity events, minutes) and stores it; the maintenance job `data-quality` runs this, so no
 * request ever waits for the computation.
 */
export async function refreshQualitySummary(
  db: Db,
  now = new Date(),
  opts: { background?: boolean } = {},
): Promise<{ computedAt: Date; durationMs: number; collections: number; problems: number }> {
  const started = Date.now();
  const rows = await dataQualitySummary(db, opts);
  const doc: StoredSummary = { _id: 'latest', computedAt: now, durationMs: Date.now() - started, rows };
  await summaries(db).replaceOne({ _id: 'latest' }, doc, { upsert: true });
  recordsChanged(db, QUALITY_SUMMARY);
  return { computedAt: doc.computedAt, durationMs: doc.durationMs, collections: rows.length, problems: rows.reduce((s, r) => s + r.problems, 0) };
}

/** The stored summary for the dashboard tile (one `_id` read), or `computedAt: null` when the job never ran. */
export async function storedQualitySummary(db: Db): Promise<{ computedAt: Date | null; durationMs: number | null; rows: SummaryRow[] }> {
  const doc = await summaries(db).findOne({ _id: 'latest' });
  return doc ? { computedAt: doc.computedAt, durationMs: doc.durationMs, rows: doc.rows } : { computedAt: null, durationMs: null, rows: [] };
}
