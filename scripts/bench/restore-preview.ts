/**
 * Restore preview of the demo data (issue 12: < 3 s): seeds the demo data into its own database, backs it up,
 * and times `restoreBackup(..., { mode: 'preview' })` against the unchanged database (every document is looked
 * up by _id in batches and compared), on the patched engine and on the baseline engine (same data files).
 *
 *   npx tsx scripts/bench/restore-preview.ts [--runs 3] [--no-baseline]
 */
// The app runs on the embedded database with ACUBE_EMBEDDED=1 (npm start sets it): counts use the `count`
// command there. Without it every count decoded the whole collection (~7 of the 10 s measured before).
process.env.ACUBE_EMBEDDED ??= '1';
import './no-server-only';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
// @ts-expect-error -- plain ESM helper without types
import { ROOT, startFerretDB } from '../lib/ferretdb.mjs';
import { DirectoryStorage } from '../../server/backup/storage';
import { runBackup, restoreBackup } from '../../server/backup/engine';
import { backupableCollections } from '../../server/backup/model';
import { ensureIndexes } from '../../server/db/indexes';
import { seedPlatform, DEMO_DEFAULTS } from '../../server/seed/demo';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'no-baseline': { type: 'boolean', default: false } } });
const dataDir = path.join(ROOT, '.data', 'bench-restore');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-preview-'));
const storage = new DirectoryStorage(dir);
let backup: Awaited<ReturnType<typeof runBackup>> | null = null;

for (const baseline of values['no-baseline'] ? [false] : [false, true]) {
  const s = await startFerretDB({ port: 27061, dataDir, fresh: !baseline, baseline });
  const client = new MongoClient(s.uri);
  await client.connect();
  const db = client.db('acube_demo');
  try {
    if (!backup) {
      await ensureIndexes(db, undefined, 'embedded');
      await seedPlatform(db, { ...DEMO_DEFAULTS, now: new Date() });
      backup = await runBackup(db, storage, { collections: await backupableCollections(db), trigger: 'manual', note: 'preview bench' });
    }
    const xs: number[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const t = performance.now();
      const rep = await restoreBackup(db, storage, backup, { mode: 'preview' });
      xs.push(performance.now() - t);
      if (i === 0)
        console.log(
          `  identical: ${rep.collections.reduce((a, c) => a + c.identical, 0).toLocaleString('en-US')} of ${backup.totalDocs.toLocaleString('en-US')} documents`,
        );
    }
    xs.sort((a, b) => a - b);
    console.log(
      `${baseline ? 'baseline' : 'patched '} engine: restore preview of ${backup.totalDocs.toLocaleString('en-US')} documents: median ${(xs[Math.floor(xs.length / 2)]! / 1000).toFixed(2)} s (${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`,
    );
  } finally {
    await client.close();
    await s.stop();
  }
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
