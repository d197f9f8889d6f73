/**
 * A campaign audience's member ids, 12 bytes each in one growing Buffer.
 *
 * Why: a campaign is planned and enqueued 1,000 members at a time, but the audience was one array of hex
 * strings (~50 bytes each in the V8 heap) read with `toArray()` (each document and its ObjectId on the heap
 * too while reading), held for the whole enqueue (~2 min at 100,000 members). Here 100,000 members are
 * 1.2 MB outside the V8 heap, read from a cursor one batch at a time; a chunk's ids become strings only
 * while the chunk is planned.
 */
import { ObjectId } from 'mongodb';

const W = 12;
const HEX24 = /^[0-9a-fA-F]{24}$/;

export class MemberIds {
  private buf: Buffer;
  private n = 0;

  constructor(capacity = 1_024) {
    this.buf = Buffer.alloc(Math.max(1, capacity) * W);
  }

  static from(ids: Iterable<string | ObjectId>): MemberIds {
    const out = new MemberIds();
    for (const id of ids) out.push(id);
    return out;
  }

  get length(): number {
    return this.n;
  }

  /** Appends an id: an ObjectId or its 24-hex string (read back in lower case, as `toHexString()` writes every id the audiences come from); anything else is refused, as `new ObjectId` refuses it. */
  push(id: string | ObjectId): void {
    if ((this.n + 1) * W > this.buf.length) {
      const grown = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, this.n * W);
      this.buf = grown;
    }
    const hex = typeof id === 'string' ? id : id.toHexString();
    if (!HEX24.test(hex)) throw new TypeError(`not a member id: ${String(hex).slice(0, 40)}`);
    this.buf.write(hex, this.n * W, W, 'hex');
    this.n++;
  }

  /** Ascending, which is the order of their hex strings (and of the ObjectIds). */
  sort(): this {
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const b = this.buf;
    order.sort((x, y) => b.compare(b, y * W, y * W + W, x * W, x * W + W));
    const sorted = Buffer.alloc(Math.max(1, this.n) * W);
    for (let i = 0; i < this.n; i++) b.copy(sorted, i * W, order[i]! * W, order[i]! * W + W);
    this.buf = sorted;
    return this;
  }

  /** The hex ids of positions [from, to). */
  hexSlice(from: number, to: number): string[] {
    const end = Math.min(to, this.n);
    const out: string[] = [];
    for (let i = Math.max(0, from); i < end; i++) out.push(this.buf.toString('hex', i * W, i * W + W));
    return out;
  }

  /** Every id, as hex (tests, small audiences). */
  toArray(): string[] {
    return this.hexSlice(0, this.n);
  }
}
