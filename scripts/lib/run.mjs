// Small process helpers shared by start.mjs and test.mjs (Node built-ins only).
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './ferretdb.mjs';

export function run(cmd, args, { env = process.env, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function mustRun(cmd, args, opts) {
  const code = await run(cmd, args, opts);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}`);
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export async function ensureNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.log('[setup] installing dependencies (npm ci)…');
  await mustRun('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Debian's Chromium for Playwright. Installed with apt-get when missing and we are root. */
export function ensureChromium() {
  const bin = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (fs.existsSync(bin)) return bin;
  if (process.getuid?.() !== 0) throw new Error(`Chromium not found at ${bin}. Install it: sudo apt-get install -y chromium`);
  console.log('[setup] installing Debian chromium for the browser tests…');
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return bin;
}

/** A NextAuth secret kept under .data so sessions survive restarts of the embedded app. */
export function localSecret() {
  const file = path.join(ROOT, '.data', 'nextauth-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** True when a `next build` in distDir is older than any source file. */
export function buildIsStale(distDir) {
  const id = path.join(ROOT, distDir, 'BUILD_ID');
  if (!fs.existsSync(id)) return true;
  const built = fs.statSync(id).mtimeMs;
  const newer = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) return fs.readdirSync(p).some((f) => newer(path.join(p, f)));
    return st.mtimeMs > built;
  };
  return ['app', 'server', 'components', 'next.config.js', 'package-lock.json', 'tsconfig.json']
    .map((p) => path.join(ROOT, p))
    .filter((p) => fs.existsSync(p))
    .some(newer);
}
