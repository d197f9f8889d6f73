/**
 * Search over the registry's collections: the only code that reads them for search,
 * export and saved searches. Takes `db` as a parameter; throws AppError.
 */
import { BSON, ObjectId, type Db, type Document, type FindCursor } from 'mongodb';
import { cached } from '../db/cache';
import { countMatching } from '../db/count';
import { userQueryMaxMs } from '../db/limits';
import { distinctByIndex } from '../db/distinct';
import { parseText, tokenize } from './keywords';
import { AppError } from '../errors';
import { can, type ResolvedRole } from '../permissions';
import { SEARCH_KEYS, SEARCH_REGISTRY, hasKeywords, isRelatedPersonal, isSearchKey, relationsOf, type FieldDef, type SearchKey } from '../registry';
import { buildQuery, fieldDef, projectionFor, toRow, OPERATORS_BY_TYPE, ID_FIELD, type RelationContext, type Row } from './filter';
import { COUNT_CAP, SearchInput, type ExportQuery, type Group, type SearchInputParsed } from './schema';
import { memberActiveDays } from '../analytics/rollup';
import { relationOperators, relationPath, resolveDisplays, resolveRelationConditions, reverseSections, type RelatedMap, type RelatedRef } from './relations';
import type { z } from 'zod';
import { isDuplicateKeyError } from '../db/util';

export const canSeePersonal = (role: ResolvedRole) => can(role, 'data.personal.read');

/** The collection, if it exists in the registry and the role may read it. */
export function readableCollection(role: ResolvedRole, name: string): SearchKey {
  if (!isSearchKey(name)) throw new AppError('BAD_REQUEST', `Unknown collection "${name.slice(0, 64)}".`, { collection: name.slice(0, 64) });
  const def = SEARCH_REGISTRY[name];
  if (!can(role, def.read)) throw new AppError('FORBIDDEN', `Your role (${role.label}) cannot read ${def.label} (needs "${def.read}").`);
  return name;
}

export interface FieldInfo extends FieldDef {
  name: string;
  operators: readonly string[];
  /** Personal field the caller cannot see: shown masked, not filterable or sortable. */
  masked: boolean;
  /** A reference whose target the caller may read: its display values come with each page (`related`). */
  relation?: { target: SearchKey; targetLabel: string };
  /** A field reached through a relation (`userId.email`): filterable only, resolved to ids first. */
  via?: string;
}
export interface CollectionInfo {
  key: SearchKey;
  label: string;
  system: boolean;
  keywords: boolean;
  titleField: string;
  defaultSort: { field: string; dir: 'asc' | 'desc' };
  fields: FieldInfo[];
  /** Fields of related collections a condition may filter through ("Member email"), never columns. */
  relationFields: FieldInfo[];
}

/** The registry as the caller's role sees it (only readable collections). */
export function collectionsFor(role: ResolvedRole): CollectionInfo[] {
  const personal = canSeePersonal(role);
  return SEARCH_KEYS.filter((k) => can(role, SEARCH_REGISTRY[k].read)).map((k) => {
    const d = SEARCH_REGISTRY[k];
    return {
      key: k,
      label: d.label,
      system: !!d.system,
      keywords: hasKeywords(k),
      titleField: d.titleField,
      defaultSort: d.defaultSort,
      fields: Object.entries(d.fields).map(([name, f]) => {
        const target = f.type === 'objectId' && f.ref && isSearchKey(f.ref) && can(role, SEARCH_REGISTRY[f.ref].read) ? f.ref : null;
        return {
          ...f,
          name,
          operators: OPERATORS_BY_TYPE[f.type],
          masked: !!f.personal && !personal,
          ...(target ? { relation: { target, targetLabel: SEARCH_REGISTRY[target].label } } : {}),
        };
      }),
      relationFields: relationFieldsFor(role, k),
    };
  });
}

/** The related fields a role may filter `collection` through (targets it can read; personal ones masked). */
function relationFieldsFor(role: ResolvedRole, collection: SearchKey): FieldInfo[] {
  const personal = canSeePersonal(role);
  const out: FieldInfo[] = [];
  for (const r of relationsOf(collection)) {
    if (!can(role, SEARCH_REGISTRY[r.target].read)) continue;
    for (const sub of r.filterBy) {
      const p = relationPath(collection, `${r.field}.${sub}`);
      if (!p) continue;
      out.push({
        type: p.subDef.type,
        label: `${r.label} ${p.subDef.label.toLowerCase()}`,
        ...(p.subDef.values ? { values: p.subDef.values } : {}),
        name: `${r.field}.${sub}`,
        operators: relationOperators(p, OPERATORS_BY_TYPE),
        masked: isRelatedPersonal(r.target, sub) && !personal,
        via: r.field,
      });
    }
  }
  return out;
}

