/** CSV tables of the analytics views (the same numbers as the page's tables), written by the shared encoder. */
import { csvTable } from '../csv';
import type { Db } from 'mongodb';
import type { ResolvedRole } from '../permissions';
import { activeUsers, atRiskAll, featureUsage, lifecycle, retention, stickiness } from './service';
import { atRiskInput, rangeInput, retentionInput, type AnalyticsView } from './schema';
import { AppError } from '../errors';

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } },
  v: unknown,
): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new AppError('BAD_REQUEST', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

/** Query parameters (strings) → the view's input → rows. */
export async function analyticsCsv(db: Db, view: AnalyticsView, q: Record<string, string>, role: ResolvedRole): Promise<{ filename: string; csv: string }> {
  const range = () => parse(rangeInput, { from: q.from, to: q.to, interval: q.interval || undefined, event: q.event || null });
  let rows: unknown[][];
  let name: string;
  switch (view) {
    case 'active-users': {
      const r = await activeUsers(db, range());
      name = `active-users-${r.interval}-${r.from}-${r.to}`;
      rows = [
        ['period (UTC)', 'active members', 'mean DAU', 'WAU (7 days to period end)', 'MAU (30 days to period end)', 'DAU/MAU'],
        ...r.points.map((p) => [p.period, p.active, p.dau, p.wau, p.mau, p.stickiness]),
      ];
      break;
    }
    case 'retention': {
      const input = parse(retentionInput, {
        from: q.from,
        to: q.to,
        interval: q.interval || undefined,
        event: q.event || null,
        mode: q.mode || undefined,
        criterion: q.criterion || undefined,
      });
      const r = await retention(db, input);
      name = `retention-${r.mode}-${r.criterion}-${r.interval}-${r.from}-${r.to}`;
      const head = ['cohort (UTC)', 'size', ...r.periods.flatMap((k) => [`${r.interval} ${k} count`, `${r.interval} ${k} %`])];
      rows = [
        head,
        ...r.rows.map((row) => [row.cohort, row.size, ...row.cells.flatMap((c) => (c ? [c.count, (c.pct * 100).toFixed(1)] : ['', '']))]),
        ['weighted average', r.rows.reduce((s, x) => s + x.size, 0), ...r.average.flatMap((a) => (a ? [a.count, (a.pct * 100).toFixed(1)] : ['', '']))],
      ];
      break;
    }
    case 'lifecycle': {
      const r = await lifecycle(db, range());
      name = `lifecycle-${r.interval}-${r.from}-${r.to}`;
      rows = [
        ['period (UTC)', 'new', 'returning', 'resurrecting', 'dormant'],
        ...r.points.map((p) => [p.period, p.new, p.returning, p.resurrecting, p.dormant]),
      ];
      break;
    }
    case 'stickiness': {
      const r = await stickiness(db, range());
      name = `stickiness-${r.interval}-${r.from}-${r.to}`;
      rows = [[`${r.interval}s active`, 'members', '% of active members'], ...r.rows.map((x) => [x.periods, x.members, (x.pct * 100).toFixed(1)])];
      break;
    }
    case 'features': {
      const r = await featureUsage(db, range());
      name = `feature-usage-${r.interval}-${r.from}-${r.to}`;
      rows = [
        ['period (UTC)', 'events', 'active members', 'bookings per active member', 'events per active member', 'active days per active member', ...r.names],
        ...r.series.map((s) => [
          s.period,
          s.total,
          s.activeMembers,
          s.bookingsPerActive,
          s.eventsPerActive,
          s.activeDaysPerActive,
          ...r.names.map((n) => s.byName[n] ?? 0),
        ]),
      ];
      break;
    }
    case 'at-risk': {
      const input = parse(atRiskInput, { asOf: q.asOf, event: q.event || null, sort: q.sort || undefined, dir: q.dir || undefined });
      const all = await atRiskAll(db, input, role);
      name = `at-risk-${input.asOf}`;
      rows = [
        [
          'member id',
          'name',
          'email',
          'city',
          'status',
          'last active day (UTC)',
          'days since last active',
          'active days, previous 30',
          'active days, last 30',
          'active days, last 90',
          'risk score',
        ],
        ...all.map((r) => [r.userId, r.name, r.email, r.city, r.status, r.lastActiveDay, r.recencyDays, r.previousDays, r.recentDays, r.frequency90, r.score]),
      ];
      break;
    }
  }
  return { filename: `${name}.csv`, csv: csvTable(rows) };
}
