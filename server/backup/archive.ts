/**
 * The `mongodump --archive` format (as specified by mongodb/mongo-tools common/archive),
 * written and read as a stream. With `--gzip` the whole archive is one gzip stream.
 *
 *   magic      int32 LE 0x8199e26d
 *   header     BSON { concurrent_collections, version: "0.1", server_version, tool_version }
 *   prelude    BSON { db, collection, metadata: <extended JSON {options, indexes, …}>, size, type } …
 *              terminator 0xffffffff
 *   blocks     BSON { db, collection, EOF: false, CRC: 0 } then documents … terminator
 *              BSON { db, collection, EOF: true, CRC: <int64 crc64-ECMA of that namespace's documents> } terminator
 *
 * The writer emits one namespace at a time (documents in one block); the reader accepts
 * any interleaving, as mongorestore does, and checks every CRC.
 */
import { BSON } from 'mongodb';
const { EJSON, Long } = BSON;
import { Crc64 } from './crc64';

export const MAGIC = 0x8199e26d;
export const TERMINATOR = 0xffffffff;
export const FORMAT_VERSION = '0.1';
const TERM_BYTES = Buffer.from([0xff, 0xff, 0xff, 0xff]);
/** Largest BSON document MongoDB accepts (16 MiB) plus headroom, as mongo-tools allows. */
const MAX_DOC = 16 * 1024 * 1024 + 16 * 1024;
/** A `docs` event is yielded once its batch reaches this many bytes (or 1,000 documents). */
const BATCH_BYTES = 8 * 1024 * 1024;

export interface IndexSpec {
  v?: number;
  key: Record<string, unknown>;
  name: string;
  [option: string]: unknown;
}

export interface ArchiveCollectionMeta {
  db: string;
  collection: string;
  indexes: IndexSpec[];
  type: string;
  size: number;
}

export interface ArchiveHeader {
  concurrent_collections: number;
  version: string;
  server_version: string;
  tool_version: string;
}

/** The metadata JSON string as mongodump writes it (canonical extended JSON). */
export function metadataJson(collection: string, indexes: IndexSpec[]): string {
  return EJSON.stringify({ indexes, collectionName: collection, type: 'collection', options: {} }, { relaxed: false });
}

/** Builds the byte pieces of an archive; the caller writes them (to a gzip stream) with back-pressure. */
export class ArchiveEncoder {
  private current: string | null = null;
  private crc = new Crc64();
  private count = 0;
  private bytes = 0;

  constructor(private readonly db: string) {}

  begin(header: Omit<ArchiveHeader, 'version'>, collections: { collection: string; indexes: IndexSpec[]; size?: number }[]): Buffer {
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(MAGIC, 0);
    const parts: Uint8Array[] = [
      magic,
      BSON.serialize({
        concurrent_collections: header.concurrent_collections,
        version: FORMAT_VERSION,
        server_version: header.server_version,
        tool_version: header.tool_version,
      }),
    ];
    for (const c of collections) {
      parts.push(
        BSON.serialize({
          db: this.db,
          collection: c.collection,
          metadata: metadataJson(c.collection, c.indexes),
          size: c.size ?? 0,
          type: 'collection',
        }),
      );
    }
    parts.push(TERM_BYTES);
    return Buffer.concat(parts);
  }

  /** Opens a namespace block. */
  startCollection(collection: string): Buffer {
    if (this.current) throw new Error(`archive: ${this.current} is still open`);
    this.current = collection;
    this.crc = new Crc64();
    this.count = 0;
    this.bytes = 0;
    return Buffer.from(BSON.serialize({ db: this.db, collection, EOF: false, CRC: Long.fromNumber(0) }));
  }

  /** Accounts for raw BSON documents about to be written (returned unchanged, concatenated). */
  documents(docs: Uint8Array[]): Buffer {
    for (const d of docs) {
      this.crc.update(d);
      this.bytes += d.length;
    }
    this.count += docs.length;
    return Buffer.concat(docs);
  }

  /** Closes the block with its EOF header carrying the CRC. */
  endCollection(): { buffer: Buffer; crc: string; count: number; bytes: number } {
    if (!this.current) throw new Error('archive: no open collection');
    const crcSigned = this.crc.signed();
    const buffer = Buffer.concat([
      TERM_BYTES,
      BSON.serialize({ db: this.db, collection: this.current, EOF: true, CRC: Long.fromBigInt(crcSigned) }),
      TERM_BYTES,
    ]);
    const out = { buffer, crc: this.crc.hex(), count: this.count, bytes: this.bytes };
    this.current = null;
    return out;
  }
}

export class ArchiveFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveFormatError';
  }
}

export type ArchiveEvent =
  | { type: 'header'; header: ArchiveHeader; collections: ArchiveCollectionMeta[] }
  | { type: 'docs'; db: string; collection: string; docs: Buffer[] }
  | { type: 'eof'; db: string; collection: string; crc: string; count: number; bytes: number };

function parseMetadata(db: string, collection: string, raw: unknown, type: unknown, size: unknown): ArchiveCollectionMeta {
  let indexes: IndexSpec[] = [];
  if (typeof raw === 'string' && raw.length) {
    try {
      const m = EJSON.parse(raw, { relaxed: false }) as { indexes?: IndexSpec[] };
      indexes = Array.isArray(m.indexes) ? m.indexes : [];
    } catch {
      throw new ArchiveFormatError(`archive: metadata of ${db}.${collection} is not valid extended JSON`);
    }
  }
  return { db, collection, indexes, type: typeof type === 'string' ? type : 'collection', size: Number(size ?? 0) };
}

