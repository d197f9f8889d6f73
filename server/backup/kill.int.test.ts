/**
 * Kill test: a child process runs a replace restore and is SIGKILLed at several steps
 * (mid-fill, before the swap, between drop and rename, after the rename). After recovery
 * every collection is whole: exactly the old version or exactly the new one, never half.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BSON, ObjectId, type Db, type Document } from 'mongodb';
import { openTestDb, TEST_URI, type TestDb } from '../../test/db';
import { DirectoryStorage } from './storage';
import { runBackup, recoverRestores } from './engine';
import { bk } from './model';

const { EJSON } = BSON;
let t: TestDb;
let db: Db;
let dir: string;
let backupId: string;
const COLLS = ['users', 'blogs'];
const oldDocs: Record<string, Document[]> = {};
const fingerprint = async (c: string) => EJSON.stringify(await db.collection(c).find({}).sort({ _id: 1 }).toArray(), { relaxed: false });
const newPrints: Record<string, string> = {};
const oldPrints: Record<string, string> = {};

async function resetToOld() {
  for (const c of COLLS) {
    await db
      .collection(c)
      .drop()
      .catch(() => undefined);
    await db.collection(c).insertMany(oldDocs[c].map((d) => ({ ...d })));
  }
}

function runChild(step: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'testing', 'kill-child.ts'), db.databaseName, backupId, dir], {
      env: { ...process.env, MONGODB_URI: TEST_URI, BACKUP_KILL_AT: step },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

beforeAll(async () => {
  t = await openTestDb('bkill');
  db = t.db;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-bkill-'));
  await db.collection('users').insertMany(Array.from({ length: 1500 }, (_, i) => ({ _id: new ObjectId(), name: `User ${i}`, n: i })));
  await db.collection('users').createIndex({ name: 1 }, { name: 'name_1' });
  await db.collection('blogs').insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: new ObjectId(), title: `Blog ${i}` })));
  const b = await runBackup(db, new DirectoryStorage(dir), { collections: COLLS, trigger: 'manual' });
  backupId = b._id;
  for (const c of COLLS) newPrints[c] = await fingerprint(c);
  // The "old" state the restore will replace: different content and counts.
  await db.collection('users').deleteMany({ n: { $lt: 500 } });
  await db.collection('users').updateMany({}, { $set: { changed: true } });
  await db.collection('blogs').insertOne({ title: 'only in the old version' });
  for (const c of COLLS) {
    oldDocs[c] = await db.collection(c).find({}).sort({ _id: 1 }).toArray();
    oldPrints[c] = await fingerprint(c);
  }
}, 180_000);
afterAll(async () => {
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill during replace restore', () => {
  const cases: [string, 'old' | 'new'][] = [
    ['fill', 'old'],
    ['before-swap', 'old'],
    ['after-drop', 'new'],
    ['after-rename', 'new'],
  ];
  for (const [step, expected] of cases) {
    it(`killed at "${step}": after recovery every collection is the ${expected} version`, async () => {
      await resetToOld();
      const r = await runChild(step);
      expect(r.signal, r.out).toBe('SIGKILL');
      const unfinished = await bk.journal(db).countDocuments({ state: { $in: ['filling', 'swapping'] } });
      expect(unfinished).toBe(1);
      await recoverRestores(db);
      for (const c of COLLS) {
        const now = await fingerprint(c);
        expect(now === oldPrints[c] || now === newPrints[c], `${c} is neither old nor new`).toBe(true);
        expect(now === (expected === 'old' ? oldPrints[c] : newPrints[c]), `${c} should be ${expected}`).toBe(true);
      }
      if (expected === 'new') expect((await db.collection('users').listIndexes().toArray()).map((i) => i.name)).toContain('name_1');
      expect(await db.listCollections({ name: /^__restore_tmp_/ }).toArray()).toEqual([]);
      expect(await bk.journal(db).countDocuments({ state: { $in: ['filling', 'swapping'] } })).toBe(0);
    }, 180_000);
  }

  it('without a kill, the child finishes and both collections are new', async () => {
    await resetToOld();
    const r = await runChild('none');
    expect(r.code, r.out).toBe(0);
    for (const c of COLLS) expect(await fingerprint(c)).toBe(newPrints[c]);
  }, 180_000);
});
