/**
 * Feature usage (issue 12, round 7): what its first load costs, before and after the stored day counts.
 *
 *   MONGODB_URI=… MONGODB_DB=acube_bench ACUBE_EMBEDDED=1 npx tsx scripts/bench/feature-usage.ts [--runs 5] [--to YYYY-MM-DD] [--stored-only]
 *
 * The analytics page's default range (12 weeks ending today, by week; `--to` moves its end). Prints medians of RUNS:
 *   - rollup read: what the code before this change read on every first load — every member-day row of the range
 *     (`readRollupRows`), folded per member-day — without the rest of the computation;
 *   - first ever: `featureUsage` with no stored day counts (they are added up from the rollup and stored);
 *   - first load: `featureUsage` with the result cache empty and the day counts stored (a restart, or the next
 *     minute), with and without an event filter.
 * The result of "first ever" and "first load" must be identical (checked). The database keeps the stored counts.
 * `--stored-only` measures only the first loads with the counts stored (one untimed read stores them first).
 */
process.env.MONGODB_DB ??= 'acube_bench';
import './no-server-only';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, to: { type: 'string' }, 'stored-only': { type: 'boolean', default: false } },
});
const RUNS = Math.max(1, Number(values.runs));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const DAY = 86_400_000;

async function main() {
  const { featureUsage } = await import('../../server/analytics/service');
  const { clearResultCache } = await import('../../server/analytics/cache');
  const { clearDayCounts } = await import('../../server/analytics/day-counts');
  const { readRollupRows } = await import('../../server/analytics/rollup');
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  const db = client.db(process.env.MONGODB_DB);
  const toMs = values.to ? Date.parse(`${values.to}T00:00:00Z`) : Date.now();
  const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const range = { from: utcDay(toMs - 83 * DAY), to: utcDay(toMs), interval: 'week' as const, event: null };
  console.log(`range ${range.from} … ${range.to} by week; ${RUNS} runs`);

  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const rows: Array<[string, number[]]> = [];

  const rollup: number[] = [];
  let memberDayRows = 0;
  for (let i = 0; i < (values['stored-only'] ? 0 : RUNS); i++) {
    rollup.push(
      await time(async () => {
        const seen = new Map<string, number>();
        memberDayRows = 0;
        await readRollupRows(db, range.from, range.to, (r) => {
          memberDayRows++;
          seen.set(`${r.u}|${r.d}`, (seen.get(`${r.u}|${r.d}`) ?? 0) + r.n);
        });
      }),
    );
  }
  if (rollup.length) rows.push([`rollup read of the range (${memberDayRows.toLocaleString('en-US')} member-day rows; before this change)`, rollup]);

  const firstEver: number[] = [];
  let reference = '';
  for (let i = 0; i < (values['stored-only'] ? 1 : RUNS); i++) {
    if (!values['stored-only']) await clearDayCounts(db);
    clearResultCache();
    let r: unknown;
    firstEver.push(await time(async () => (r = await featureUsage(db, range))));
    if (!reference) reference = JSON.stringify(r);
    else if (JSON.stringify(r) !== reference) throw new Error('first-ever results differ between runs');
  }
  if (!values['stored-only']) rows.push(['featureUsage, first ever (no stored day counts)', firstEver]);

  for (const event of [null, 'session.booked', 'blog.read']) {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      clearResultCache();
      let r: unknown;
      runs.push(await time(async () => (r = await featureUsage(db, { ...range, event }))));
      if (event === null && JSON.stringify(r) !== reference) throw new Error('stored day counts gave another result than adding up the rollup');
    }
    rows.push([`featureUsage, first load, day counts stored${event ? `, event ${event}` : ''}`, runs]);
  }

  for (const [label, xs] of rows)
    console.log(`${label.padEnd(90)} median ${median(xs).toFixed(0).padStart(6)} ms  (${xs.map((x) => x.toFixed(0)).join(' · ')})`);
  await client.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
