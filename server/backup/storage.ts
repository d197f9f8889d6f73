/**
 * Where backup files live, behind a small interface. The default is a directory
 * (BACKUP_DIR, default .data/backups). A file is written under a temporary name and
 * renamed to its final name only after it is complete and fsynced (and the directory
 * fsynced), so a crash never leaves a half file under a name that looks valid.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';

export interface StorageWriter {
  /** Write the file's bytes here (with back-pressure). */
  stream: Writable;
  /** Flushes, fsyncs, renames into place. Returns the final size. */
  commit(): Promise<{ size: number }>;
  /** Removes the temporary file. */
  abort(): Promise<void>;
}

export interface BackupStorage {
  readonly kind: string;
  createWriter(name: string): Promise<StorageWriter>;
  openRead(name: string): Promise<Readable>;
  size(name: string): Promise<number | null>;
  remove(name: string): Promise<void>;
  /** Temporary files left behind by a crash (removed by cleanup). */
  removeStale(): Promise<number>;
  usedBytes(): Promise<number>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const TMP_SUFFIX = '.partial';

export class DirectoryStorage implements BackupStorage {
  readonly kind = 'directory';
  constructor(readonly dir: string) {}

  private file(name: string): string {
    if (!NAME.test(name) || name.startsWith('.')) throw new Error(`storage: bad file name ${name}`);
    return path.join(this.dir, name);
  }

  async createWriter(name: string): Promise<StorageWriter> {
    const final = this.file(name);
    await fsp.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${name}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);
    const handle = await fsp.open(tmp, 'wx', 0o600);
    let size = 0;
    let closed = false;
    const stream = new Writable({
      highWaterMark: 1 << 20,
      write(chunk: Buffer, _enc, cb) {
        handle.write(chunk).then(
          (r) => {
            size += r.bytesWritten;
            cb();
          },
          (e) => cb(e),
        );
      },
      writev(chunks, cb) {
        handle.writev(chunks.map((c) => c.chunk as Buffer)).then(
          (r) => {
            size += r.bytesWritten;
            cb();
          },
          (e) => cb(e),
        );
      },
    });
    const finished = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const dir = this.dir;
    return {
      stream,
      async commit() {
        if (!stream.writableEnded) stream.end();
        await finished;
        await handle.sync();
        await handle.close();
        closed = true;
        await fsp.rename(tmp, final);
        await fsyncDir(dir);
        return { size };
      },
      async abort() {
        stream.destroy();
        if (!closed) await handle.close().catch(() => undefined);
        closed = true;
        await fsp.rm(tmp, { force: true });
      },
    };
  }

  async openRead(name: string): Promise<Readable> {
    const f = this.file(name);
    await fsp.access(f);
    return fs.createReadStream(f, { highWaterMark: 1 << 20 });
  }

  async size(name: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.file(name))).size;
    } catch {
      return null;
    }
  }

  async remove(name: string): Promise<void> {
    await fsp.rm(this.file(name), { force: true });
    await fsyncDir(this.dir).catch(() => undefined);
  }

  async removeStale(): Promise<number> {
    let n = 0;
    for (const f of await fsp.readdir(this.dir).catch(() => [] as string[])) {
      if (f.startsWith('.') && f.endsWith(TMP_SUFFIX)) {
        await fsp.rm(path.join(this.dir, f), { force: true });
        n++;
      }
    }
    return n;
  }

  async usedBytes(): Promise<number> {
    let total = 0;
    for (const f of await fsp.readdir(this.dir).catch(() => [] as string[])) {
      const st = await fsp.stat(path.join(this.dir, f)).catch(() => null);
      if (st?.isFile()) total += st.size;
    }
    return total;
  }
}

async function fsyncDir(dir: string) {
  const h = await fsp.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** The configured storage (BACKUP_DIR, default .data/backups under the working directory). */
export function defaultStorage(): BackupStorage {
  const g = globalThis as unknown as { __acubeBackupStorage?: BackupStorage };
  const dir = path.resolve(/*turbopackIgnore: true*/ process.env.BACKUP_DIR || path.join(process.cwd(), '.data', 'backups'));
  if (!g.__acubeBackupStorage || (g.__acubeBackupStorage as DirectoryStorage).dir !== dir) {
    g.__acubeBackupStorage = new DirectoryStorage(dir);
  }
  return g.__acubeBackupStorage;
}
