/**
 * A person's click-through (issue 12, round 7): Chromium, signed in as a super admin, clicks through Dashboard,
 * Search (Session bookings' first page; Activity events, keyword "booking"; Members, keyword of a real first
 * name; sort by a column; the next page; a record's drawer), Audit log (first page, then each filter: actor,
 * action, last 7 days) and Backups, at 1440 px and at 390 px (the phone layout: the sections behind the Menu
 * button). Each step is timed from the click (or the address typed) to its content on screen: rows drawn, no
 * skeleton, no "Searching…", nothing `aria-busy`, the tRPC answer the step asked for received. Prints one line per
 * step and run, then a table of medians; screenshots of the first run go to --shots.
 *
 *   NEXTAUTH_SECRET=<the server's> MONGODB_URI=mongodb://127.0.0.1:27311 MONGODB_DB=acube_bench \
 *     npx tsx scripts/bench/walk.ts --base http://127.0.0.1:3511 [--runs 3] [--widths 1440,390] \
 *     [--shots .data/walk] [--json out.json] [--wait-ready 180]
 *
 * Each run is a fresh browser context (no cached query results), so every page asks the server again; the server
 * keeps its own caches between runs (that is what a second person sees). Sessions: real NextAuth cookies of an
 * operator created in the target database (load-routes.ts `makeSessions`, as the other benchmarks).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { chromium, type Page, type Request } from '@playwright/test';
import { makeSessions } from './load-routes';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3511' },
    runs: { type: 'string', default: '1' },
    widths: { type: 'string', default: '1440,390' },
    shots: { type: 'string' },
    json: { type: 'string' },
    /** poll /api/ready first, up to this many seconds (a walk right after a start) */
    'wait-ready': { type: 'string', default: '0' },
    /** ms a step may take before it is reported as a timeout */
    'step-timeout': { type: 'string', default: '60000' },
    /** print each step's requests (path, start and duration from the click) */
    trace: { type: 'boolean', default: false },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const BASE = values.base!.replace(/\/$/, '');
const RUNS = Math.max(1, Number(values.runs));
const WIDTHS = values.widths!.split(',').map(Number);
const STEP_TIMEOUT = Number(values['step-timeout']);
const SHOTS = values.shots;
if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });

interface Row {
  width: number;
  run: number;
  step: string;
  ms: number;
  /** ms since the walk (of this width and run) began */
  at: number;
  ok: boolean;
  note?: string;
}

/** In the page: nothing still loading inside `root` (skeletons, "Searching…", aria-busy tables, stale rows). */
const SETTLED = `(root) => !!root && !root.querySelector('[data-testid=skeleton], .skeleton-row, table[aria-busy=true], tbody.stale') &&
  ![...root.querySelectorAll('[role=status]')].some((e) => /Searching|Loading/.test(e.textContent || ''))`;

async function pickFirstName(): Promise<string> {
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  try {
    const db = client.db(process.env.MONGODB_DB ?? 'acube');
    const u = await db
      .collection('users')
      .find({}, { projection: { name: 1 } })
      .skip(777)
      .limit(1)
      .next();
    return String(u?.name ?? 'Priya').split(/\s+/)[0]!;
  } finally {
    await client.close();
  }
}
async function pickActor(): Promise<string> {
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  await client.connect();
  try {
    const db = client.db(process.env.MONGODB_DB ?? 'acube');
    const a = await db.collection('audit_logs').findOne({ actorEmail: { $gt: '' } }, { projection: { actorEmail: 1 } });
    return String(a?.actorEmail ?? 'superadmin@acube.local');
  } finally {
    await client.close();
  }
}

