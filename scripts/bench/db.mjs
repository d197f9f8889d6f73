// Starts a FerretDB for benchmarks: `node scripts/bench/db.mjs [--baseline] [--port N] [--data DIR]`.
// --baseline runs the engine as it was before the pushdown patches (the `_id` index patch only), built
// into .tools/bin/ferretdb-baseline, on the same data files, for the side-by-side ratio table.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startFerretDB } from '../lib/ferretdb.mjs';

const { values } = parseArgs({
  options: {
    baseline: { type: 'boolean', default: false },
    port: { type: 'string', default: '27050' },
    data: { type: 'string', default: path.join(ROOT, '.data', 'bench') },
  },
});
const s = await startFerretDB({ port: Number(values.port), dataDir: values.data, baseline: values.baseline });
console.log(`MONGODB_URI=${s.uri} ACUBE_EMBEDDED=1 (${values.baseline ? 'baseline engine' : 'patched engine'}); Ctrl-C stops it`);
const stop = async () => {
  await s.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
