/** URL <-> search state for the Search page: the URL holds the whole query (bookmarkable). */
import type { Condition, Group } from '@/server/search/schema';

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

function toCondition(c: UiCondition, fields: FieldLite[]): Condition | null {
  const f = fields.find((x) => x.name === c.field);
  if (!f || !c.operator) return null;
  const op = c.operator as Condition['operator'];
  if (op === 'exists') return { field: c.field, operator: op, value: c.value !== 'false' };
  if (op === 'between') {
    const [a = '', b = ''] = Array.isArray(c.value) ? c.value : ['', ''];
    return { field: c.field, operator: op, value: [a === '' ? null : (typed(f.type, a) as never), b === '' ? null : (typed(f.type, b) as never)] };
  }
  if (op === 'in' || op === 'nin') {
    const list = Array.isArray(c.value) ? c.value : c.value.split(',').map((s) => s.trim()).filter(Boolean);
    return { field: c.field, operator: op, value: list.map((x) => typed(f.type, x)) as never };
  }
  return { field: c.field, operator: op, value: typed(f.type, Array.isArray(c.value) ? c.value[0] ?? '' : c.value) as never };
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
  return p;
}

export function stateFromParams(p: URLSearchParams, fallbackCollection: string): UiState {
  const empty: UiState = { collection: fallbackCollection, text: '', where: { op: 'and', items: [] }, sort: [], page: 1, pageSize: 50, columns: null };
  const raw = p.get('q');
  let s = empty;
  if (raw) {
    try {
      const q = JSON.parse(raw) as { collection?: string; text?: string; where?: Group; sort?: UiState['sort']; page?: number; pageSize?: number };
      s = {
        ...empty,
        collection: typeof q.collection === 'string' ? q.collection : fallbackCollection,
        text: typeof q.text === 'string' ? q.text : '',
        where: q.where && Array.isArray(q.where.conditions) ? fromGroup(q.where) : empty.where,
        sort: Array.isArray(q.sort) ? q.sort : [],
        page: Number.isInteger(q.page) && q.page! > 0 ? q.page! : 1,
        pageSize: Number.isInteger(q.pageSize) ? q.pageSize! : 50,
      };
    } catch {
      /* a broken URL shows the empty search */
    }
  }
  const cols = p.get('cols');
  if (cols) s.columns = cols.split(',').filter(Boolean);
  return s;
}
