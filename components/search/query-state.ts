/**
 * URL <-> search state for the Search page: the URL holds the whole query (bookmarkable, and the back
 * button returns to it): `q` = collection, conditions, words, sort, page (JSON, validated with zod when
 * parsed), `cols` = the shown columns, `open` = the record open in the drawer (`collection:id`).
 * `searchHref` / `recordHref` build the links other pages drill down with.
 */
import { z } from 'zod';
import { Group as GroupSchema, MAX_PAGE_SIZE, MAX_TEXT, SortItem, type Condition, type Group } from '@/server/search/schema';

export interface UiCondition {
  field: string;
  operator: string;
  /** Raw input: a string, or [from, to] for between, or string[] for enum in/nin. */
  value: string | string[];
}
export interface UiGroup {
  op: 'and' | 'or';
  items: (UiCondition | UiGroup)[];
}
export interface UiState {
  collection: string;
  text: string;
  where: UiGroup;
  sort: { field: string; dir: 'asc' | 'desc' }[];
  page: number;
  pageSize: number;
  columns: string[] | null;
  /** The record open in the drawer. */
  open?: OpenRef | null;
}

export interface OpenRef {
  collection: string;
  id: string;
}

export const isUiGroup = (x: UiCondition | UiGroup): x is UiGroup => 'items' in x;

export interface FieldLite {
  name: string;
  type: string;
}

function typed(type: string, v: string): unknown {
  if (type === 'number') return v.trim() === '' ? null : Number(v);
  if (type === 'boolean') return v === 'true';
  return v;
}

/** The record id, filterable everywhere (a drill-down to one record is `_id eq id`). */
export const ID_FIELD_LITE: FieldLite = { name: '_id', type: 'objectId' };

function toCondition(c: UiCondition, fields: FieldLite[]): Condition | null {
  const f = fields.find((x) => x.name === c.field) ?? (c.field === '_id' ? ID_FIELD_LITE : undefined);
  if (!f || !c.operator) return null;
  const op = c.operator as Condition['operator'];
  if (op === 'exists') return { field: c.field, operator: op, value: c.value !== 'false' };
  if (op === 'between') {
    const [a = '', b = ''] = Array.isArray(c.value) ? c.value : ['', ''];
    return { field: c.field, operator: op, value: [a === '' ? null : (typed(f.type, a) as never), b === '' ? null : (typed(f.type, b) as never)] };
  }
  if (op === 'in' || op === 'nin') {
    const list = Array.isArray(c.value)
      ? c.value
      : c.value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
    return { field: c.field, operator: op, value: list.map((x) => typed(f.type, x)) as never };
  }
  return { field: c.field, operator: op, value: typed(f.type, Array.isArray(c.value) ? (c.value[0] ?? '') : c.value) as never };
}

export function toGroup(g: UiGroup, fields: FieldLite[]): Group {
  return {
    op: g.op,
    conditions: g.items
      .map((i) => (isUiGroup(i) ? toGroup(i, fields) : toCondition(i, fields)))
      .filter((x): x is Condition | Group => x !== null && (!('conditions' in x) || x.conditions.length > 0)),
  };
}

function fromGroup(g: Group): UiGroup {
  return {
    op: g.op,
    items: g.conditions.map((c) =>
      'conditions' in c
        ? fromGroup(c)
        : {
            field: c.field,
            operator: c.operator,
            value: Array.isArray(c.value)
              ? c.value.map((x) => (x === null ? '' : x instanceof Date ? x.toISOString().slice(0, 10) : String(x)))
              : c.value === undefined || c.value === null
                ? ''
                : String(c.value),
          },
    ),
  };
}

/** The search input (without page/pageSize) as sent to search.query and the export route. */
export function toSearchInput(s: UiState, fields: FieldLite[]) {
  const where = toGroup(s.where, fields);
  return {
    collection: s.collection,
    ...(where.conditions.length ? { where } : {}),
    ...(s.text.trim() ? { text: s.text.trim() } : {}),
    ...(s.sort.length ? { sort: s.sort } : {}),
  };
}

