/**
 * Turns a validated search input into a MongoDB filter, sort and projection, using only
 * the registry: fields are looked up as own properties of the collection's definition,
 * operators must fit the field's type, values are coerced to that type, regexes are built
 * from escaped text. Nothing the client sends is passed to the driver as is. Pure: no I/O,
 * so a rejected query never reaches the database.
 */
import { ObjectId, type Document, type Filter, type Sort } from 'mongodb';
import { AppError } from '../errors';
import { MASK, SEARCH_REGISTRY, hasKeywords, type CollectionDef, type FieldDef, type FieldType, type SearchKey } from '../registry';
import { KW_FIELD, PERSONAL_PREFIX, getPath, parseText } from './keywords';
import { MAX_DEPTH, type Condition, type Group, type Operator } from './schema';
import { escapeRegex } from '../db/util';
import { checkRelationCondition, relationPath, type RelationAccess, type ResolvedRelations } from './relations';

/**
 * How relation conditions ("userId.email contains …") are built: checked with `access`, then
 * `field $in ids` from `resolved` (service.ts resolves them first). Without `resolved` the query is only
 * being validated (before any I/O) and a relation condition stands for "no ids yet". Without a context at
 * all, relation paths are unknown fields.
 */
export interface RelationContext extends RelationAccess {
  resolved?: ResolvedRelations;
}

export const ID_FIELD: FieldDef = { type: 'objectId', label: 'ID', sortable: true };

