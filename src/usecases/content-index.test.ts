import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentIndex } from './content-index.ts';

describe('ContentIndex', () => {
  it('finds exactly the (person, hash) pairs added, with their rows, as it grows', () => {
    const pair = fc.tuple(
      fc.integer({ min: 0, max: 40 }),
      // Hashes as contentHashOfTail gives them (53 bits), and some that share their low 32 bits.
      fc.oneof(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 7 }).map((k) => k * 0x100000000 + 12345),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(pair, { maxLength: 3000 }),
        fc.array(pair, { maxLength: 200 }),
        (added, probes) => {
          const index = new ContentIndex();
          const expected = new Map<string, number>();
          added.forEach(([owner, hash], i) => {
            const key = `${owner}:${hash}`;
            if (expected.has(key)) {
              expect(index.get(owner, hash)).toBe(expected.get(key));
              return;
            }
            index.add(owner, hash, i + 2);
            expected.set(key, i + 2);
          });
          expect(index.count).toBe(expected.size);
          for (const [owner, hash] of [...added, ...probes]) {
            expect(index.get(owner, hash)).toBe(expected.get(`${owner}:${hash}`));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the same hash of two people apart', () => {
    const index = new ContentIndex();
    index.add(1, 42, 0);
    expect(index.get(1, 42)).toBe(0);
    expect(index.get(2, 42)).toBeUndefined();
    index.add(2, 42, 7);
    expect(index.get(2, 42)).toBe(7);
    expect(() => index.add(-1, 42, 1)).toThrow(RangeError);
  });
});
