import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { MemberIds } from './member-ids';

describe('MemberIds (an audience packed 12 bytes per member)', () => {
  it('keeps the order given, grows past its capacity, and sorts as the hex strings sort', () => {
    // seeded: a failure names the seed
    let x = 12345;
    const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const hex = Array.from({ length: 5_000 }, () => Array.from({ length: 24 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join(''));
    const ids = new MemberIds(3);
    hex.forEach((h, i) => ids.push(i % 2 ? new ObjectId(h) : h));
    expect(ids.length).toBe(hex.length);
    expect(ids.toArray()).toEqual(hex);
    expect(ids.hexSlice(1_000, 2_000)).toEqual(hex.slice(1_000, 2_000));
    expect(ids.hexSlice(4_990, 6_000)).toEqual(hex.slice(4_990));
    expect(ids.sort().toArray()).toEqual([...hex].sort());
  });

  it('reads upper-case hex back in lower case and refuses what is not a member id', () => {
    const ids = MemberIds.from(['ABCDEF0123456789ABCDEF01']);
    expect(ids.toArray()).toEqual(['abcdef0123456789abcdef01']);
    expect(() => ids.push('abc')).toThrow(/not a member id/);
    expect(() => ids.push('zzzzzzzzzzzzzzzzzzzzzzzz')).toThrow(/not a member id/);
    expect(() => ids.push('abcdef0123456789abcdef0')).toThrow(/not a member id/);
    expect(ids.length).toBe(1);
    expect(new MemberIds().sort().toArray()).toEqual([]);
  });
});
