/**
 * CRC-64 as used by mongodump archives: Go's `crc64.MakeTable(crc64.ECMA)` with
 * `crc64.New` (reflected ECMA-182 polynomial, initial value and final xor all ones),
 * a.k.a. CRC-64/XZ. Check value: crc64("123456789") = 0x995dc9bbdf1939fa.
 *
 * Table-driven, slicing-by-8, on two 32-bit halves so it never allocates BigInts per byte.
 */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

// T[k][b] = CRC of byte b followed by k zero bytes (slicing tables), stored as hi/lo halves.
const HI: Uint32Array[] = [];
const LO: Uint32Array[] = [];
(function build() {
  const hi0 = new Uint32Array(256);
  const lo0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let j = 0; j < 8; j++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    hi0[i] = hi;
    lo0[i] = lo;
  }
  HI.push(hi0);
  LO.push(lo0);
  for (let k = 1; k < 8; k++) {
    const ph = HI[k - 1];
    const pl = LO[k - 1];
    const h = new Uint32Array(256);
    const l = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      // crc >> 8 then xor table[low byte]
      const x = pl[i] & 0xff;
      h[i] = (ph[i] >>> 8) ^ hi0[x];
      l[i] = ((pl[i] >>> 8) | ((ph[i] & 0xff) << 24)) ^ lo0[x];
    }
    HI.push(h);
    LO.push(l);
  }
})();

/** Incremental CRC-64 state; feed bytes with update(), read with hex() / bigint(). */
export class Crc64 {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(buf: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const n = buf.length;
    const [h0, h1, h2, h3, h4, h5, h6, h7] = HI;
    const [l0, l1, l2, l3, l4, l5, l6, l7] = LO;
    while (n - i >= 8) {
      const a = (lo ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))) >>> 0;
      const b = (hi ^ (buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24))) >>> 0;
      const b0 = a & 0xff,
        b1 = (a >>> 8) & 0xff,
        b2 = (a >>> 16) & 0xff,
        b3 = a >>> 24;
      const b4 = b & 0xff,
        b5 = (b >>> 8) & 0xff,
        b6 = (b >>> 16) & 0xff,
        b7 = b >>> 24;
      hi = h7[b0] ^ h6[b1] ^ h5[b2] ^ h4[b3] ^ h3[b4] ^ h2[b5] ^ h1[b6] ^ h0[b7];
      lo = l7[b0] ^ l6[b1] ^ l5[b2] ^ l4[b3] ^ l3[b4] ^ l2[b5] ^ l1[b6] ^ l0[b7];
      i += 8;
    }
    for (; i < n; i++) {
      const x = (lo ^ buf[i]) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ l0[x];
      hi = (hi >>> 8) ^ h0[x];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The checksum as an unsigned 64-bit BigInt. */
  bigint(): bigint {
    return (BigInt(~this.hi >>> 0) << 32n) | BigInt(~this.lo >>> 0);
  }

  /** The checksum as a signed 64-bit BigInt (how mongodump stores it: BSON int64). */
  signed(): bigint {
    return BigInt.asIntN(64, this.bigint());
  }

  /** 16 lower-case hex digits. */
  hex(): string {
    return this.bigint().toString(16).padStart(16, '0');
  }
}

export function crc64(buf: Uint8Array): bigint {
  return new Crc64().update(buf).bigint();
}
