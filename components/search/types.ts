import type { RouterOutputs } from '@/components/providers/trpc';

/** A collection as the caller's role sees it (from the router, never copied by hand). */
export type Info = RouterOutputs['search']['collections'][number];
export type FieldInfo = Info['fields'][number];
export type SearchResult = RouterOutputs['search']['query'];
export type ResultRow = SearchResult['rows'][number];
export type SavedSearch = RouterOutputs['search']['saved']['list'][number];

