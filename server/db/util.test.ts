import { describe, expect, it } from 'vitest';
import { duplicateKeyIndexes, isDuplicateKeyError } from './util';

describe('duplicateKeyIndexes', () => {
  it('gives the indexes of an array of E11000 write errors', () => {
    const e = {
      code: 11000,
      writeErrors: [
        { code: 11000, index: 3 },
        { code: 11000, index: 0 },
      ],
    };
    expect(duplicateKeyIndexes(e)).toEqual([3, 0]);
  });

  it('reads a single write error given as an object', () => {
    expect(duplicateKeyIndexes({ code: 11000, writeErrors: { code: 11000, index: 7 } })).toEqual([7]);
  });

  it('is null when any write error is something else (the caller rethrows)', () => {
    // the driver sets the error's own code from its first write error: that one being E11000 is not enough
    const e = {
      code: 11000,
      writeErrors: [
        { code: 11000, index: 0 },
        { code: 121, index: 1 },
      ],
    };
    expect(duplicateKeyIndexes(e)).toBeNull();
    expect(duplicateKeyIndexes({ writeErrors: { code: 2, index: 0 } })).toBeNull();
  });

  it("is 'unknown' for an E11000 without write errors, null for other errors and non-objects", () => {
    expect(duplicateKeyIndexes({ code: 11000 })).toBe('unknown');
    expect(duplicateKeyIndexes({ code: 11000, writeErrors: [] })).toBe('unknown');
    expect(duplicateKeyIndexes(new Error('connection reset'))).toBeNull();
    expect(duplicateKeyIndexes({ code: 50 })).toBeNull();
    expect(duplicateKeyIndexes(null)).toBeNull();
    expect(duplicateKeyIndexes(undefined)).toBeNull();
    expect(duplicateKeyIndexes('E11000')).toBeNull();
  });

  it('agrees with isDuplicateKeyError on the error itself', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(false);
  });
});
