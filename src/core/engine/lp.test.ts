import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LinearConstraint, rat, solveLp } from './lp.ts';

const row = (
  coefficients: [number, number][],
  sense: LinearConstraint['sense'],
  rhs: number,
): LinearConstraint => ({
  coefficients: new Map(coefficients),
  sense,
  rhs,
});

describe('exact LP solver', () => {
  it('solves a textbook maximisation exactly', () => {
    // max 3x + 5y  s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18  →  x=2, y=6, value 36
    const result = solveLp({
      variables: 2,
      constraints: [
        row([[0, 1]], '<=', 4),
        row([[1, 2]], '<=', 12),
        row(
          [
            [0, 3],
            [1, 2],
          ],
          '<=',
          18,
        ),
      ],
      objective: new Map([
        [0, 3],
        [1, 5],
      ]),
    });
    expect(result.status).toBe('optimal');
    if (result.status !== 'optimal') return;
    expect(result.value).toEqual(rat(36));
    expect(result.x).toEqual([rat(2), rat(6)]);
  });

  it('handles ≥ and = rows and reports infeasibility', () => {
    const feasible = solveLp({
      variables: 2,
      constraints: [
        row(
          [
            [0, 1],
            [1, 1],
          ],
          '=',
          10,
        ),
        row([[0, 1]], '>=', 3),
        row([[1, 1]], '>=', 2),
      ],
      objective: new Map([
        [0, -1],
        [1, -2],
      ]),
    });
    expect(feasible.status === 'optimal' && feasible.x).toEqual([rat(8), rat(2)]);
    const infeasible = solveLp({
      variables: 1,
      constraints: [row([[0, 1]], '<=', 1), row([[0, 1]], '>=', 2)],
      objective: new Map([[0, 1]]),
    });
    expect(infeasible.status).toBe('infeasible');
  });

  it('keeps fractions exact', () => {
    // max x + y s.t. 3x + y ≤ 1, x + 3y ≤ 1 → x = y = 1/4
    const result = solveLp({
      variables: 2,
      constraints: [
        row(
          [
            [0, 3],
            [1, 1],
          ],
          '<=',
          1,
        ),
        row(
          [
            [0, 1],
            [1, 3],
          ],
          '<=',
          1,
        ),
      ],
      objective: new Map([
        [0, 1],
        [1, 1],
      ]),
    });
    expect(result.status === 'optimal' && result.value).toEqual(rat(1, 2));
  });

  it('matches brute force on random small box-constrained problems', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 8 }),
          ),
          {
            maxLength: 3,
          },
        ),
        fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })),
        (bounds, rows, [c0, c1]) => {
          const constraints = [
            row([[0, 1]], '<=', bounds[0]!),
            row([[1, 1]], '<=', bounds[1]!),
            ...rows.map(([a, b, r]) =>
              row(
                [
                  [0, a],
                  [1, b],
                ],
                '<=',
                r,
              ),
            ),
          ];
          const result = solveLp({
            variables: 2,
            constraints,
            objective: new Map([
              [0, c0],
              [1, c1],
            ]),
          });
          expect(result.status).toBe('optimal');
          if (result.status !== 'optimal') return;
          // An LP optimum of this kind is at least the best integer point and the LP value is attained.
          let bestInteger = Number.NEGATIVE_INFINITY;
          for (let x = 0; x <= bounds[0]!; x++) {
            for (let y = 0; y <= bounds[1]!; y++) {
              if (rows.every(([a, b, r]) => a * x + b * y <= r))
                bestInteger = Math.max(bestInteger, c0 * x + c1 * y);
            }
          }
          const value = Number(result.value.n) / Number(result.value.d);
          expect(value).toBeGreaterThanOrEqual(bestInteger - 1e-9);
          const [x, y] = result.x.map((v) => Number(v.n) / Number(v.d));
          expect(c0 * x! + c1 * y!).toBeCloseTo(value, 9);
          for (const [a, b, r] of rows) expect(a * x! + b * y!).toBeLessThanOrEqual(r + 1e-9);
        },
      ),
    );
  });
});
