import { describe, expect, it } from 'vitest';
import type { IndexDescription } from 'mongodb';
import { INDEXES } from '../db/indexes';
import { indexesFor } from '../db/index-policy';
import { SEARCH_KEYS, SEARCH_REGISTRY, hasKeywords, COLLECTION_KEYS, relationsOf } from '../registry';

const leads = (specs: IndexDescription[], field: string) => specs.some((s) => Object.keys(s.key)[0] === field);

describe('every indexed query shape has its index declared', () => {
  for (const policy of ['all', 'embedded'] as const) {
    it(`sortable fields lead an index, keyword collections have one (policy ${policy})`, () => {
      for (const c of SEARCH_KEYS) {
        const specs = indexesFor(INDEXES[c] ?? [], policy, c);
        for (const [name, f] of Object.entries(SEARCH_REGISTRY[c].fields)) {
          if (f.sortable && !name.includes('.')) expect(leads(specs, name), `${c}.${name}`).toBe(true);
        }
        if (hasKeywords(c)) {
          const kw = specs.some((s) => s.name === 'search_kw');
          // activity_events keeps no keyword side table on the embedded engine (insert cost; README)
          expect(kw, `${c} keywords`).toBe(!(policy === 'embedded' && c === 'activity_events'));
        }
      }
    });
  }

  it("each reference field leads an index with the default sort (relation conditions, a record's related lists)", () => {
    for (const policy of ['all', 'embedded'] as const) {
      for (const c of COLLECTION_KEYS) {
        const def = SEARCH_REGISTRY[c];
        if (def.relatedWithinDays) continue; // read through its time index over a window (activity events)
        const specs = indexesFor(INDEXES[c] ?? [], policy, c);
        for (const r of relationsOf(c)) {
          const s = specs.find((x) => x.name === `ref_${r.field}`);
          expect(s && Object.keys(s.key), `${c}.${r.field} (${policy})`).toEqual([r.field, def.defaultSort.field, '_id']);
        }
      }
    }
  });

  it('status + default sort (the common "status, sorted by date" page) is one compound index', () => {
    for (const c of COLLECTION_KEYS) {
      const def = SEARCH_REGISTRY[c];
      if (!def.fields.status || def.defaultSort.field === 'status') continue;
      const spec = INDEXES[c]!.find((s) => s.name === `search_status_${def.defaultSort.field}`);
      expect(spec && Object.keys(spec.key), c).toEqual(['status', def.defaultSort.field, '_id']);
    }
  });

  it('the audit log filters each lead an index ordered like the list (at, _id)', () => {
    const specs = indexesFor(INDEXES.audit_logs!, 'embedded', 'audit_logs');
    for (const f of ['actorEmail', 'action', 'result']) {
      const s = specs.find((x) => Object.keys(x.key)[0] === f);
      expect(s && Object.keys(s.key), f).toEqual([f, 'at', '_id']);
    }
    expect(specs.some((s) => Object.keys(s.key).join() === 'at,_id')).toBe(true);
  });
});
