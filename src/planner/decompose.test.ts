/**
 * Solving part by part, and the exact table for covering parts: on random
 * small models, the same optimum as trying every 0/1 assignment of the whole.
 */
import { describe, expect, it } from 'vitest';
import { solveCovering } from './covering.ts';
import { partsOf, solveByParts } from './decompose.ts';
import { seededRandom } from './generate.ts';
import { INFINITY, type MipModel, type MipSolution, ModelBuilder, type SolverPort } from './solver.ts';
import { bruteForce, feasible } from './testing.ts';

/** A solver port that tries every assignment, and counts its calls. */
class BruteForceSolver implements SolverPort {
  calls = 0;
  async solve(model: MipModel): Promise<MipSolution> {
    this.calls++;
    const best = bruteForce(model);
    return best
      ? { status: 'optimal', values: best.values, objective: best.objective, gap: 0, ms: 0 }
      : { status: 'infeasible', values: [], objective: 0, gap: 1, ms: 0 };
  }
  async close() {}
}

/** A random covering model: covering rows, "at most / exactly one" groups, a fixed column, a "≤ 0" row. */
function randomCovering(random: () => number, b = new ModelBuilder(), n = 4 + Math.floor(random() * 7)) {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const first = b.columns;
  const cols = Array.from({ length: n }, () =>
    random() < 0.1 ? b.addColumn(int(0, 30), 1, 1, false) : b.addColumn(int(0, 50), 0, 1, true),
  );
  for (let r = int(1, 3); r > 0; r--) {
    const scale = random() < 0.5 ? 100 : 1;
    b.addRow(
      cols.filter(() => random() < 0.7).map((j) => [j, int(0, 5) * scale] as [number, number]),
      // Needs that are not a multiple of the coefficients' divisor: 350 from courses of 100 needs 4.
      int(1, 9) * scale + (scale > 1 && random() < 0.5 ? int(1, 99) : 0),
      INFINITY,
    );
  }
  const shuffled = [...cols].filter((j) => b.model.lower[j] === 0).sort(() => random() - 0.5);
  for (let g = int(0, 2); g > 0 && shuffled.length >= 2; g--) {
    const members = shuffled.splice(0, int(2, Math.min(4, shuffled.length)));
    b.addRow(
      members.map((j) => [j, 1] as [number, number]),
      random() < 0.3 ? 1 : -INFINITY,
      1,
    );
  }
  if (random() < 0.2 && shuffled.length > 0) b.addRow([[shuffled[0]!, 3]], -INFINITY, 0);
  return { model: b.model, first };
}

describe('solveCovering', () => {
  it('finds the same optimum as trying every assignment, on 300 random covering models', () => {
    const random = seededRandom(7);
    let feasibleCount = 0;
    for (let t = 0; t < 300; t++) {
      const { model } = randomCovering(random);
      const table = solveCovering(model);
      expect(table).toBeDefined();
      const best = bruteForce(model);
      if (!best) {
        expect(table!.status).toBe('infeasible');
        continue;
      }
      feasibleCount++;
      expect(table!.status).toBe('optimal');
      expect(table!.objective).toBe(best.objective);
      expect(feasible(model, table!.values)).toBe(true);
    }
    expect(feasibleCount).toBeGreaterThan(100);
  });

  it('declines models of another shape', () => {
    const cap = new ModelBuilder();
    const x = cap.addColumn(1, 0, 1, true);
    const y = cap.addColumn(1, 0, 1, true);
    cap.addRow(
      [
        [x, 2],
        [y, 2],
      ],
      -INFINITY,
      3,
    );
    expect(solveCovering(cap.model)).toBeUndefined();

    const continuous = new ModelBuilder();
    const c = continuous.addColumn(1, 0, 5, false);
    continuous.addRow([[c, 1]], 2, INFINITY);
    expect(solveCovering(continuous.model)).toBeUndefined();

    const twoGroups = new ModelBuilder();
    const [a, b2, d] = [0, 1, 2].map(() => twoGroups.addColumn(1, 0, 1, true)) as [number, number, number];
    twoGroups.addRow(
      [
        [a, 1],
        [b2, 1],
      ],
      -INFINITY,
      1,
    );
    twoGroups.addRow(
      [
        [a, 1],
        [d, 1],
      ],
      -INFINITY,
      1,
    );
    expect(solveCovering(twoGroups.model)).toBeUndefined();

    const negative = new ModelBuilder();
    const e = negative.addColumn(1, 0, 1, true);
    const f = negative.addColumn(1, 0, 1, true);
    negative.addRow(
      [
        [e, 1],
        [f, -1],
      ],
      0,
      INFINITY,
    );
    expect(solveCovering(negative.model)).toBeUndefined();
  });
});