async function waitReady(seconds: number) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      const r = await fetch(`${BASE}/api/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready');
}

async function walk(page: Page, width: number, run: number, firstName: string, actor: string): Promise<Row[]> {
  const rows: Row[] = [];
  const t00 = performance.now();
  const narrow = width < 800;
  const shot = async (name: string) => {
    if (SHOTS && run === 1) await page.screenshot({ path: path.join(SHOTS, `${width}-${name}.png`), fullPage: false });
  };
  /**
   * One step: `act` is what the person does (timed from its start), `proc` a tRPC procedure whose answer the step
   * needs (waited for when given: a response started after the click), `ready` the in-page condition for "content
   * visible".
   */
  const step = async (name: string, act: () => Promise<unknown>, ready: string, proc?: string, arg?: unknown) => {
    const t0 = performance.now();
    const seen: string[] = [];
    const onDone = (req: Request) => {
      const tm = req.timing();
      const u = new URL(req.url());
      const label = u.pathname.startsWith('/api/trpc/')
        ? `trpc ${u.pathname.slice(10)}`
        : `${req.resourceType()} ${u.pathname}${u.search.includes('_rsc') ? ' (RSC)' : ''}`;
      seen.push(
        `      +${Math.round(tm.startTime - (performance.timeOrigin + t0))} ms  ${Math.round(tm.responseEnd).toString().padStart(6)} ms  ${label.slice(0, 110)}`,
      );
    };
    if (values.trace) page.on('requestfinished', onDone);
    let ok = true;
    let note: string | undefined;
    try {
      const answered = proc
        ? page.waitForResponse((r) => r.url().includes('/api/trpc/') && r.url().split('?')[0]!.includes(proc), { timeout: STEP_TIMEOUT })
        : null;
      await act();
      if (answered) {
        const r = await answered;
        await r.finished();
        if (r.status() !== 200) note = `HTTP ${r.status()}`;
      }
      // an expression, evaluated at every animation frame (a string that is a function would only be tested for truthiness)
      await page.waitForFunction(`(${ready})()`, arg, { polling: 'raf', timeout: STEP_TIMEOUT });
    } catch (e) {
      ok = false;
      note = (e as Error).message.split('\n')[0];
    }
    const ms = performance.now() - t0;
    if (values.trace) page.off('requestfinished', onDone);
    rows.push({ width, run, step: name, ms, at: performance.now() - t00, ok, note });
    console.error(
      `  ${String(width).padStart(4)} run ${run}  ${name.padEnd(34)} ${Math.round(ms).toLocaleString('en-US').padStart(7)} ms${ok ? '' : '  FAILED'}${note ? `  (${note})` : ''}`,
    );
    if (values.trace) console.error(seen.join('\n'));
    await shot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  };
  const nav = async (label: string) => {
    if (narrow) {
      await page.getByTestId('menu-button').click();
    }
    await page.getByTestId('sidebar').getByRole('link', { name: label, exact: true }).click();
  };
  const searchSettled = `(() => { const m = document.querySelector('.search-page'); const s = ${SETTLED};
    return s(m) && !!document.querySelector('[data-testid=result-count]') && !!document.querySelector('[data-testid=results] tbody'); })`;

  // Dashboard: the address typed, until every widget has drawn (none left with its skeleton).
  await step(
    'Dashboard (every tile drawn)',
    () => page.goto(`${BASE}/`),
    `(() => { const w = document.querySelector('[data-testid=widgets]'); return !!w && w.children.length > 0 && !w.querySelector('[data-testid=skeleton]'); })`,
  );
  // Search
  await step('Search page (form)', () => nav('Search'), `(() => !!document.querySelector('[data-testid=search-form] select[aria-label=Collection] option'))`);
  await page.getByLabel('Collection', { exact: true }).selectOption('session_bookings');
  await step(
    'Session bookings: first page',
    () => page.getByRole('button', { name: 'Search', exact: true }).click(),
    `(() => ${searchSettled}() && document.querySelectorAll('[data-testid=results] tbody tr').length > 0)`,
    'search.query',
  );
  await page.getByLabel('Collection', { exact: true }).selectOption('activity_events');
  await page.getByLabel('Search words').fill('booking');
  await step(
    'Activity events: keyword "booking"',
    () => page.getByRole('button', { name: 'Search', exact: true }).click(),
    `(() => ${searchSettled}() && location.search.includes('activity_events'))`,
    'search.query',
  );
  await page.getByLabel('Collection', { exact: true }).selectOption('users');
  await page.getByLabel('Search words').fill(firstName);
  await step(
    `Members: keyword (first name)`,
    () => page.getByRole('button', { name: 'Search', exact: true }).click(),
    `(() => ${searchSettled}() && document.querySelectorAll('[data-testid=results] tbody tr').length > 0)`,
    'search.query',
  );
  await step(
    'Members: sort by City',
    () => page.getByTestId('results').getByRole('button', { name: /^City/ }).click(),
    `(() => ${searchSettled}() && /city/.test(decodeURIComponent(location.search)))`,
    'search.query',
  );
  await step(
    'Members: next page',
    () => page.getByRole('button', { name: 'Next →' }).click(),
    `(() => ${searchSettled}() && /Page 2/.test(document.querySelector('[data-testid=page-info]')?.textContent || ''))`,
    'search.query',
  );
  await step(
    'Record drawer (with related)',
    () => page.getByTestId('results').locator('tbody tr').first().click(),
    `(() => { const d = document.querySelector('[data-testid=record-drawer]'); const s = ${SETTLED};
      return !!d && !!d.querySelector('[data-testid=drawer-title]') && !!d.querySelector('[data-testid=related-records]') && s(d); })`,
    'search.related',
  );
  await page.keyboard.press('Escape');
  // Audit log
  const auditSettled = `(() => { const t = document.querySelector('[data-testid=audit-table]'); const s = ${SETTLED};
    return !!t && s(t.parentElement) && (t.querySelectorAll('tbody tr').length > 0 || /No audit entries/.test(t.parentElement.textContent || '')); })`;
  await step('Audit log: first page', () => nav('Audit log'), auditSettled, 'audit.list');
  await page.getByLabel('Admin', { exact: true }).fill(actor);
  await step('Audit log: actor filter', () => page.getByRole('button', { name: 'Apply' }).click(), auditSettled, 'audit.list');
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Action', { exact: true }).fill('backup.create');
  await step('Audit log: action filter', () => page.getByRole('button', { name: 'Apply' }).click(), auditSettled, 'audit.list');
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('From', { exact: true }).fill(new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10));
  await step('Audit log: last 7 days', () => page.getByRole('button', { name: 'Apply' }).click(), auditSettled, 'audit.list');
  // Backups: stats, the list, the jobs panel, the schedule.
  await step(
    'Backups page',
    () => nav('Backups'),
    `(() => { const b = document.querySelector('.backups'); const s = ${SETTLED};
      return !!b && s(b) && !!b.querySelector('[data-testid=backup-stats]') && !!b.querySelector('[data-testid=backup-schedule] select, [data-testid=backup-schedule] input, [data-testid=backup-schedule] p'); })`,
    'backup.list',
  );
  // Back to the dashboard by the sidebar (its queries cached by the client for a while)
  await step(
    'Dashboard again (sidebar)',
    () => nav('Dashboard'),
    `(() => { const w = document.querySelector('[data-testid=widgets]'); return !!w && w.children.length > 0 && !w.querySelector('[data-testid=skeleton]'); })`,
  );
  return rows;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

async function main() {
  const waitS = Number(values['wait-ready']);
  const tStart = performance.now();
  if (waitS) await waitReady(waitS);
  const sess = (await makeSessions(1)).find((s) => s.role === 'super_admin')!;
  const [firstName, actor] = await Promise.all([pickFirstName(), pickActor()]);
  console.error(`ready after ${Math.round(performance.now() - tStart)} ms; first name "${firstName}", actor ${actor}`);
  const [cookieName, ...rest] = sess.cookie.split('=');
  const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox'] });
  const all: Row[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const width of WIDTHS) {
        // bypassCSP: the readiness checks are evaluated in the page, which the app's CSP (no 'unsafe-eval') would refuse
        const ctx = await browser.newContext({ viewport: { width, height: width < 800 ? 844 : 900 }, deviceScaleFactor: 1, bypassCSP: true });
        await ctx.addCookies([{ name: cookieName!, value: rest.join('='), url: BASE }]);
        const page = await ctx.newPage();
        try {
          all.push(...(await walk(page, width, run, firstName, actor)));
        } finally {
          await ctx.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
  const steps = [...new Set(all.map((r) => r.step))];
  console.log(`steps: ms from the click to the content on screen; median of ${RUNS} run(s) [each run]`);
  console.log(`${'step'.padEnd(36)} ${WIDTHS.map((w) => `${w} px`.padStart(26)).join(' ')}`);
  for (const s of steps) {
    const cells = WIDTHS.map((w) => {
      const of = all.filter((r) => r.step === s && r.width === w);
      const fails = of.filter((r) => !r.ok).length;
      const cell = `${Math.round(median(of.map((r) => r.ms))).toLocaleString('en-US')} [${of.map((r) => Math.round(r.ms)).join('·')}]${fails ? ` ${fails}✗` : ''}`;
      return cell.padStart(26);
    });
    console.log(`${s.padEnd(36)} ${cells.join(' ')}`);
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(all, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
