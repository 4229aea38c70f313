/**
 * The model transformations every planning model goes through before the
 * solver: the exact money-then-hours objective and the row tightening.
 */
import { describe, expect, it } from 'vitest';
import { INFINITY, lexicographicObjective, ModelBuilder, tightenRows } from './solver.ts';
import { rowsHold } from './testing.ts';

/** Every 0/1 assignment of n columns. */
function* assignments(n: number): Generator<number[]> {
  for (let mask = 0; mask < 1 << n; mask++) yield Array.from({ length: n }, (_, j) => (mask >> j) & 1);
}

describe('lexicographicObjective', () => {
  it('ranks every plan by money, then hours, with whole-number costs', () => {
    // Three courses: $300 for 10 h, $300 for 2 h, $200 + $100 would be 12.5 h; money multiples of $100.
    const b = new ModelBuilder();
    const cols = [b.addColumn(0, 0, 1, true), b.addColumn(0, 0, 1, true), b.addColumn(0, 0, 1, true)];
    const money: [number, number][] = [
      [cols[0]!, 30_000],
      [cols[1]!, 30_000],
      [cols[2]!, 20_000],
    ];
    const hours: [number, number][] = [
      [cols[0]!, 100],
      [cols[1]!, 20],
      [cols[2]!, 125],
    ];
    expect(lexicographicObjective(b.model, money, hours)).toBe(true);
    expect(b.model.absGap).toBeLessThan(1);
    expect(b.model.cost.every(Number.isInteger)).toBe(true);
    const value = (x: number[], terms: [number, number][]) => terms.reduce((s, [j, c]) => s + c * x[j]!, 0);
    const plans = [...assignments(3)];
    for (const p of plans) {
      for (const q of plans) {
        const objP = value(
          p,
          b.model.cost.map((c, j) => [j, c] as [number, number]),
        );
        const objQ = value(
          q,
          b.model.cost.map((c, j) => [j, c] as [number, number]),
        );
        const lexLess =
          value(p, money) < value(q, money) ||
          (value(p, money) === value(q, money) && value(p, hours) < value(q, hours));
        // Strictly better by money then hours ⇔ at least one whole unit cheaper in the objective.
        expect(lexLess).toBe(objQ - objP >= 1);
      }
    }
  });

  it('falls back to cents plus a sub-cent hours term when the exact objective would not fit a double', () => {
    const b = new ModelBuilder();
    const x = b.addColumn(0, 0, 1e9, true);
    const y = b.addColumn(0, 0, 1e9, true);
    expect(
      lexicographicObjective(
        b.model,
        [
          [x, 99_991],
          [y, 99_989],
        ],
        [
          [x, 1e6],
          [y, 1e6],
        ],
      ),
    ).toBe(false);
    expect(b.model.absGap).toBe(0.25);
    expect(b.model.cost[x]).toBeGreaterThan(99_991);
    expect(b.model.cost[x]).toBeLessThan(99_991.25);
  });
});

describe('tightenRows', () => {
  it('divides a whole-number row by its divisor and rounds the bounds of all-integer rows inward', () => {
    const b = new ModelBuilder();
    const x = b.addColumn(0, 0, 1, true);
    const y = b.addColumn(0, 0, 5, true);
    const z = b.addColumn(0, 0, 5, false);
    b.addRow(
      [
        [x, 300],
        [y, 600],
      ],
      1000,
      INFINITY,
    );
    b.addRow(
      [
        [x, 300],
        [z, 600],
      ],
      1000,
      INFINITY,
    );
    b.addRow(
      [
        [x, 0.5],
        [y, 1],
      ],
      1,
      INFINITY,
    );
    b.addRow(
      [
        [x, 4],
        [y, 6],
      ],
      -INFINITY,
      9,
    );
    tightenRows(b.model);
    const m = b.model;
    expect(m.value.slice(0, 4)).toEqual([1, 2, 1, 2]);
    expect([m.rowLower[0], m.rowUpper[0]]).toEqual([4, INFINITY]);
    // A continuous column: scaled, not rounded.
    expect(m.rowLower[1]).toBeCloseTo(1000 / 300, 12);
    // Fractional coefficients: left alone.
    expect(m.value.slice(4, 6)).toEqual([0.5, 1]);
    expect(m.rowLower[2]).toBe(1);
    expect([m.value[6], m.value[7], m.rowUpper[3]]).toEqual([2, 3, 4]);
  });

  it('keeps exactly the same whole-number solutions', () => {
    const b = new ModelBuilder();
    const cols = [0, 1, 2, 3].map(() => b.addColumn(0, 0, 1, true));
    const rows: [number[], number, number][] = [
      [[300, 600, 900, 1200], 1000, INFINITY],
      [[4, 6, 10, 2], -INFINITY, 13],
      [[2, 4, 6, 8], 3, 11],
    ];
    for (const [coefs, lo, hi] of rows)
      b.addRow(
        coefs.map((c, i) => [cols[i]!, c] as [number, number]),
        lo,
        hi,
      );
    const before = structuredClone(b.model);
    tightenRows(b.model);
    for (const x of assignments(4)) expect(rowsHold(b.model, x)).toBe(rowsHold(before, x));
  });
});