/** Which operators each field type accepts. */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  string: ['eq', 'ne', 'in', 'nin', 'contains', 'startsWith', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  number: ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  date: ['eq', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
  enum: ['eq', 'ne', 'in', 'nin', 'exists'],
  tags: ['eq', 'ne', 'in', 'nin', 'exists'],
  objectId: ['eq', 'ne', 'in', 'nin', 'exists'],
};

export const MAX_REGEX_TEXT = 100;

const bad = (message: string, details?: unknown): never => {
  throw new AppError('BAD_REQUEST', message, details);
};

export { escapeRegex } from '../db/util';

export function fieldDef(def: CollectionDef, name: string): FieldDef | undefined {
  if (name === '_id') return ID_FIELD;
  return Object.prototype.hasOwnProperty.call(def.fields, name) ? def.fields[name] : undefined;
}

function lookupField(collection: SearchKey, name: string, canSeePersonal: boolean, use: string): FieldDef {
  const def = SEARCH_REGISTRY[collection];
  const f = fieldDef(def, name);
  if (!f) {
    return bad(`Unknown field "${name.slice(0, 100)}" in ${collection}${name.startsWith('$') ? ' (operators cannot be used as field names)' : ''}.`, {
      field: name.slice(0, 100),
    });
  }
  if (f.personal && !canSeePersonal) {
    throw new AppError('FORBIDDEN', `"${name}" is personal data; your role cannot ${use} it.`, { field: name });
  }
  return f;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const DAY_MS = 86_400_000;

/** Coerces one value to the field's type, or answers BAD_REQUEST naming the field. */
function coerce(field: string, f: FieldDef, v: unknown, opts: { endOfDay?: boolean } = {}): unknown {
  const wrong = (want: string) =>
    bad(
      `Field "${field}" expects ${want}, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v}.`,
      { field },
    );
  switch (f.type) {
    case 'string':
    case 'tags':
      return typeof v === 'string' ? v : wrong('text');
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? v : wrong('a number');
    case 'boolean':
      return typeof v === 'boolean' ? v : wrong('true or false');
    case 'enum': {
      if (typeof v !== 'string') return wrong(`one of ${f.values?.join(', ')}`);
      if (!f.values?.includes(v)) return bad(`"${v.slice(0, 40)}" is not a value of "${field}" (one of ${f.values?.join(', ')}).`, { field });
      return v;
    }
    case 'objectId':
      return typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v) ? new ObjectId(v) : wrong('a 24-hex id');
    case 'date': {
      let d: Date | null = null;
      if (v instanceof Date) d = v;
      else if (typeof v === 'string' && ISO_DATE.test(v)) {
        d = new Date(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
        if (opts.endOfDay && DATE_ONLY.test(v)) d = new Date(d.getTime() + DAY_MS - 1);
      }
      if (!d || Number.isNaN(d.getTime())) return wrong('a date (YYYY-MM-DD or ISO-8601)');
      return d;
    }
  }
}

function condition(collection: SearchKey, c: Condition, canSeePersonal: boolean, rel?: RelationContext): Filter<Document> {
  const path = rel && !fieldDef(SEARCH_REGISTRY[collection], c.field) ? relationPath(collection, c.field) : null;
  if (path && rel) {
    checkRelationCondition(collection, c, path, rel, OPERATORS_BY_TYPE);
    if (!rel.resolved) return { [path.relation.field]: { $in: [] } };
    const ids = rel.resolved.get(c);
    if (!ids) throw new Error(`Relation condition "${c.field}" was not resolved.`);
    return { [path.relation.field]: { $in: ids } };
  }
  const f = lookupField(collection, c.field, canSeePersonal, 'filter on');
  const allowed = OPERATORS_BY_TYPE[f.type];
  if (!allowed.includes(c.operator)) {
    bad(`Operator "${c.operator}" does not fit field "${c.field}" (${f.type}); use one of ${allowed.join(', ')}.`, { field: c.field, operator: c.operator });
  }
  const v = c.value;
  const scalar = () => {
    if (v === undefined || Array.isArray(v)) bad(`Operator "${c.operator}" on "${c.field}" needs one value.`, { field: c.field });
    return coerce(c.field, f, v, { endOfDay: c.operator === 'lte' });
  };
  const list = () => {
    if (!Array.isArray(v) || v.length === 0) return bad(`Operator "${c.operator}" on "${c.field}" needs a non-empty list of values.`, { field: c.field });
    return v.map((x) => coerce(c.field, f, x));
  };
  const text = () => {
    const s = scalar() as string;
    if (s.length === 0) bad(`Operator "${c.operator}" on "${c.field}" needs some text.`, { field: c.field });
    if (s.length > MAX_REGEX_TEXT) bad(`Text for "${c.field}" is longer than ${MAX_REGEX_TEXT} characters.`, { field: c.field });
    return escapeRegex(s);
  };
  const name = c.field;
  switch (c.operator) {
    case 'eq':
      return { [name]: scalar() };
    case 'ne':
      return { [name]: { $ne: scalar() } };
    case 'in':
      return { [name]: { $in: list() } };
    case 'nin':
      return { [name]: { $nin: list() } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { [name]: { [`$${c.operator}`]: scalar() } };
    case 'between': {
      if (!Array.isArray(v) || v.length !== 2) return bad(`Operator "between" on "${c.field}" needs [from, to] (either may be null).`, { field: c.field });
      const [lo, hi] = v;
      if ((lo === null || lo === '') && (hi === null || hi === ''))
        return bad(`Operator "between" on "${c.field}" needs at least one bound.`, { field: c.field });
      const range: Record<string, unknown> = {};
      if (lo !== null && lo !== '') range.$gte = coerce(c.field, f, lo);
      if (hi !== null && hi !== '') range.$lte = coerce(c.field, f, hi, { endOfDay: true });
      return { [name]: range };
    }
    case 'contains':
      return { [name]: { $regex: text(), $options: 'i' } };
    case 'startsWith':
      return { [name]: { $regex: `^${text()}`, $options: 'i' } };
    case 'exists': {
      const want = v === undefined ? true : v;
      if (typeof want !== 'boolean') return bad(`Operator "exists" on "${c.field}" takes true or false.`, { field: c.field });
      return want ? { [name]: { $exists: true, $ne: null } } : { [name]: null };
    }
  }
}

function isGroup(x: Condition | Group): x is Group {
  return typeof (x as Group).op === 'string' && Array.isArray((x as Group).conditions);
}

function group(collection: SearchKey, g: Group, depth: number, canSeePersonal: boolean, rel?: RelationContext): Filter<Document> | null {
  if (depth > MAX_DEPTH) bad(`Groups are nested deeper than ${MAX_DEPTH} levels.`);
  const parts: Filter<Document>[] = [];
  for (const c of g.conditions) {
    const p = isGroup(c) ? group(collection, c, depth + 1, canSeePersonal, rel) : condition(collection, c, canSeePersonal, rel);
    if (p) parts.push(p);
  }
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0]!;
  return { [g.op === 'and' ? '$and' : '$or']: parts };
}

export function textFilter(collection: SearchKey, text: string, canSeePersonal: boolean): Filter<Document>[] {
  if (!hasKeywords(collection)) bad(`Free-text search is not available for ${collection}; add a condition (e.g. "contains") instead.`);
  const terms = parseText(text);
  if (terms.length === 0) bad('The search text has no word of 2 or more letters or digits.');
  if (terms.length > 12) bad('The search text has more than 12 words.');
  return terms.map(({ token, prefix }) => {
    if (prefix) {
      const p = { [KW_FIELD]: { $regex: `^${escapeRegex(token)}` } };
      return canSeePersonal ? { $or: [p, { [KW_FIELD]: { $regex: `^${escapeRegex(PERSONAL_PREFIX + token)}` } }] } : p;
    }
    return canSeePersonal ? { [KW_FIELD]: { $in: [token, PERSONAL_PREFIX + token] } } : { [KW_FIELD]: token };
  });
}

export interface BuiltQuery {
  filter: Filter<Document>;
  sort: Sort;
  /** The sort as given (validated), for the UI and the audit. */
  sortSpec: { field: string; dir: 'asc' | 'desc' }[];
}

/** Validates and builds filter + sort. Throws AppError (BAD_REQUEST / FORBIDDEN) before any I/O. */
export function buildQuery(
  collection: SearchKey,
  input: { where?: Group; text?: string; sort?: { field: string; dir: 'asc' | 'desc' }[] },
  canSeePersonal: boolean,
  rel?: RelationContext,
): BuiltQuery {
  const def = SEARCH_REGISTRY[collection];
  const parts: Filter<Document>[] = [];
  if (input.where) {
    const g = group(collection, input.where, 1, canSeePersonal, rel);
    if (g) parts.push(g);
  }
  if (input.text && input.text.trim()) parts.push(...textFilter(collection, input.text, canSeePersonal));
  const filter: Filter<Document> = parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts };

  const sortSpec = input.sort && input.sort.length ? input.sort : [def.defaultSort];
  const sort: Record<string, 1 | -1> = {};
  for (const s of sortSpec) {
    const f = lookupField(collection, s.field, canSeePersonal, 'sort by');
    if (!f.sortable) bad(`Field "${s.field}" is not sortable (not indexed); sortable: ${sortableFields(def).join(', ')}.`, { field: s.field });
    if (s.field in sort) bad(`Field "${s.field}" appears twice in the sort.`, { field: s.field });
    sort[s.field] = s.dir === 'asc' ? 1 : -1;
  }
  // A unique tie-breaker makes paging stable.
  if (!('_id' in sort)) sort._id = sortSpec[sortSpec.length - 1]!.dir === 'asc' ? 1 : -1;
  return { filter, sort, sortSpec };
}

export function sortableFields(def: CollectionDef): string[] {
  return Object.entries(def.fields)
    .filter(([, f]) => f.sortable)
    .map(([n]) => n);
}

/** Projection of the registry fields (never `_kw` or undeclared fields). */
export function projectionFor(collection: SearchKey, columns?: string[]): Document {
  const names = columns ?? Object.keys(SEARCH_REGISTRY[collection].fields);
  const p: Document = { _id: 1 };
  for (const n of names) if (n !== '_id') p[n] = 1;
  return p;
}

export type Row = Record<string, unknown> & { id: string };

/** A stored document as a flat row keyed by registry field name: ids as hex, personal fields masked. */
export function toRow(collection: SearchKey, doc: Document, canSeePersonal: boolean, columns?: string[]): Row {
  const def = SEARCH_REGISTRY[collection];
  const row: Row = { id: doc._id instanceof ObjectId ? doc._id.toHexString() : String(doc._id) };
  for (const name of columns ?? Object.keys(def.fields)) {
    if (name === '_id') continue;
    let v = getPath(doc, name);
    if (v instanceof ObjectId) v = v.toHexString();
    // Masked whatever the value, empty included: '••••' vs blank would tell whether the field is filled.
    if (def.fields[name]?.personal && !canSeePersonal) v = MASK;
    row[name] = v === undefined ? null : v;
  }
  return row;
}
