import type { IndexDescription } from 'mongodb';
import { COLLECTION_KEYS, REGISTRY, hasKeywords, relationsOf } from '../registry';
import { KW_FIELD } from './keywords';

/**
 * Indexes the registry asks for on platform collections: the `_kw` keyword array, each
 * sortable field (with `_id` as tie-breaker, matching the search sort), and status + the
 * default sort field for the common "status + date range sorted by date" query, and each reference
 * field + the default sort (`ref_<field>`: a member's bookings, newest first, and a search filtered
 * through a relation, which becomes `field $in ids`), except where the collection reads its related
 * records through a time window instead (activity events: insert cost on the embedded database).
 * audit_logs keeps its own indexes (server/db/indexes.ts).
 */
export function searchIndexes(): Record<string, IndexDescription[]> {
  const out: Record<string, IndexDescription[]> = {};
  for (const key of COLLECTION_KEYS) {
    const def = REGISTRY[key];
    const list: IndexDescription[] = [];
    if (hasKeywords(key)) list.push({ key: { [KW_FIELD]: 1 }, name: 'search_kw' });
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.sortable) list.push({ key: { [name]: 1, _id: 1 }, name: `search_${name}` });
    }
    const ds = def.defaultSort;
    if (def.fields.status && ds.field !== 'status') {
      list.push({ key: { status: 1, [ds.field]: ds.dir === 'desc' ? -1 : 1, _id: 1 }, name: `search_status_${ds.field}` });
    }
    if (!def.relatedWithinDays) {
      for (const r of relationsOf(key)) {
        list.push({ key: { [r.field]: 1, [ds.field]: ds.dir === 'desc' ? -1 : 1, _id: 1 }, name: `ref_${r.field}` });
      }
    }
    out[key] = list;
  }
  return out;
}

export const SEARCH_INDEXES = searchIndexes();