export function stateToParams(s: UiState, fields: FieldLite[]): URLSearchParams {
  const p = new URLSearchParams();
  p.set('q', JSON.stringify({ ...toSearchInput(s, fields), page: s.page, pageSize: s.pageSize }));
  if (s.columns) p.set('cols', s.columns.join(','));
  if (s.open) p.set('open', `${s.open.collection}:${s.open.id}`);
  return p;
}

/** What `q` may hold: the search input's own zod pieces (the server validates again, against the registry). */
export const UrlQuery = z.object({
  collection: z.string().min(1).max(64),
  text: z.string().max(MAX_TEXT).optional(),
  where: GroupSchema.optional(),
  sort: z.array(SortItem).max(3).optional(),
  page: z.number().int().min(1).max(100_000).optional(),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});
const UrlColumns = z
  .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,99}$/))
  .min(1)
  .max(60);
const UrlOpen = z.string().regex(/^([a-z_]{1,64}):([0-9a-f]{24})$/i);

export function parseOpen(v: string | null): OpenRef | null {
  const r = UrlOpen.safeParse(v);
  if (!r.success) return null;
  const [collection, id] = r.data.split(':') as [string, string];
  return { collection, id: id.toLowerCase() };
}

/** Parses the URL; anything that does not validate is dropped (a broken link shows the empty search). */
export function stateFromParams(p: URLSearchParams, fallbackCollection: string): UiState {
  const empty: UiState = {
    collection: fallbackCollection,
    text: '',
    where: { op: 'and', items: [] },
    sort: [],
    page: 1,
    pageSize: 50,
    columns: null,
    open: null,
  };
  const raw = p.get('q');
  let s = empty;
  if (raw) {
    let json: unknown = null;
    try {
      json = JSON.parse(raw);
    } catch {
      /* a broken URL shows the empty search */
    }
    const q = UrlQuery.safeParse(json);
    if (q.success) {
      s = {
        ...empty,
        collection: q.data.collection,
        text: q.data.text ?? '',
        where: q.data.where ? fromGroup(q.data.where) : empty.where,
        sort: q.data.sort ?? [],
        page: q.data.page ?? 1,
        pageSize: q.data.pageSize ?? 50,
      };
    }
  }
  const cols = UrlColumns.safeParse((p.get('cols') ?? '').split(',').filter(Boolean));
  if (cols.success) s.columns = cols.data;
  s.open = parseOpen(p.get('open'));
  return s;
}

export interface SearchLink {
  collection: string;
  where?: Group;
  text?: string;
  sort?: { field: string; dir: 'asc' | 'desc' }[];
  columns?: string[];
  open?: OpenRef;
}

/** A link to a pre-filtered search (the drill-down from a tile, a queue, a chart…). */
export function searchHref(l: SearchLink): string {
  const p = new URLSearchParams();
  p.set(
    'q',
    JSON.stringify({
      collection: l.collection,
      ...(l.where && l.where.conditions.length ? { where: l.where } : {}),
      ...(l.text ? { text: l.text } : {}),
      ...(l.sort?.length ? { sort: l.sort } : {}),
      page: 1,
      pageSize: 50,
    }),
  );
  if (l.columns?.length) p.set('cols', l.columns.join(','));
  if (l.open) p.set('open', `${l.open.collection}:${l.open.id}`);
  return `/search?${p.toString()}`;
}

/** Conditions joined by AND: `where('status', 'eq', 'new')`-style helper for links. */
export function allOf(...conditions: Condition[]): Group {
  return { op: 'and', conditions };
}

/** A link to one record: the search for its id, with its drawer open. */
export function recordHref(collection: string, id: string): string {
  return searchHref({ collection, where: allOf({ field: '_id', operator: 'eq', value: id }), open: { collection, id } });
}
