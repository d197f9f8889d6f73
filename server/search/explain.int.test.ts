/**
 * Every query shape the search registry allows is served by an index. On MongoDB (MONGODB_URI pointing at
 * one): the winning plan has no COLLSCAN. On the embedded FerretDB: the SQLite plan that our patched
 * explain returns (scripts/ferretdb-patches/acube_pushdown.go) reads an index, never a bare table scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { SEARCH_REGISTRY, hasKeywords, relationsOf, type SearchKey } from '../registry';
import { buildQuery } from './filter';

let t: TestDb;
let ferret = true;
beforeAll(async () => {
  t = await openTestDb('explain');
  const info = await t.db.command({ buildInfo: 1 });
  ferret = typeof info.ferretdbVersion === 'string';
  // a few documents per collection so plans are real
  for (const c of ['users', 'session_bookings', 'activity_events', 'blogs'] as SearchKey[]) {
    await t.db.collection(c).insertMany(
      Array.from({ length: 20 }, (_, i) => ({
        status: 'active',
        name: `n${i}`,
        createdAt: new Date(),
        scheduledAt: new Date(),
        ts: new Date(),
        _kw: ['alpha', `w${i}`],
      })),
    );
  }
});
afterAll(() => t.drop());

function shapes(c: SearchKey): { label: string; q: ReturnType<typeof buildQuery> }[] {
  const def = SEARCH_REGISTRY[c];
  const out: { label: string; q: ReturnType<typeof buildQuery> }[] = [];
  for (const [name, f] of Object.entries(def.fields)) {
    if (!f.sortable || name.includes('.')) continue;
    for (const dir of ['asc', 'desc'] as const) out.push({ label: `sort ${name} ${dir}`, q: buildQuery(c, { sort: [{ field: name, dir }] }, true) });
    if (f.type === 'enum')
      out.push({ label: `${name} eq`, q: buildQuery(c, { where: { op: 'and', conditions: [{ field: name, operator: 'eq', value: f.values![0] }] } }, true) });
    if (f.type === 'date')
      out.push({
        label: `${name} range`,
        q: buildQuery(
          c,
          {
            where: { op: 'and', conditions: [{ field: name, operator: 'between', value: ['2025-01-01', '2025-02-01'] }] },
            sort: [{ field: name, dir: 'desc' }],
          },
          true,
        ),
      });
  }
  if (hasKeywords(c)) out.push({ label: 'keyword', q: buildQuery(c, { text: 'alpha' }, false) });
  // a condition through a relation becomes `field $in ids` (one id: a member's bookings; many: "email contains")
  if (!def.relatedWithinDays) {
    for (const r of relationsOf(c)) {
      for (const ids of [['65a000000000000000000001'], ['65a000000000000000000001', '65a000000000000000000002']]) {
        out.push({
          label: `${r.field} in ${ids.length}`,
          q: buildQuery(c, { where: { op: 'and', conditions: [{ field: r.field, operator: 'in', value: ids }] } }, true),
        });
      }
    }
  }
  return out;
}

describe('indexed query shapes are served by an index', () => {
  for (const c of ['users', 'session_bookings', 'activity_events', 'blogs', 'audit_logs'] as SearchKey[]) {
    it(`${c}: every sort, status filter, date range and keyword search`, async () => {
      for (const { label, q } of shapes(c)) {
        const ex: Document = await t.db.collection(c).find(q.filter).sort(q.sort).limit(50).explain('queryPlanner');
        if (ferret) {
          const plan = JSON.stringify(ex.queryPlanner?.Plan ?? ex.queryPlanner);
          expect(plan, `${c} ${label}: ${plan}`).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/);
          expect(ex.sortPushdown || !q.sortSpec.length, `${c} ${label}: sorted by the engine`).toBe(true);
        } else {
          expect(JSON.stringify(ex.queryPlanner?.winningPlan), `${c} ${label}`).not.toContain('COLLSCAN');
        }
      }
    });
  }
});