function relationContext(role: ResolvedRole): RelationContext {
  return { canRead: (c) => can(role, SEARCH_REGISTRY[c].read), canSeePersonal: canSeePersonal(role) };
}

/**
 * Validates the whole query before any I/O (relation conditions included), then resolves the relation
 * conditions to ids and builds the final filter.
 */
async function buildWithRelations(
  db: Db,
  role: ResolvedRole,
  collection: SearchKey,
  input: { where?: Group; text?: string; sort?: { field: string; dir: 'asc' | 'desc' }[] },
) {
  const personal = canSeePersonal(role);
  const rel = relationContext(role);
  const dry = buildQuery(collection, input, personal, rel);
  if (!input.where) return dry;
  const resolved = await resolveRelationConditions(db, collection, input.where, personal, (t, where, p) => buildQuery(t, { where }, p));
  if (resolved.size === 0) return dry;
  return buildQuery(collection, input, personal, { ...rel, resolved });
}

/** Validates export/search columns against the registry (default: every field). */
export function resolveColumns(collection: SearchKey, columns?: string[] | null): string[] {
  const all = Object.keys(SEARCH_REGISTRY[collection].fields);
  if (!columns || columns.length === 0) return all;
  const out: string[] = [];
  for (const c of columns) {
    if (c !== '_id' && !fieldDef(SEARCH_REGISTRY[collection], c)) {
      throw new AppError('BAD_REQUEST', `Unknown column "${c.slice(0, 100)}" in ${collection}.`, { column: c.slice(0, 100) });
    }
    if (c !== '_id' && !out.includes(c)) out.push(c);
  }
  return out;
}

/**
 * Collections whose keywords all come from one low-cardinality field (activity events: the event name).
 * A keyword search there first resolves its words to those values (distinct values by index walk,
 * cached ten minutes) and adds `field $in values`, served by the field's index: a word no record has
 * answers at once instead of scanning a million events. The `_kw` conditions stay (exact results).
 */
const KEYWORDS_FROM: Partial<Record<SearchKey, string>> = { activity_events: 'name' };

async function keywordValues(db: Db, collection: SearchKey, text: string | undefined): Promise<Document | null | 'none'> {
  const field = KEYWORDS_FROM[collection];
  if (!field || !text || !text.trim()) return null;
  const searchable = Object.entries(SEARCH_REGISTRY[collection].fields)
    .filter(([, f]) => f.searchable)
    .map(([n]) => n);
  if (searchable.length !== 1 || searchable[0] !== field) return null; // keywords no longer come from this field alone
  const values = (await cached(db, 'reference', `distinct|${collection}|${field}`, [collection], () => distinctByIndex(db, collection, field))).value;
  if (!values || values.length >= 1_000) return null; // no index on the field, or not low-cardinality after all
  let matching = values;
  for (const { token, prefix } of parseText(text)) {
    matching = matching.filter((v) => tokenize(v).some((t) => (prefix ? t.startsWith(token) : t === token)));
  }
  return matching.length ? { [field]: { $in: matching } } : 'none';
}

export interface SearchResult {
  rows: Row[];
  total: number;
  /** True when the count stopped at COUNT_CAP (the real total is at least `total`). */
  totalCapped: boolean;
  /** False when the count was not asked for (count: 'none'); `total` is then -1. */
  counted: boolean;
  page: number;
  pageSize: number;
  /** When the count was computed (counts are cached for two minutes); null without a count. */
  countedAt: Date | null;
  /** Display values of the page's references (`field → id → name…`), masked like the rows. */
  related: RelatedMap;
}

