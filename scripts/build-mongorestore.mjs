// Builds mongorestore from the mongo-tools Go module into .tools/bin/mongorestore (used by
// server/backup/mongorestore.int.test.ts to prove our archives restore with the standard tool).
// mongo-tools tags releases as "100.x.y" under a module path without /v100, so the Go proxy
// only knows it by pseudo-version (v0.0.0-<UTC time>-<12-hex commit>); pass one in
// MONGO_TOOLS_VERSION. Usage: MONGO_TOOLS_VERSION=v0.0.0-20250101000000-abcdefabcdef node scripts/build-mongorestore.mjs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/ferretdb.mjs';

const version = process.env.MONGO_TOOLS_VERSION;
if (!version) {
  console.error('Set MONGO_TOOLS_VERSION to a Go pseudo-version of github.com/mongodb/mongo-tools.');
  process.exit(2);
}
const bin = path.join(ROOT, '.tools', 'bin', 'mongorestore');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mongo-tools-'));
const out = execFileSync('go', ['mod', 'download', '-json', `github.com/mongodb/mongo-tools@${version}`], { cwd: scratch, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
const info = JSON.parse(out);
if (info.Error) {
  console.error(`go mod download failed: ${info.Error}`);
  process.exit(1);
}
const src = path.join(scratch, 'src');
fs.cpSync(info.Dir, src, { recursive: true });
execFileSync('chmod', ['-R', 'u+w', src]);
fs.mkdirSync(path.dirname(bin), { recursive: true });
execFileSync('go', ['build', '-trimpath', '-o', bin, './mongorestore/main'], { cwd: src, stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } });
fs.rmSync(scratch, { recursive: true, force: true });
console.log(`built ${path.relative(ROOT, bin)}`);
