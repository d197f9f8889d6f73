// Installs and runs the embedded Mailpit (an SMTP server with a web inbox and an HTTP API), the
// default mail server of `npm start` when SMTP_URL is unset, and the real SMTP peer of `npm test`.
// Used by `npm start`, `npm test` and .ci/run. Node built-ins only: it runs before `npm ci`.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const MAILPIT_VERSION = 'v1.33.1';
const MODULE = 'github.com/axllent/mailpit';
const BIN = path.join(ROOT, '.tools', 'bin', 'mailpit');
const STAMP = path.join(ROOT, '.tools', 'bin', 'mailpit.version');

function log(msg) {
  console.log(`[mailpit] ${msg}`);
}

/**
 * The module zip on the proxy holds the Go code and the web inbox's sources (server/ui-src), not the
 * bundled inbox (server/ui/dist is built by esbuild in Mailpit's own release process). The SMTP server
 * and the API work without it; the inbox page needs it. So we bundle it here: Mailpit's runtime
 * dependencies plus its four build tools (esbuild and its Vue and Sass plugins, the Vue compiler), from
 * the npm registry. Not `npm ci` of its lock file: that names versions newer than some registries serve
 * (sass-embedded 1.108.1, rapidoc 12 were missing here), so we let npm resolve the ranges, and leave out
 * rapidoc and the docs.js entry (only the API documentation page at /api/v1/ uses them). When npm fails
 * we build without the inbox page and say so; the stamp records which build this is.
 */
const UI_BUILD_TOOLS = ['esbuild', 'esbuild-plugin-vue-next', 'esbuild-sass-plugin', '@vue/compiler-sfc'];
function buildUi(src) {
  if (process.env.MAILPIT_UI === '0') return false;
  try {
    const pkgFile = path.join(src, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    delete pkg.dependencies.rapidoc;
    pkg.devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies).filter(([k]) => UI_BUILD_TOOLS.includes(k)));
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    fs.rmSync(path.join(src, 'package-lock.json'), { force: true });
    const cfg = path.join(src, 'esbuild.config.mjs');
    const text = fs.readFileSync(cfg, 'utf8');
    const from = 'entryPoints: ["server/ui-src/app.js", "server/ui-src/docs.js"]';
    if (!text.includes(from)) throw new Error('esbuild.config.mjs changed upstream (entryPoints)');
    fs.writeFileSync(cfg, text.replace(from, 'entryPoints: ["server/ui-src/app.js"]'));
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: src, stdio: 'inherit' });
    // esbuild's platform binary comes as an optional dependency; its install script only checks it
    execFileSync('node', ['node_modules/esbuild/install.js'], { cwd: src, stdio: 'inherit' });
    execFileSync('npm', ['run', 'build'], { cwd: src, stdio: 'inherit', env: { ...process.env, MINIFY: 'true' } });
    return fs.existsSync(path.join(src, 'server', 'ui', 'dist', 'app.js'));
  } catch (e) {
    log(`the web inbox could not be bundled (${e instanceof Error ? e.message.split('\n')[0] : e}); building the SMTP server and API without it`);
    return false;
  }
}

/**
 * Builds Mailpit from the Go module proxy into .tools/bin when missing (as ensureFerretDB does:
 * `go mod download` of the exact version, a private copy of the source, `go build`, written under a
 * temporary name and renamed, so a running Mailpit keeps its binary and a half-written one never starts).
 */
