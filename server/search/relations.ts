/**
 * Relations between registry collections, on any engine (no `$lookup`: the embedded FerretDB has none).
 *
 * - Display: the references of one page of rows are resolved with one `_id $in` find per target
 *   collection (bookings → members and psychologists: two finds of at most a page of ids each), with
 *   only the registry's display fields projected, masked by the same personal-data rules as the rest
 *   (a target's personal and identity fields: a related member's name and email).
 * - Conditions through a relation ("Member email contains …"): resolved to the target's ids first,
 *   through the target's own indexed query (email `eq`/`startsWith` read the email index), then become
 *   `field $in ids` on the source, served by its `ref_<field>` index. More than RELATION_ID_CAP ids is
 *   refused with a message that says how to narrow it.
 * - Reverse relations: a record's related records (a member's bookings, registrations, recent activity).
 */
import { ObjectId, type Db, type Document } from 'mongodb';
import { AppError } from '../errors';
import { can, type ResolvedRole } from '../permissions';
import {
  MASK,
  SEARCH_REGISTRY,
  hasKeywords,
  isRelatedPersonal,
  relationsOf,
  reverseRelations,
  type FieldDef,
  type RelationField,
  type SearchKey,
} from '../registry';
import { countMatching } from '../db/count';
import { userQueryMaxMs } from '../db/limits';
import { KW_FIELD, MAX_TOKEN, MIN_TOKEN, PERSONAL_PREFIX } from './keywords';
import { escapeRegex } from './filter';
import { MAX_DEPTH, type Condition, type Group, type Operator } from './schema';

/** At most this many related ids per condition (a `$in` list the engines serve from an index). */
export const RELATION_ID_CAP = 1_000;

/** Operators a condition may use through a relation (on the related field), when its type allows them. */
export const RELATION_OPERATORS: readonly Operator[] = ['eq', 'in', 'contains', 'startsWith'];

const bad = (message: string, details?: unknown): never => {
  throw new AppError('BAD_REQUEST', message, details);
};

export interface RelationPath {
  relation: RelationField;
  /** The related collection's field, e.g. `email`. */
  sub: string;
  subDef: FieldDef;
}

/**
 * `userId.email` on session_bookings → the relation and the related field, when the registry whitelists
 * it (`filterBy`); null when the name is not of that form (then it is an ordinary field name).
 */
export function relationPath(collection: SearchKey, name: string): RelationPath | null {
  const dot = name.indexOf('.');
  if (dot <= 0) return null;
  const base = name.slice(0, dot);
  const sub = name.slice(dot + 1);
  const relation = relationsOf(collection).find((r) => r.field === base);
  if (!relation || !relation.filterBy.includes(sub)) return null;
  const t = SEARCH_REGISTRY[relation.target].fields;
  if (!Object.prototype.hasOwnProperty.call(t, sub)) return null;
  return { relation, sub, subDef: t[sub]! };
}

/** The operators a relation path accepts (its field type's, limited to RELATION_OPERATORS). */
export function relationOperators(p: RelationPath, byType: Record<string, readonly Operator[]>): Operator[] {
  return (byType[p.subDef.type] ?? []).filter((o) => RELATION_OPERATORS.includes(o));
}

export interface RelationAccess {
  canRead: (c: SearchKey) => boolean;
  canSeePersonal: boolean;
}

/** Pure checks of one relation condition (before any I/O): role, personal data, operator. */
export function checkRelationCondition(
  collection: SearchKey,
  c: Condition,
  p: RelationPath,
  access: RelationAccess,
  byType: Record<string, readonly Operator[]>,
): void {
  const target = SEARCH_REGISTRY[p.relation.target];
  if (!access.canRead(p.relation.target)) {
    throw new AppError(
      'FORBIDDEN',
      `Your role cannot read ${target.label}, so it cannot filter ${SEARCH_REGISTRY[collection].label.toLowerCase()} by ${p.relation.label.toLowerCase()} ${p.subDef.label.toLowerCase()}.`,
      { field: c.field },
    );
  }
  if (isRelatedPersonal(p.relation.target, p.sub) && !access.canSeePersonal) {
    throw new AppError('FORBIDDEN', `"${p.relation.label} ${p.subDef.label.toLowerCase()}" is personal data; your role cannot filter on it.`, {
      field: c.field,
    });
  }
  const ops = relationOperators(p, byType);
  if (!ops.includes(c.operator))
    bad(`Operator "${c.operator}" does not fit "${c.field}"; through a relation use one of ${ops.join(', ')}.`, { field: c.field, operator: c.operator });
}