/**
 * Parses a (decompressed) archive byte stream. Yields the header with the prelude, then
 * batches of raw BSON documents per namespace, then an `eof` per namespace once its CRC
 * has been checked. Throws ArchiveFormatError on anything malformed or a CRC mismatch.
 */
export async function* readArchive(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<ArchiveEvent> {
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let phase: 'magic' | 'header' | 'prelude' | 'nsheader' | 'body' | 'eofterm' = 'magic';
  let header: ArchiveHeader | null = null;
  const prelude: ArchiveCollectionMeta[] = [];
  const state = new Map<string, { crc: Crc64; count: number; bytes: number; done: boolean }>();
  let ns: { db: string; collection: string } | null = null;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let sawAnything = false;

  const nsKey = (db: string, c: string) => `${db}.${c}`;

  for await (const chunk of source) {
    sawAnything = true;
    buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), chunk]) : Buffer.from(chunk);
    pos = 0;
    const out: ArchiveEvent[] = [];
    for (;;) {
      if (phase === 'magic') {
        if (buf.length - pos < 4) break;
        if (buf.readUInt32LE(pos) !== MAGIC) throw new ArchiveFormatError('Not a mongodump archive (bad magic number).');
        pos += 4;
        phase = 'header';
        continue;
      }
      if (buf.length - pos < 4) break;
      const len = buf.readUInt32LE(pos);
      if (len === TERMINATOR) {
        pos += 4;
        if (phase === 'prelude') {
          phase = 'nsheader';
          if (!header) throw new ArchiveFormatError('archive: missing header');
          out.push({ type: 'header', header, collections: prelude.slice() });
        } else if (phase === 'body') {
          if (batch.length && ns) out.push({ type: 'docs', db: ns.db, collection: ns.collection, docs: batch });
          batch = [];
          batchBytes = 0;
          ns = null;
          phase = 'nsheader';
        } else if (phase === 'eofterm') {
          phase = 'nsheader';
        } else {
          throw new ArchiveFormatError(`archive: unexpected terminator (${phase})`);
        }
        continue;
      }
      if (len < 5 || len > MAX_DOC) throw new ArchiveFormatError(`archive: corrupt BSON length ${len} (${phase})`);
      if (buf.length - pos < len) break;
      const doc = buf.subarray(pos, pos + len);
      if (doc[len - 1] !== 0) throw new ArchiveFormatError('archive: corrupt BSON document (no terminating zero)');
      pos += len;
      if (phase === 'body') {
        const st = state.get(nsKey(ns!.db, ns!.collection))!;
        st.crc.update(doc);
        st.count++;
        st.bytes += len;
        batch.push(doc);
        batchBytes += len;
        // By count and by size: 1,000 documents of up to 16 MB each would otherwise be held at once.
        if (batch.length >= 1000 || batchBytes >= BATCH_BYTES) {
          out.push({ type: 'docs', db: ns!.db, collection: ns!.collection, docs: batch });
          batch = [];
          batchBytes = 0;
        }
        continue;
      }
      let d: Record<string, unknown>;
      try {
        d = BSON.deserialize(doc, { promoteLongs: false });
      } catch (e) {
        throw new ArchiveFormatError(`archive: corrupt ${phase} document (${(e as Error).message})`);
      }
      if (phase === 'header') {
        header = {
          concurrent_collections: Number(d.concurrent_collections ?? 1),
          version: String(d.version ?? ''),
          server_version: String(d.server_version ?? ''),
          tool_version: String(d.tool_version ?? ''),
        };
        phase = 'prelude';
      } else if (phase === 'prelude') {
        const m = parseMetadata(String(d.db), String(d.collection), d.metadata, d.type, d.size);
        prelude.push(m);
        state.set(nsKey(m.db, m.collection), { crc: new Crc64(), count: 0, bytes: 0, done: false });
      } else if (phase === 'nsheader') {
        const db = String(d.db ?? '');
        const collection = String(d.collection ?? '');
        const st = state.get(nsKey(db, collection));
        if (!st) throw new ArchiveFormatError(`archive: block for ${db}.${collection}, which is not in the prelude`);
        if (st.done) throw new ArchiveFormatError(`archive: data for ${db}.${collection} after its EOF`);
        if (d.EOF === true) {
          const want = d.CRC instanceof Long ? d.CRC.toBigInt() : BigInt(Number(d.CRC ?? 0));
          const got = st.crc.signed();
          if (want !== got) {
            throw new ArchiveFormatError(`archive: CRC mismatch in ${collection} (stored ${BigInt.asUintN(64, want).toString(16)}, computed ${st.crc.hex()})`);
          }
          st.done = true;
          out.push({ type: 'eof', db, collection, crc: st.crc.hex(), count: st.count, bytes: st.bytes });
          phase = 'eofterm';
        } else {
          ns = { db, collection };
          phase = 'body';
        }
      } else {
        throw new ArchiveFormatError(`archive: expected a terminator after an EOF header`);
      }
    }
    for (const e of out) yield e;
  }
  if (!sawAnything) throw new ArchiveFormatError('archive: empty input');
  if ((phase as string) !== 'nsheader' || pos !== buf.length) throw new ArchiveFormatError(`archive: truncated (${phase})`);
  for (const [k, st] of state) if (!st.done) throw new ArchiveFormatError(`archive: ${k} has no EOF block (truncated archive)`);
}