/** `search.query`: one page of rows, with a capped (default), exact or no count. */
export async function search(db: Db, role: ResolvedRole, raw: z.input<typeof SearchInput> | SearchInputParsed): Promise<SearchResult> {
  const input = SearchInput.parse(raw);
  const collection = readableCollection(role, input.collection);
  const personal = canSeePersonal(role);
  const q = await buildWithRelations(db, role, collection, input);
  const coll = db.collection(collection);
  const skip = (input.page - 1) * input.pageSize;
  const kwValues = await keywordValues(db, collection, input.text);
  if (kwValues === 'none') {
    return {
      rows: [],
      total: 0,
      totalCapped: false,
      counted: input.count !== 'none',
      page: input.page,
      pageSize: input.pageSize,
      countedAt: input.count !== 'none' ? new Date() : null,
      related: {},
    };
  }
  if (kwValues) q.filter = { $and: [q.filter, kwValues] };
  // The page's documents are kept 30 s ('hot' tier), dropped by the writes of this product that change the
  // collection (recordsChanged / invalidate, other instances through the live bus); the platform's own writes
  // show within the 30 s. Masking and display values are applied per request below, so one entry serves
  // every role. Filter and sort are built from the registry only: their canonical EJSON names the page.
  const rowsKey = `search-rows|${collection}|${skip}|${input.pageSize}|${BSON.EJSON.stringify([q.filter, q.sort ?? null], { relaxed: false })}`;
  const rowsP = cached(db, 'hot', rowsKey, [collection], () =>
    coll.find(q.filter, { projection: projectionFor(collection), sort: q.sort, skip, limit: input.pageSize, maxTimeMS: userQueryMaxMs() }).toArray(),
  ).then((r) => r.value);
  let countP: Promise<{ value: number; computedAt: Date } | null> = Promise.resolve(null);
  if (input.count !== 'none') {
    // The filter is built from the registry only, so its canonical EJSON names the count exactly.
    const key = `search-count|${collection}|${input.count}|${BSON.EJSON.stringify(q.filter, { relaxed: false })}`;
    const limit = input.count === 'capped' ? COUNT_CAP + 1 : undefined;
    countP = cached(db, 'counts', key, [collection], () => countMatching(db, coll, q.filter, { limit, maxTimeMS: userQueryMaxMs() }));
  }
  const [docs, counted] = await Promise.all([rowsP, countP]);
  const n = counted ? counted.value : -1;
  const capped = input.count === 'capped' && n > COUNT_CAP;
  const related = await resolveDisplays(db, role, collection, docs, personal);
  return {
    related,
    rows: docs.map((d) => toRow(collection, d, personal)),
    total: capped ? COUNT_CAP : n,
    totalCapped: capped,
    counted: input.count !== 'none',
    page: input.page,
    pageSize: input.pageSize,
    countedAt: counted ? counted.computedAt : null,
  };
}

export interface ExportCursor {
  collection: SearchKey;
  columns: string[];
  personal: boolean;
  cursor: FindCursor<Document>;
  sortSpec: { field: string; dir: 'asc' | 'desc' }[];
}

/** Opens the cursor an export streams from: same validation, filter, sort and masking as `search`. */
export async function openExportCursor(
  db: Db,
  role: ResolvedRole,
  collectionName: string,
  query: ExportQuery,
  columns?: string[] | null,
): Promise<ExportCursor> {
  const collection = readableCollection(role, collectionName);
  if (query.collection !== collection) {
    throw new AppError('BAD_REQUEST', `The query names "${query.collection.slice(0, 64)}" but the URL names "${collection}".`);
  }
  const personal = canSeePersonal(role);
  const q = await buildWithRelations(db, role, collection, query);
  const cols = resolveColumns(collection, columns);
  const kwValues = await keywordValues(db, collection, query.text);
  if (kwValues === 'none') q.filter = { _id: { $in: [] } };
  else if (kwValues) q.filter = { $and: [q.filter, kwValues] };
  const cursor = db.collection(collection).find(q.filter, { projection: projectionFor(collection, cols), sort: q.sort, batchSize: 1000 });
  return { collection, columns: cols, personal, cursor, sortSpec: q.sortSpec };
}

export { toRow, ID_FIELD };

// ---------------------------------------------------------------------------------------
// One record, and the records related to it (the drawer)
// ---------------------------------------------------------------------------------------

export interface RecordResult {
  collection: SearchKey;
  row: Row;
  related: RelatedMap;
}

/** `search.record`: one record by id, masked, with its references' display values. */
export async function getRecord(db: Db, role: ResolvedRole, input: { collection: string; id: string }): Promise<RecordResult> {
  const collection = readableCollection(role, input.collection);
  const personal = canSeePersonal(role);
  const doc = await db.collection(collection).findOne({ _id: new ObjectId(input.id) }, { projection: projectionFor(collection) });
  if (!doc) throw new AppError('NOT_FOUND', `No record in ${SEARCH_REGISTRY[collection].label} has id ${input.id}.`);
  return { collection, row: toRow(collection, doc, personal), related: await resolveDisplays(db, role, collection, [doc], personal) };
}