function isGroup(x: Condition | Group): x is Group {
  return typeof (x as Group).op === 'string' && Array.isArray((x as Group).conditions);
}

/** Every condition of a group tree whose field is a relation path. */
export function relationConditions(collection: SearchKey, g: Group | undefined, depth = 1): { c: Condition; p: RelationPath }[] {
  if (!g) return [];
  if (depth > MAX_DEPTH) bad(`Groups are nested deeper than ${MAX_DEPTH} levels.`);
  const out: { c: Condition; p: RelationPath }[] = [];
  for (const c of g.conditions) {
    if (isGroup(c)) out.push(...relationConditions(collection, c, depth + 1));
    else {
      const p = relationPath(collection, c.field);
      if (p) out.push({ c, p });
    }
  }
  return out;
}

export type ResolvedRelations = ReadonlyMap<Condition, ObjectId[]>;

/**
 * Resolves each relation condition to the ids of the related records it matches (one find per
 * condition, `_id` only, at most RELATION_ID_CAP + 1 read). `buildTarget` is filter.ts's buildQuery,
 * passed in to keep this module free of a cycle.
 */
export async function resolveRelationConditions(
  db: Db,
  collection: SearchKey,
  where: Group | undefined,
  canSeePersonal: boolean,
  buildTarget: (target: SearchKey, where: Group, personal: boolean) => { filter: Document },
): Promise<Map<Condition, ObjectId[]>> {
  const out = new Map<Condition, ObjectId[]>();
  for (const { c, p } of relationConditions(collection, where)) {
    const target = SEARCH_REGISTRY[p.relation.target];
    let value = c.value;
    // Values stored lower-case (emails) are compared lower-case, so `eq`/`startsWith` stay index lookups.
    if (p.subDef.lowercase)
      value = Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) : typeof value === 'string' ? value.toLowerCase() : value;
    const operator = p.subDef.lowercase && c.operator === 'startsWith' ? 'startsWithCase' : c.operator;
    let filter: Document;
    if (operator === 'startsWithCase') {
      // validated like any startsWith (text, length), then anchored and case-sensitive on the lower-cased
      // text: our FerretDB build pushes `^literal` down to the field's index
      buildTarget(p.relation.target, { op: 'and', conditions: [{ field: p.sub, operator: 'startsWith', value }] }, true);
      filter = { [p.sub]: { $regex: `^${escapeRegex(value as string)}` } };
    } else {
      // the target's own validation and coercion (the personal check was done by checkRelationCondition)
      filter = buildTarget(p.relation.target, { op: 'and', conditions: [{ field: p.sub, operator: c.operator, value }] }, true).filter;
    }
    if (c.operator === 'contains' && typeof value === 'string') {
      // served by the keyword index where the text holds whole words: the exact regex still decides
      const pre = containsPrefilter(p.relation.target, p.sub, value);
      if (pre.length) filter = { $and: [...pre, filter] };
    }
    const docs = await db
      .collection(p.relation.target)
      .find(filter, { projection: { _id: 1 }, limit: RELATION_ID_CAP + 1, maxTimeMS: userQueryMaxMs() })
      .toArray();
    if (docs.length > RELATION_ID_CAP) {
      const shown = Array.isArray(c.value) ? c.value.join(', ') : String(c.value ?? '');
      bad(
        `"${p.relation.label} ${p.subDef.label.toLowerCase()} ${OP_WORDS[c.operator] ?? c.operator} ${shown.slice(0, 60)}" matches more than ${RELATION_ID_CAP.toLocaleString('en-US')} ${target.label.toLowerCase()}; narrow it (more of the ${p.subDef.label.toLowerCase()}, or "is" instead of "contains").`,
        { field: c.field, cap: RELATION_ID_CAP },
      );
    }
    out.set(
      c,
      docs.map((d) => d._id as ObjectId),
    );
  }
  return out;
}