describe('solveByParts', () => {
  it('finds independent parts; a row holding columns of two parts joins them', () => {
    const b = new ModelBuilder();
    const [p, q, r, s, free] = [0, 1, 2, 3, 4].map(() => b.addColumn(1, 0, 1, true)) as number[];
    b.addRow(
      [
        [p!, 1],
        [q!, 1],
      ],
      1,
      INFINITY,
    );
    b.addRow(
      [
        [r!, 1],
        [s!, 2],
      ],
      2,
      INFINITY,
    );
    b.addRow([[s!, 1]], -INFINITY, 1);
    expect(partsOf(b.model).map((part) => [part.columns, part.rows])).toEqual([
      [[p, q], [0]],
      [
        [r, s],
        [1, 2],
      ],
    ]);
    expect(free).toBe(4);
    // A budget row over every column makes one part.
    b.addRow(
      [p!, q!, r!, s!].map((j) => [j, 10] as [number, number]),
      -INFINITY,
      100,
    );
    expect(partsOf(b.model)).toHaveLength(1);
  });

  it('gives the optimum of the whole, on 150 random models of independent parts', async () => {
    const random = seededRandom(11);
    let tabled = 0;
    let solved = 0;
    for (let t = 0; t < 150; t++) {
      const b = new ModelBuilder();
      const parts = 1 + Math.floor(random() * 3);
      for (let k = 0; k < parts; k++) {
        const { first } = randomCovering(random, b, 2 + Math.floor(random() * 4));
        // Some parts get a cap, a shape only the MIP solver takes.
        if (random() < 0.4) b.addRow([[first, 2]], -INFINITY, 1 + Math.floor(random() * 2));
      }
      b.addColumn(3, 0, 1, true); // in no row: left at 0
      const solver = new BruteForceSolver();
      const result = await solveByParts(b.model, solver, { timeLimitMs: 10_000 });
      const best = bruteForce(b.model);
      tabled += result.byTable;
      solved += solver.calls;
      if (!best) {
        expect(result.status).toBe('infeasible');
        continue;
      }
      expect(result.status).toBe('optimal');
      expect(result.objective).toBe(best.objective);
      expect(feasible(b.model, result.values)).toBe(true);
    }
    expect(tabled).toBeGreaterThan(20);
    expect(solved).toBeGreaterThan(20);
  });

  it('solves the small parts first, so a large part using up the time limit does not lose them', async () => {
    const b = new ModelBuilder();
    const small = b.addColumn(5, 0, 1, true);
    b.addRow([[small, 2]], -INFINITY, 2); // a cap: not a covering part, so it goes to the solver
    b.addRow([[small, 1]], 1, INFINITY);
    const big = [0, 1, 2, 3].map(() => b.addColumn(1, 0, 1, true));
    b.addRow(
      big.map((j) => [j, 2] as [number, number]),
      -INFINITY,
      5,
    );
    b.addRow(
      big.map((j) => [j, 1] as [number, number]),
      2,
      INFINITY,
    );
    const order: number[] = [];
    const slow: SolverPort = {
      async solve(model, options) {
        order.push(model.cost.length);
        if (model.cost.length > 1)
          await new Promise((resolve) => setTimeout(resolve, options.timeLimitMs + 20));
        return new BruteForceSolver().solve(model);
      },
      async close() {},
    };
    const result = await solveByParts(b.model, slow, { timeLimitMs: 30 });
    expect(order).toEqual([1, 4]);
    expect(result).toMatchObject({ status: 'optimal', objective: 7, parts: 2 });
  });
});