export interface RelatedSectionDto {
  collection: SearchKey;
  label: string;
  field: string;
  withinDays: number | null;
  rows: Row[];
  related: RelatedMap;
  total: number;
  capped: boolean;
  /** What `total` counts: records, or (recent activity) the days the member was active. */
  unit: 'records' | 'active days';
  /** The search that lists all of them (for a "see all" link). */
  query: { collection: SearchKey; where: Group };
}

/**
 * `search.related`: for a record, the newest records of every collection that references it and the
 * role may read (a member: bookings, registrations, recent activity). Registry-driven: a collection
 * added with a reference to members (messages sent to a member) appears here with no other change.
 */
export async function getRelated(db: Db, role: ResolvedRole, input: { collection: string; id: string }, now = new Date()): Promise<RelatedSectionDto[]> {
  const target = readableCollection(role, input.collection);
  const personal = canSeePersonal(role);
  // a member's recent activity is read on the days analytics' rollup says they were active
  const sections = await reverseSections(db, role, target, new ObjectId(input.id), now, memberActiveDays);
  return Promise.all(
    sections.map(async (s) => {
      const conditions: Group['conditions'] = [{ field: s.field, operator: 'eq', value: input.id }];
      const def = SEARCH_REGISTRY[s.collection];
      // the same window as the section's count, so "see all" lists exactly `total` records
      if (s.since) conditions.push({ field: def.defaultSort.field, operator: 'gte', value: s.since.toISOString() });
      return {
        collection: s.collection,
        label: s.label,
        field: s.field,
        withinDays: s.withinDays,
        rows: s.docs.map((d) => toRow(s.collection, d, personal)),
        related: await resolveDisplays(db, role, s.collection, s.docs, personal),
        total: s.total,
        capped: s.capped,
        unit: s.unit,
        query: { collection: s.collection, where: { op: 'and' as const, conditions } },
      };
    }),
  );
}

export type { RelatedMap, RelatedRef };

// ---------------------------------------------------------------------------------------
// Saved searches (per admin)
// ---------------------------------------------------------------------------------------

export interface SavedSearchDoc {
  _id: ObjectId;
  adminId: ObjectId;
  name: string;
  collection: string;
  /** The validated search input, stored as JSON text (user values never become stored keys). */
  query: string;
  columns: string[] | null;
  createdAt: Date;
}

const saved = (db: Db) => db.collection<SavedSearchDoc>('saved_searches');

export interface SavedSearchDto {
  id: string;
  name: string;
  collection: string;
  collectionLabel: string;
  query: Record<string, unknown>;
  columns: string[] | null;
  createdAt: Date;
}

export async function listSaved(db: Db, role: ResolvedRole, adminId: ObjectId): Promise<SavedSearchDto[]> {
  const docs = await saved(db).find({ adminId }).sort({ createdAt: -1 }).limit(200).toArray();
  return docs
    .filter((d) => isSearchKey(d.collection) && can(role, SEARCH_REGISTRY[d.collection].read))
    .map((d) => ({
      id: d._id.toHexString(),
      name: d.name,
      collection: d.collection,
      collectionLabel: SEARCH_REGISTRY[d.collection as SearchKey].label,
      query: JSON.parse(d.query) as Record<string, unknown>,
      columns: d.columns,
      createdAt: d.createdAt,
    }));
}

export async function createSaved(
  db: Db,
  role: ResolvedRole,
  adminId: ObjectId,
  input: { name: string; query: Omit<SearchInputParsed, 'page'> | Record<string, unknown>; columns?: string[] },
): Promise<{ id: string }> {
  const q = SearchInput.parse({ ...input.query, page: 1 });
  const collection = readableCollection(role, q.collection);
  buildQuery(collection, q, canSeePersonal(role), relationContext(role)); // refuse to save a query that cannot run
  const columns = input.columns ? resolveColumns(collection, input.columns) : null;
  const { page: _p, ...rest } = q;
  const doc: SavedSearchDoc = {
    _id: new ObjectId(),
    adminId,
    name: input.name,
    collection,
    query: JSON.stringify(rest),
    columns,
    createdAt: new Date(),
  };
  try {
    await saved(db).insertOne(doc);
  } catch (e) {
    if (isDuplicateKeyError(e)) throw new AppError('CONFLICT', `You already have a saved search named "${input.name}".`);
    throw e;
  }
  return { id: doc._id.toHexString() };
}

export async function deleteSaved(db: Db, adminId: ObjectId, id: string): Promise<{ ok: true; name: string }> {
  const doc = await saved(db).findOneAndDelete({ _id: new ObjectId(id), adminId });
  if (!doc) throw new AppError('NOT_FOUND', 'No saved search of yours has this id.');
  return { ok: true, name: doc.name };
}