/**
 * Keyword conditions every record whose `field` contains `text` satisfies (a superset, so the exact
 * `contains` regex is kept): a word of the text with a separator on both sides is a whole keyword of the
 * record, one with a separator before it starts a keyword. "amit.2@outlook.com" → keyword `amit` and
 * `outlook` and a keyword starting with `com`: index lookups instead of reading every member. A single word
 * with nothing around it may sit inside a keyword: no prefilter then (the regex reads the collection).
 * Only for searchable fields of collections with keywords (their words are in `_kw`, `p:`-prefixed when personal).
 */
export function containsPrefilter(target: SearchKey, field: string, text: string): Document[] {
  const f = SEARCH_REGISTRY[target].fields[field];
  if (!f?.searchable || !hasKeywords(target)) return [];
  const prefix = f.personal ? PERSONAL_PREFIX : '';
  const out: Document[] = [];
  // the text normalized as keywords are (keywords.ts tokenize), so words and separators fall alike
  const norm = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  for (const m of norm.matchAll(/[\p{L}\p{N}]+/gu)) {
    const tok = m[0];
    if (tok.length < MIN_TOKEN || tok.length >= MAX_TOKEN) continue; // not stored / cut when stored
    const start = m.index;
    const left = start > 0;
    const right = start + tok.length < norm.length;
    if (left && right) out.push({ [KW_FIELD]: prefix + tok });
    else if (left) out.push({ [KW_FIELD]: { $regex: `^${escapeRegex(prefix + tok)}` } });
  }
  return out;
}

const OP_WORDS: Partial<Record<Operator, string>> = { eq: 'is', in: 'is one of', contains: 'contains', startsWith: 'starts with' };

// ---------------------------------------------------------------------------------------
// Display: one batched `_id $in` find per target collection per page
// ---------------------------------------------------------------------------------------

export interface RelatedRef {
  id: string;
  collection: SearchKey;
  /** The first display field (masked when personal and the role may not see it); null when absent. */
  label: string | null;
  /** Every display field by name (dates stay dates), masked like `label`. */
  fields: Record<string, unknown>;
  /** The id points at no record (a dangling reference). */
  missing: boolean;
}
/** `field → id → RelatedRef`, for the reference fields of one page. Targets the role cannot read are left out. */
export type RelatedMap = Record<string, Record<string, RelatedRef>>;

const hex = (v: unknown): string | null =>
  v instanceof ObjectId ? v.toHexString() : typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v) ? v.toLowerCase() : null;

export async function resolveDisplays(db: Db, role: ResolvedRole, collection: SearchKey, docs: Document[], canSeePersonal: boolean): Promise<RelatedMap> {
  const out: RelatedMap = {};
  const byTarget = new Map<SearchKey, RelationField[]>();
  for (const r of relationsOf(collection)) {
    if (!can(role, SEARCH_REGISTRY[r.target].read)) continue;
    byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  }
  await Promise.all(
    [...byTarget].map(async ([target, rels]) => {
      const ids = new Map<string, ObjectId>();
      for (const d of docs)
        for (const r of rels) {
          const h = hex(d[r.field]);
          if (h) ids.set(h, new ObjectId(h));
        }
      const fields = [...new Set(rels.flatMap((r) => r.display))];
      const found = new Map<string, Document>();
      if (ids.size) {
        const projection: Document = { _id: 1 };
        for (const f of fields) projection[f] = 1;
        for (const t of await db
          .collection(target)
          .find({ _id: { $in: [...ids.values()] } }, { projection })
          .toArray())
          found.set((t._id as ObjectId).toHexString(), t);
      }
      for (const r of rels) {
        const map: Record<string, RelatedRef> = {};
        for (const d of docs) {
          const h = hex(d[r.field]);
          if (!h || map[h]) continue;
          map[h] = displayOf(target, h, found.get(h), r.display, canSeePersonal);
        }
        out[r.field] = map;
      }
    }),
  );
  return out;
}

