import { describe, expect, it } from 'vitest';
import { idTime, timeOrderedIds } from './ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Each id sorts after the one before it, as JavaScript and PostgreSQL's "C" collation compare text. */
function expectIncreasing(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i - 1]! < ids[i]!)) throw new Error(`id ${i} (${ids[i]}) does not sort after ${ids[i - 1]}`);
  }
}

describe('timeOrderedIds', () => {
  it('makes version 7 UUIDs that carry the time they were made', () => {
    const t = Date.UTC(2026, 10, 22, 4, 5, 6, 789);
    const next = timeOrderedIds({ now: () => t });
    const id = next();
    expect(id).toMatch(UUID_V7);
    expect(idTime(id)).toBe(t);
    expect(new Date(idTime(id)!).toISOString()).toBe('2026-11-22T04:05:06.789Z');
  });

  it('sorts ids in the order they were made, across milliseconds', () => {
    let t = 1_700_000_000_000;
    const next = timeOrderedIds({ now: () => (t += 1) });
    const ids = Array.from({ length: 5000 }, next);
    expectIncreasing(ids);
    expect(new Set(ids).size).toBe(5000);
  });

  it('keeps order within one millisecond, and borrows the next one when the counter runs out', () => {
    const t = 1_700_000_000_000;
    // Random bytes all 0xff: the counter starts as high as it may (2047), so 2048 more ids fit.
    const next = timeOrderedIds({ now: () => t, fill: (b) => b.fill(0xff) });
    const ids = Array.from({ length: 10_000 }, next);
    expectIncreasing(ids);
    expect(idTime(ids[0]!)).toBe(t);
    expect(idTime(ids[2048]!)).toBe(t);
    expect(idTime(ids[2049]!)).toBe(t + 1);
    expect(idTime(ids.at(-1)!)).toBeGreaterThan(t + 1);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('stays in order when the clock steps back', () => {
    const clock = [1_700_000_000_500, 1_700_000_000_100, 1_700_000_000_100, 1_700_000_000_600];
    let i = 0;
    const next = timeOrderedIds({ now: () => clock[Math.min(i++, clock.length - 1)]! });
    const ids = Array.from({ length: 4 }, next);
    expectIncreasing(ids);
    expect(ids.map(idTime)).toEqual([
      1_700_000_000_500, 1_700_000_000_500, 1_700_000_000_500, 1_700_000_000_600,
    ]);
  });

  it('fills the rest with random bits (62 of them), so two sources never agree', () => {
    const t = 1_700_000_000_000;
    const a = timeOrderedIds({ now: () => t });
    const b = timeOrderedIds({ now: () => t });
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      ids.add(a());
      ids.add(b());
    }
    expect(ids.size).toBe(4000);
  });

  it('refuses a clock it cannot encode', () => {
    expect(() => timeOrderedIds({ now: () => -1 })()).toThrow(/clock gave -1/);
    expect(() => timeOrderedIds({ now: () => 2 ** 48 })()).toThrow(/not a time a UUID can hold/);
    expect(() => timeOrderedIds({ now: () => Number.NaN })()).toThrow(RangeError);
  });

  it('reads no time from ids of other kinds', () => {
    expect(idTime('0b5f3e0e-8c4a-4c1e-9a55-6f2d1c3b4a59')).toBeUndefined();
    expect(idTime('b00000001')).toBeUndefined();
  });
});
