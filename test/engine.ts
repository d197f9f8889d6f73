/**
 * A throw-away FerretDB of this build for differential tests (server/db/pushdown.int.test.ts,
 * insert-batch.int.test.ts): its own port, a fresh data directory under .data, a connected client; close()
 * disconnects, stops the engine and removes its files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
// @ts-expect-error -- plain ESM helper without types (scripts run before npm ci)
import { ROOT, startFerretDB } from '../scripts/lib/ferretdb.mjs';

export interface Engine {
  client: MongoClient;
  /** The engine's command line (what it was started with). */
  args: string[];
  close(): Promise<void>;
}

export async function startEngine(port: number, name: string, extraArgs: string[] = []): Promise<Engine> {
  const dataDir = path.join(ROOT, '.data', `${name}-${process.pid}`);
  const s = await startFerretDB({ port, dataDir, fresh: true, extraArgs });
  const client = new MongoClient(s.uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  return {
    client,
    args: s.child.spawnargs as string[],
    async close() {
      await client.close().catch(() => undefined);
      await s.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
