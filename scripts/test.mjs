// `npm test`: every test. Installs what is missing (node modules, Debian's chromium,
// FerretDB, mongorestore), starts a throw-away FerretDB on its own port (so a running `npm start` is
// not disturbed), runs Vitest (unit + integration) and Playwright against a production
// build in .next-test, and ends with each runner's summary and one combined line.
import fs from 'node:fs';
import path from 'node:path';
import { ensureChromium, ensureNodeModules, run } from './lib/run.mjs';
import { ROOT, startFerretDB } from './lib/ferretdb.mjs';
import { startMailpit } from './lib/mailpit.mjs';

// optional: "unit", "int", "e2e"; anything else goes to Playwright (e.g. `npm run test:e2e -- e2e/live.spec.ts`)
const PARTS = ['unit', 'int', 'e2e'];
const args = process.argv.slice(2).filter((a) => a !== '--');
const only = args.filter((a) => PARTS.includes(a));
const playwrightArgs = args.filter((a) => !PARTS.includes(a));
const want = (k) => only.length === 0 || only.includes(k);
const results = path.join(ROOT, '.data', 'test-results');
let db = null;
let mail = null;

async function stop(code) {
  if (mail) await mail.stop();
  if (db) await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

try {
  await ensureNodeModules();
  if (want('e2e')) ensureChromium();
  if (want('int')) {
    // mongorestore for the archive-compatibility test (built from the Go module proxy, ~1 min the
    // first time). Not fatal: without it that one test is reported as skipped, with the reason.
    const built = await run('node', ['scripts/build-mongorestore.mjs'], {});
    if (built !== 0) console.warn('[test] mongorestore could not be built; its compatibility test will be skipped');
  }
  fs.rmSync(results, { recursive: true, force: true });
  fs.mkdirSync(results, { recursive: true });

  db = await startFerretDB({
    port: Number(process.env.TEST_FERRETDB_PORT || 27018),
    dataDir: path.join(ROOT, '.data', 'ferretdb-test'),
    fresh: true,
  });
  // The tests' own Mailpit (in memory, chaos API on for the retry tests), on ports of its own so a
  // running `npm start` (1025 / 8025) is not disturbed. Tests deliver to it and read it through its API.
  mail = await startMailpit({
    smtpPort: Number(process.env.TEST_MAILPIT_SMTP_PORT || 1026),
    httpPort: Number(process.env.TEST_MAILPIT_HTTP_PORT || 8026),
    chaos: true,
  });
  const env = {
    ...process.env,
    SMTP_URL: mail.smtpUrl,
    MAILPIT_API: mail.apiUrl,
    MAIL_FROM: 'A-Cube <no-reply@acube.test>',
    MONGODB_URI: db.uri,
    ACUBE_EMBEDDED: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_SECRET: 'test-secret-not-for-production-0123456789',
  };

  const summary = [];
  let passed = 0;
  let failed = 0;
  let exit = 0;

  const projects = [want('unit') && 'unit', want('int') && 'integration'].filter(Boolean);
  if (projects.length) {
    const out = path.join(results, 'vitest.json');
    const code = await run(
      'npx',
      ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
      { env },
    );
    const r = readJson(out);
    const p = r?.numPassedTests ?? 0;
    const f = (r?.numFailedTests ?? 0) + (code !== 0 && !r?.numFailedTests ? 1 : 0);
    passed += p;
    failed += f;
    summary.push(`vitest (${projects.join(' + ')}): ${p} passed, ${r?.numFailedTests ?? '?'} failed, ${r?.numPendingTests ?? 0} skipped`);
    if (code !== 0) exit = 1;
  }

  if (want('e2e')) {
    const buildEnv = { ...env, NEXT_DIST_DIR: '.next-test', NODE_ENV: 'production' };
    // TEST_REUSE_BUILD=1 reuses .next-test (re-running browser tests after a change to tests only).
    const reuse = process.env.TEST_REUSE_BUILD === '1' && fs.existsSync(path.join(ROOT, '.next-test', 'BUILD_ID'));
    const built = reuse ? 0 : await run('npx', ['next', 'build'], { env: buildEnv });
    if (built !== 0) {
      summary.push('playwright: not run, `next build` failed');
      failed += 1;
      exit = 1;
    } else {
      const code = await run('npx', ['playwright', 'test', ...playwrightArgs], { env: { ...env, E2E_DB: 'acube_e2e' } });
      const r = readJson(path.join(results, 'e2e.json'));
      const s = r?.stats ?? {};
      const p = s.expected ?? 0;
      const f = (s.unexpected ?? 0) + (s.flaky ?? 0) + (code !== 0 && !s.unexpected ? 1 : 0);
      passed += p;
      failed += f;
      summary.push(`playwright (chromium): ${p} passed, ${s.unexpected ?? '?'} failed, ${s.skipped ?? 0} skipped`);
      if (code !== 0) exit = 1;
    }
  }

  console.log('\n── Summary ──');
  for (const line of summary) console.log(line);
  console.log(`${passed} passed, ${failed} failed`);
  await stop(exit);
} catch (e) {
  console.error(`\n[test] ${e instanceof Error ? e.message : e}`);
  console.log('0 passed, 1 failed');
  await stop(1);
}