export function ensureMailpit() {
  const want = process.env.MAILPIT_UI === '0' ? `${MAILPIT_VERSION}+noui` : MAILPIT_VERSION;
  if (fs.existsSync(BIN) && fs.existsSync(STAMP)) {
    const have = fs.readFileSync(STAMP, 'utf8').trim();
    // a build with the inbox serves a no-UI request too; a no-UI build is redone only when asked for the UI
    if (have === want || have === MAILPIT_VERSION) return BIN;
  }
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('Go is needed to build the embedded Mailpit (https://go.dev/dl); or set SMTP_URL to an SMTP server.');
  }
  log(`building Mailpit ${MAILPIT_VERSION} from the Go module proxy (first run only, a few minutes)…`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mailpit-dl-'));
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${MAILPIT_VERSION}`], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    }),
  );
  if (info.Error) throw new Error(`go mod download failed: ${info.Error}`);
  const src = path.join(ROOT, '.tools', 'src', `mailpit-${MAILPIT_VERSION}`);
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(src), { recursive: true });
  fs.cpSync(info.Dir, src, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', src]);
  const ui = buildUi(src);
  fs.mkdirSync(path.dirname(BIN), { recursive: true });
  execFileSync('go', ['build', '-trimpath', '-ldflags', `-s -w -X github.com/axllent/mailpit/config.Version=${MAILPIT_VERSION}`, '-o', `${BIN}.tmp`, '.'], {
    cwd: src,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
  });
  fs.renameSync(`${BIN}.tmp`, BIN);
  fs.writeFileSync(STAMP, ui ? MAILPIT_VERSION : `${MAILPIT_VERSION}+noui`);
  // the bundle is inside the binary now; the inbox's node_modules (with test files of their own that a
  // test runner walking the tree would pick up) are not needed
  fs.rmSync(path.join(src, 'node_modules'), { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
  log(`built ${path.relative(ROOT, BIN)}${ui ? ' (with the web inbox)' : ' (without the web inbox page; the API works)'}`);
  return BIN;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/**
 * Starts Mailpit with SMTP on 127.0.0.1:smtpPort and the inbox + API on 127.0.0.1:httpPort and waits
 * until both accept connections. `dataDir` keeps the messages in a SQLite file there (npm start);
 * without it they live in memory (tests, benchmarks). `maxMessages` 0 keeps every message (Mailpit's
 * default drops all but the newest 500). `chaos` enables Mailpit's chaos API (PUT /api/v1/chaos), which
 * the retry tests use to make the SMTP server answer 4xx/5xx. `extraArgs` are passed to Mailpit as they are
 * (scripts/bench/mailpit-smtp.ts compares options). Returns { smtpUrl, apiUrl, stop, child }.
 */
export async function startMailpit({ smtpPort = 1025, httpPort = 8025, dataDir = null, maxMessages = 0, chaos = false, logFile, extraArgs = [] } = {}) {
  const bin = ensureMailpit();
  for (const port of [smtpPort, httpPort]) {
    if (await portOpen(port)) {
      throw new Error(
        `Port ${port} is already in use. Stop whatever listens there (an earlier Mailpit?), choose other ports ` +
          `with MAILPIT_SMTP_PORT / MAILPIT_HTTP_PORT, or set SMTP_URL to an SMTP server.`,
      );
    }
  }
  const args = [
    `--smtp=127.0.0.1:${smtpPort}`,
    `--listen=127.0.0.1:${httpPort}`,
    '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure',
    '--smtp-disable-rdns',
    '--disable-version-check',
    // stored messages uncompressed: zstd of every message was ~0.5 of Mailpit's ~4.9 ms CPU per message
    // (scripts/bench/mailpit-smtp.ts); the inbox keeps at most `maxMessages` (npm start: 5,000, ~13 KB each)
    '--compression=0',
    `--max=${maxMessages}`,
    '--quiet',
  ];
  let logTarget = logFile;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    args.push(`--database=${path.join(dataDir, 'mailpit.db')}`);
    logTarget ??= path.join(dataDir, 'mailpit.log');
  }
  if (chaos) args.push('--enable-chaos');
  args.push(...extraArgs);
  const out = logTarget ? fs.openSync(logTarget, 'a') : 'ignore';
  const child = spawn(bin, args, { stdio: ['ignore', out, out] });
  let exited = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 30_000;
  while (!((await portOpen(smtpPort)) && (await portOpen(httpPort)))) {
    if (exited !== null) throw new Error(`Mailpit exited with code ${exited}${logTarget ? `; see ${logTarget}` : ''}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('Mailpit did not start within 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(
    `SMTP on 127.0.0.1:${smtpPort}, inbox on http://127.0.0.1:${httpPort}${dataDir ? ` (messages in ${path.relative(ROOT, dataDir) || dataDir})` : ' (in memory)'}`,
  );
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, apiUrl: `http://127.0.0.1:${httpPort}`, stop, child };
}
