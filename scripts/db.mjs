// `npm run db`: run the embedded FerretDB in the foreground (for `next dev`, seeds, benchmarks).
// Port from FERRETDB_PORT (default 27017), data in .data/ferretdb. Ctrl+C stops it.
import { startFerretDB } from './lib/ferretdb.mjs';

const db = await startFerretDB({ port: Number(process.env.FERRETDB_PORT || 27017) });
// ACUBE_EMBEDDED=1 tells the app and the scripts that this is the embedded (SQLite) FerretDB: unique indexes only.
console.log(`MONGODB_URI=${db.uri} ACUBE_EMBEDDED=1  (export both for next dev and the scripts; Ctrl+C to stop)`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
db.child.on('exit', (code) => process.exit(code ?? 1));