export function displayOf(target: SearchKey, id: string, doc: Document | undefined, display: readonly string[], canSeePersonal: boolean): RelatedRef {
  const fields: Record<string, unknown> = {};
  for (const f of display) {
    const v = doc?.[f];
    fields[f] = doc && isRelatedPersonal(target, f) && !canSeePersonal ? MASK : v instanceof ObjectId ? v.toHexString() : (v ?? null);
  }
  const first = fields[display[0]!];
  return {
    id,
    collection: target,
    label: doc ? (first === null || first === undefined ? null : first instanceof Date ? first.toISOString() : String(first)) : null,
    fields,
    missing: !doc,
  };
}

// ---------------------------------------------------------------------------------------
// Reverse relations: the records that point at one record
// ---------------------------------------------------------------------------------------

export const RELATED_LIMIT = 10;

export interface RelatedSection {
  collection: SearchKey;
  label: string;
  /** The reference field of `collection` that points at the record. */
  field: string;
  /** Only records newer than this many days (collections read through a time window)… */
  withinDays: number | null;
  /** …that is, from this instant (a UTC midnight) on. */
  since: Date | null;
  docs: Document[];
  /** Matching records, counted up to RELATION_ID_CAP (then `capped`); active days for a `byActiveDays` section. */
  total: number;
  capped: boolean;
  /** What `total` counts. */
  unit: 'records' | 'active days';
}

/**
 * Finds the days a member was active (analytics' day → members rollup), for collections read through a
 * time window whose reference has no index on the embedded database (activity events): the raw events
 * are then read only on those days, newest first, instead of walking 90 days of everybody's events
 * (measured at 1x: ~1.7 s for a member's drawer that way).
 */
export type ActiveDaysFn = (db: Db, userHex: string, days: string[]) => Promise<string[]>;

/**
 * For a record of `target`, the newest RELATED_LIMIT records of each collection referencing it that the
 * role may read, each with a count capped at 1,000. A collection with `relatedWithinDays` is read through
 * its default-sort (time) index over that window; the others through their `ref_<field>` index.
 */
export async function reverseSections(
  db: Db,
  role: ResolvedRole,
  target: SearchKey,
  id: ObjectId,
  now = new Date(),
  activeDays?: ActiveDaysFn,
): Promise<RelatedSection[]> {
  const list = reverseRelations(target).filter((r) => can(role, SEARCH_REGISTRY[r.collection].read));
  return Promise.all(
    list.map(async ({ collection, field }) => {
      const def = SEARCH_REGISTRY[collection];
      const within = def.relatedWithinDays ?? null;
      const filter: Document = { [field]: id };
      const since = within ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - within * 86_400_000) : null;
      if (since) filter[def.defaultSort.field] = { $gte: since };
      const dir = def.defaultSort.dir === 'desc' ? -1 : 1;
      const coll = db.collection(collection);
      const projection: Document = { _id: 1 };
      for (const f of Object.keys(def.fields)) projection[f] = 1;
      if (since && activeDays && target === 'users') {
        const days: string[] = [];
        for (let t = since.getTime(); t <= now.getTime(); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
        const active = await activeDays(db, id.toHexString(), days);
        const docs: Document[] = [];
        for (const day of active) {
          if (docs.length >= RELATED_LIMIT) break;
          const start = new Date(`${day}T00:00:00Z`);
          const dayFilter = { [field]: id, [def.defaultSort.field]: { $gte: start, $lt: new Date(start.getTime() + 86_400_000) } };
          docs.push(
            ...(await coll.find(dayFilter, { projection, sort: { [def.defaultSort.field]: dir, _id: dir }, limit: RELATED_LIMIT - docs.length }).toArray()),
          );
        }
        return { collection, label: def.label, field, withinDays: within, since, docs, total: active.length, capped: false, unit: 'active days' as const };
      }
      const [docs, counted] = await Promise.all([
        coll.find(filter, { projection, sort: { [def.defaultSort.field]: dir, _id: dir }, limit: RELATED_LIMIT }).toArray(),
        countMatching(db, coll, filter, { limit: RELATION_ID_CAP + 1 }),
      ]);
      const n = counted;
      return {
        collection,
        label: def.label,
        field,
        withinDays: within,
        since,
        docs,
        total: Math.min(n, RELATION_ID_CAP),
        capped: n > RELATION_ID_CAP,
        unit: 'records' as const,
      };
    }),
  );
}
