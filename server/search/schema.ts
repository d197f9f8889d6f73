/**
 * zod schemas of the search domain, shared by tRPC, the export route and the UI.
 * Field names and values are only shaped here; whether a field exists, fits the operator
 * and has a value of the right type is checked against the registry in filter.ts.
 */
import { z } from 'zod';
import { objectIdString } from '../db/util';

export const OPERATORS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between', 'contains', 'startsWith', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export const MAX_DEPTH = 3;
export const MAX_CONDITIONS = 50;
export const MAX_PAGE_SIZE = 200;
export const MAX_TEXT = 200;

const Scalar = z.union([z.string().max(500), z.number().finite(), z.boolean(), z.date(), z.null()]);
export const ConditionValue = z.union([Scalar, z.array(Scalar).max(200)]);

export const Condition = z.strictObject({
  field: z.string().min(1).max(100),
  operator: z.enum(OPERATORS),
  value: ConditionValue.optional(),
});
export type Condition = z.infer<typeof Condition>;

export interface Group {
  op: 'and' | 'or';
  conditions: (Condition | Group)[];
}
export const Group: z.ZodType<Group> = z.strictObject({
  op: z.enum(['and', 'or']),
  get conditions() {
    return z.array(z.union([Condition, Group])).max(MAX_CONDITIONS);
  },
});

export const SortItem = z.strictObject({ field: z.string().min(1).max(100), dir: z.enum(['asc', 'desc']) });

export const CollectionName = z.string().min(1).max(64);

/** How the total is counted: capped (default, stops at COUNT_CAP), exact, or not at all. */
export const CountMode = z.enum(['capped', 'exact', 'none']);
export const COUNT_CAP = 10_000;

const queryShape = {
  collection: CollectionName,
  where: Group.optional(),
  text: z.string().max(MAX_TEXT).optional(),
  sort: z.array(SortItem).max(3).optional(),
};

/** `search.query` input. */
export const SearchInput = z.strictObject({
  ...queryShape,
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  count: CountMode.default('capped'),
});
export type SearchInput = z.input<typeof SearchInput>;
export type SearchInputParsed = z.output<typeof SearchInput>;

/** The export route's `q`: the search input without paging (page/pageSize/count are tolerated and ignored). */
export const ExportQuery = z.strictObject({
  ...queryShape,
  page: z.unknown().optional(),
  pageSize: z.unknown().optional(),
  count: z.unknown().optional(),
});
export type ExportQuery = z.output<typeof ExportQuery>;

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export const ExportParams = z.strictObject({
  collection: CollectionName,
  format: z.enum(EXPORT_FORMATS).default('csv'),
  q: z.string().max(20_000).optional(),
  columns: z.string().max(4_000).optional(),
  bom: z.enum(['0', '1']).optional(),
});

export const SavedSearchCreate = z.strictObject({
  name: z.string().trim().min(1).max(80),
  query: SearchInput.omit({ page: true }),
  columns: z.array(z.string().min(1).max(100)).max(60).optional(),
});
export const SavedSearchDelete = z.strictObject({ id: objectIdString('id must be 24 hex characters') });

export const CollectionInput = z.strictObject({ collection: CollectionName });

/** `search.record` / `search.related`: one record of a registry collection by its id. */
export const RecordInput = z.strictObject({
  collection: CollectionName,
  id: z.string().regex(/^[0-9a-f]{24}$/i, 'id must be 24 hex characters'),
});
