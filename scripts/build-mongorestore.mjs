// Builds mongorestore from the mongo-tools Go module into .tools/bin/mongorestore (used by
// server/backup/mongorestore.int.test.ts to prove our archives restore with the standard tool).
// mongo-tools tags releases as "100.x.y" under a module path without /v100, so the Go proxy
// only knows it by pseudo-version (v0.0.0-<UTC time>-<12-hex commit>). The default is the
// 2025-07-15 commit 887641268977 (a version other projects pin, so the proxy has it cached);
// MONGO_TOOLS_VERSION overrides it. The checksum database (sum.golang.org) does not know
// mongo-tools pseudo-versions, so the go.sum check is skipped for this one module (GONOSUMDB);
// its own dependencies are still verified. It is a test-only tool, never part of the app.
// Usage: node scripts/build-mongorestore.mjs   (about two minutes the first time)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/ferretdb.mjs';

const version = process.env.MONGO_TOOLS_VERSION || 'v0.0.0-20250715155915-887641268977';
const bin = path.join(ROOT, '.tools', 'bin', 'mongorestore');
const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GONOSUMDB: 'github.com/mongodb/mongo-tools' };
if (fs.existsSync(bin) && fs.existsSync(`${bin}.version`) && fs.readFileSync(`${bin}.version`, 'utf8').trim() === version) {
  console.log(`${path.relative(ROOT, bin)} ${version} already built`);
  process.exit(0);
}
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mongo-tools-'));
let out;
try {
  out = execFileSync('go', ['mod', 'download', '-json', `github.com/mongodb/mongo-tools@${version}`], { cwd: scratch, encoding: 'utf8', env: goEnv });
} catch (e) {
  out = e.stdout || JSON.stringify({ Error: String(e.message) });
}
const info = JSON.parse(out);
if (info.Error) {
  console.error(`go mod download failed: ${info.Error}`);
  process.exit(1);
}
const src = path.join(scratch, 'src');
fs.cpSync(info.Dir, src, { recursive: true });
execFileSync('chmod', ['-R', 'u+w', src]);
fs.mkdirSync(path.dirname(bin), { recursive: true });
execFileSync('go', ['build', '-trimpath', '-o', bin, './mongorestore/main'], { cwd: src, stdio: 'inherit', env: { ...goEnv, CGO_ENABLED: '0' } });
fs.rmSync(scratch, { recursive: true, force: true });
fs.writeFileSync(`${bin}.version`, `${version}\n`);
console.log(`built ${path.relative(ROOT, bin)}`);
