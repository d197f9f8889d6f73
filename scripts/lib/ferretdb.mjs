// Installs and runs the embedded FerretDB (MongoDB wire protocol over SQLite).
// Used by `npm start`, `npm test` and .ci/run. Node built-ins only: it runs before `npm ci`.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { PATCHES } from './ferretdb-patches.mjs';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const FERRETDB_VERSION = 'v1.24.2';
/**
 * Local patches applied to the downloaded source before building (scripts/lib/ferretdb-patches.mjs,
 * added Go files in scripts/ferretdb-patches/). The build stamp holds a hash of all of them, so an
 * existing build is rebuilt whenever a patch changes. A replacement must match exactly once and an
 * added file must not exist upstream, or the build stops.
 */
const PATCH_DIR = path.join(ROOT, 'scripts', 'ferretdb-patches');
const patchHash = createHash('sha256');
for (const p of PATCHES) {
  patchHash.update(JSON.stringify(p));
  if (p.add) patchHash.update(fs.readFileSync(path.join(PATCH_DIR, p.add)));
}
const BUILD_STAMP = `${FERRETDB_VERSION}+acube-${patchHash.digest('hex').slice(0, 12)}`;
/**
 * Documents per INSERT statement and per transaction (FerretDB's `--test-batch-size`; upstream 100). POST
 * /api/events sends 500 events per insert: at 100 that was five transactions, five commits (WAL frames of
 * the same index pages written five times, a checkpoint share each) per request; at 500 it is one (issue 12,
 * round 5, docs/benchmarks.md). Results are the same at any size: a batch that fails is retried document by
 * document by FerretDB's handler (server/db/insert-batch.int.test.ts compares 500 with upstream's 100).
 * Not applied to the baseline engine, which stays as it was.
 */
export const INSERT_BATCH_SIZE = 500;
/** The engine before the pushdown work (only the `_id` index patch): benchmarks compare against it. */
const BASELINE_PATCHES = PATCHES.filter((p) => p.id === 'sqlite-id-index');
const BASELINE_STAMP = `${FERRETDB_VERSION}+sqlite-id-index`;

function applyPatches(src, patches = PATCHES) {
  for (const p of patches) {
    if (p.add) {
      const target = path.join(src, p.to);
      if (fs.existsSync(target)) throw new Error(`FerretDB patch ${p.id}: ${p.to} exists upstream; look at the patch again`);
      fs.copyFileSync(path.join(PATCH_DIR, p.add), target);
      log(`added ${p.to} (${p.id})`);
      continue;
    }
    const file = path.join(src, p.file);
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf(p.from);
    if (at < 0 || text.indexOf(p.from, at + 1) >= 0) {
      throw new Error(`FerretDB patch ${p.id}: expected exactly one occurrence of its text in ${p.file} (upstream moved?)`);
    }
    fs.writeFileSync(file, text.slice(0, at) + p.to + text.slice(at + p.from.length));
    log(`patched ${p.file} (${p.id})`);
  }
}
const MODULE = 'github.com/FerretDB/FerretDB';
const BIN = path.join(ROOT, '.tools', 'bin', 'ferretdb');
const STAMP = path.join(ROOT, '.tools', 'bin', 'ferretdb.version');

function log(msg) {
  console.log(`[ferretdb] ${msg}`);
}

/**
 * Builds FerretDB from the Go module proxy into .tools/bin when missing.
 * `go install …@version` cannot be used: it asks the proxy for the module's
 * version list (deprecation check), which this proxy refuses (403). So we
 * download the exact version, stamp build/version/version.txt (which the
 * FerretDB build expects to be generated), and `go build` it.
 */
export function ensureFerretDB({ baseline = false } = {}) {
  const bin = baseline ? `${BIN}-baseline` : BIN;
  const stampFile = baseline ? `${STAMP}-baseline` : STAMP;
  const stamp = baseline ? BASELINE_STAMP : BUILD_STAMP;
  if (fs.existsSync(bin) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === stamp) return bin;
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('Go is needed to build the embedded FerretDB (https://go.dev/dl); or set MONGODB_URI to an existing MongoDB.');
  }
  log(`building FerretDB ${stamp} from the Go module proxy (first run only, about 2 minutes)…`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-dl-'));
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    }),
  );
  if (info.Error) throw new Error(`go mod download failed: ${info.Error}`);
  // a source tree of its own per build, so two builds (or a build and a running test) never share one
  const src = path.join(ROOT, '.tools', 'src', `ferretdb-${FERRETDB_VERSION}${baseline ? '-baseline' : ''}`);
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(src), { recursive: true });
  fs.cpSync(info.Dir, src, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', src]);
  fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  applyPatches(src, baseline ? BASELINE_PATCHES : PATCHES);
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  // built under a temporary name and renamed: a running FerretDB keeps its binary, a half-written one is never started
  execFileSync('go', ['build', '-trimpath', '-o', `${bin}.tmp`, './cmd/ferretdb'], {
    cwd: src,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
  });
  fs.renameSync(`${bin}.tmp`, bin);
  fs.writeFileSync(stampFile, stamp);
  fs.rmSync(scratch, { recursive: true, force: true });
  log(`built ${path.relative(ROOT, bin)}`);
  return bin;
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
 * Starts FerretDB on 127.0.0.1:port with its SQLite files in dataDir and waits until it
 * accepts connections. Returns { uri, stop }. `fresh` wipes dataDir first (tests).
 */
export async function startFerretDB({
  port = 27017,
  dataDir = path.join(ROOT, '.data', 'ferretdb'),
  fresh = false,
  logFile,
  extraArgs = [],
  baseline = false,
  sqliteParams = process.env.FERRETDB_SQLITE_PARAMS ?? '',
} = {}) {
  const bin = ensureFerretDB({ baseline });
  if (await portOpen(port)) {
    throw new Error(
      `Port ${port} is already in use. Stop whatever listens there (an earlier FerretDB?), ` +
        `or choose another port with FERRETDB_PORT, or point MONGODB_URI at an existing server.`,
    );
  }
  if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const out = fs.openSync(logFile ?? path.join(dataDir, 'ferretdb.log'), 'a');
  const child = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/${sqliteParams ? `?${sqliteParams}` : ''}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dataDir}`,
      ...(extraArgs.some((a) => a.startsWith('--debug-addr')) ? [] : ['--debug-addr=-']),
      ...(baseline || extraArgs.some((a) => a.startsWith('--test-batch-size')) ? [] : [`--test-batch-size=${INSERT_BATCH_SIZE}`]),
      '--telemetry=disable',
      '--log-level=warn',
      ...extraArgs,
    ],
    { stdio: ['ignore', out, out] },
  );
  let exited = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 30_000;
  while (!(await portOpen(port))) {
    if (exited !== null) throw new Error(`FerretDB exited with code ${exited}; see ${logFile ?? path.join(dataDir, 'ferretdb.log')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('FerretDB did not start within 30 s');
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  log(`listening on 127.0.0.1:${port} (data in ${path.relative(ROOT, dataDir) || dataDir})`);
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return { uri: `mongodb://127.0.0.1:${port}`, stop, child };
}
