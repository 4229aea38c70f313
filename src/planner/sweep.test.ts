/**
 * The exact search of sweep.ts: on random covering models, the same optimum as
 * trying every assignment (small models) and as HiGHS (models shaped like the
 * planner's: cycles of one or two rows, courses counting toward two cycles,
 * "at most one" bundle groups), whatever the order and row-group hints say.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from './generate.ts';
import { HighsSolver } from './highs-solver.ts';
import { INFINITY, type MipModel, ModelBuilder } from './solver.ts';
import { onGrid, SWEEP_LIMITS, type SweepStats, solveBySweep } from './sweep.ts';
import { bruteForce, feasible } from './testing.ts';

/** Small covering models: covering rows (some grouped), "at most / exactly one" groups, a fixed column, a "≤ 0" row. */
function smallModel(random: () => number): MipModel {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const b = new ModelBuilder();
  const n = int(5, 13);
  const cols = Array.from({ length: n }, () =>
    random() < 0.1 ? b.addColumn(int(0, 30), 1, 1, false) : b.addColumn(int(0, 50), 0, 1, true),
  );
  for (let r = int(1, 4); r > 0; r--) {
    b.group = random() < 0.6 ? int(0, 1) : -1;
    const scale = random() < 0.5 ? 100 : 1;
    b.addRow(
      cols.filter(() => random() < 0.6).map((j) => [j, int(0, 5) * scale] as [number, number]),
      int(1, 9) * scale + (scale > 1 && random() < 0.5 ? int(1, 99) : 0),
      INFINITY,
    );
  }
  b.group = -1;
  const free = cols.filter((j) => b.model.lower[j] === 0).sort(() => random() - 0.5);
  for (let g = int(0, 2); g > 0 && free.length >= 2; g--) {
    const members = free.splice(0, int(2, Math.min(4, free.length)));
    b.addRow(
      members.map((j) => [j, 1] as [number, number]),
      random() < 0.3 ? 1 : -INFINITY,
      1,
    );
  }
  if (random() < 0.2 && free.length > 0) b.addRow([[free[0]!, 3]], -INFINITY, 0);
  if (random() < 0.7) b.model.order = cols.map(() => int(0, 5));
  return b.model;
}

/**
 * Planner-like models: a few "credentials", each a chain of cycles (a total row, sometimes a minimum
 * row over some of its courses, grouped as one cycle), courses counting toward one cycle or toward
 * overlapping cycles of two credentials, and "at most one" groups of bundle-like columns.
 */
function plannerLikeModel(random: () => number): MipModel {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const b = new ModelBuilder();
  const credentials = int(2, 3);
  const cyclesPer = int(2, 3);
  type Cycle = {
    id: number;
    start: number;
    end: number;
    need: number;
    terms: [number, number][];
    min: [number, number][];
  };
  const cycles: Cycle[][] = [];
  let id = 0;
  for (let c = 0; c < credentials; c++) {
    const offset = int(0, 5);
    cycles.push(
      Array.from({ length: cyclesPer }, (_, i) => ({
        id: id++,
        start: offset + i * 10,
        end: offset + i * 10 + 9,
        need: int(4, 20),
        terms: [],
        min: [],
      })),
    );
  }
  const order: number[] = [];
  const course = (cost: number, key: number) => {
    order.push(key);
    return b.addColumn(cost, 0, 1, true);
  };
  for (const chain of cycles) {
    for (const cycle of chain) {
      // Single-cycle courses, some in "at most one" groups (bundle points).
      const group: number[] = [];
      for (let x = int(3, 8); x > 0; x--) {
        const units = int(1, 8);
        const j = course(units * int(5, 12) + int(0, 9), cycle.end);
        cycle.terms.push([j, units]);
        if (random() < 0.3) cycle.min.push([j, 1]);
        if (random() < 0.4) group.push(j);
      }
      if (group.length > 1)
        b.addRow(
          group.map((j) => [j, 1] as [number, number]),
          -INFINITY,
          1,
        );
    }
  }
  // Linking courses: toward two overlapping cycles of different credentials.
  for (let x = int(6, 20); x > 0; x--) {
    const [p, q] = [int(0, credentials - 1), int(0, credentials - 1)];
    if (p === q) continue;
    const a = cycles[p]![int(0, cyclesPer - 1)]!;
    const overlap = cycles[q]!.find((c) => c.start <= a.end && a.start <= c.end);
    if (!overlap) continue;
    const ua = int(1, 6);
    const ub = int(1, 6);
    const j = course(Math.max(ua, ub) * int(4, 9) + int(0, 9), Math.min(a.end, overlap.end));
    a.terms.push([j, ua]);
    overlap.terms.push([j, ub]);
    if (random() < 0.2) overlap.min.push([j, 1]);
  }
  for (const chain of cycles) {
    for (const cycle of chain) {
      b.group = cycle.id;
      b.addRow(cycle.terms, cycle.need, INFINITY);
      if (cycle.min.length > 0 && random() < 0.7) b.addRow(cycle.min, 1, INFINITY);
    }
  }
  b.group = -1;
  b.model.order = order;
  return b.model;
}

/**
 * The search's answer against trying every assignment: infeasible exactly when nothing is, otherwise
 * optimal with the same objective and a plan that meets every row. True when the model is feasible.
 */
function expectBruteForceOptimum(model: MipModel, limits = SWEEP_LIMITS): boolean {
  const found = solveBySweep(model, undefined, limits);
  expect(found).toBeDefined();
  const best = bruteForce(model)?.objective;
  if (best === undefined) {
    expect(found!.status).toBe('infeasible');
    return false;
  }
  expect(found!.status).toBe('optimal');
  expect(found!.objective).toBe(best);
  expect(feasible(model, found!.values)).toBe(true);
  return true;
}

describe('solveBySweep', () => {
  it('finds the same optimum as trying every assignment, on 300 random small covering models', () => {
    const random = seededRandom(11);
    let feasibleCount = 0;
    for (let t = 0; t < 300; t++) {
      if (expectBruteForceOptimum(smallModel(random))) feasibleCount++;
    }
    expect(feasibleCount).toBeGreaterThan(100);
  });

  it('decides rows that move together (caps as covering rows) as one block, with the optimum of trying every assignment', () => {
    // NSCA-like cycles: at least 60 units, at most 55 / 40 / 55 / 40 counted from categories A–D, as
    // the total row and one row of the total less each cap (capCover); their levels' product passes the
    // block limit, the states they reach together do not.
    const random = seededRandom(47);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const caps = [55, 40, 55, 40];
    let feasibleCount = 0;
    for (let t = 0; t < 24; t++) {
      const b = new ModelBuilder();
      const n = int(11, 14);
      const category = Array.from({ length: n }, () => int(0, 3));
      const units = Array.from({ length: n }, () => int(3, 24));
      const cols = category.map(() => b.addColumn(int(10, 99), 0, 1, true));
      b.group = 0;
      b.addRow(
        cols.map((j, i) => [j, units[i]!] as [number, number]),
        60,
        INFINITY,
      );
      caps.forEach((cap, g) => {
        const need = 60 - cap;
        b.addRow(
          cols.flatMap((j, i) =>
            category[i] === g ? [] : [[j, Math.min(units[i]!, need)] as [number, number]],
          ),
          need,
          INFINITY,
        );
      });
      b.group = -1;
      // Two "at most one" groups of one category each, like bundle frontiers.
      for (const g of [0, 1]) {
        const members = cols.filter((_, i) => category[i] === g).slice(0, 3);
        if (members.length >= 2)
          b.addRow(
            members.map((j) => [j, 1] as [number, number]),
            -INFINITY,
            1,
          );
      }
      if (random() < 0.5) b.model.order = cols.map(() => int(0, 3));
      if (expectBruteForceOptimum(b.model)) feasibleCount++;
    }
    expect(feasibleCount).toBeGreaterThan(15);
  });

  it('sums exactly at any cost scale up to 2^48: money-then-hours costs of 10^11 and 10^13 per column, against trying every assignment', () => {
    // Costs like the planner's lexicographic objective (money · H + hours, H near 2^31 and 2^38): the
    // columns of one model add up to 10^11–10^15, where a bound summed in floating point would round by
    // more than the half unit the pruning keeps.
    const random = seededRandom(53);
    const limits = { ...SWEEP_LIMITS, costScale: 2 ** 48 };
    let feasibleCount = 0;
    for (let t = 0; t < 200; t++) {
      const H = t % 2 === 0 ? 2 ** 31 - 1 : 2 ** 38 - 5;
      const model = smallModel(random);
      model.cost = model.cost.map((c) => c * H + Math.floor(random() * 1000));
      expect(model.cost.reduce((s, c) => s + c, 0)).toBeLessThan(2 ** 48);
      if (expectBruteForceOptimum(model, limits)) feasibleCount++;
    }
    expect(feasibleCount).toBeGreaterThan(60);
  });

  it('puts a split on a grid where every sum of costs and shares is exact', () => {
    // Random splits of large whole costs among 2–4 of 6 blocks, shares of any sign and size: after
    // onGrid every share is a multiple of 2^-q, each column's shares add up to its cost, and sums of
    // any shares and costs, added in floating point in any order, equal the same sums in whole numbers.
    const random = seededRandom(59);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    for (let t = 0; t < 100; t++) {
      const scale = 2 ** int(10, 44);
      const n = int(5, 40);
      const cost = Array.from({ length: n }, () => Math.floor(random() * scale));
      const shares = Array.from({ length: 6 }, () => new Float64Array(n));
      const where = cost.map((c, j) => {
        const blocks = [0, 1, 2, 3, 4, 5].sort(() => random() - 0.5).slice(0, int(1, 4));
        let left = c;
        return blocks.map((block, x) => {
          const share = x === blocks.length - 1 ? left : (random() - 0.3) * c * 1.7;
          left -= share;
          shares[block]![j] = share;
          return { block, item: j };
        });
      });
      const q = onGrid(shares, where, cost);
      expect(q).toBeDefined();
      const exact = (x: number) => {
        const scaled = x * 2 ** q!;
        expect(Number.isInteger(scaled)).toBe(true);
        return BigInt(scaled);
      };
      where.forEach((w, j) => {
        const sum = w.reduce((s, { block, item }) => s + exact(shares[block]![item]!), 0n);
        expect(sum).toBe(exact(cost[j]!));
      });
      const values = [...cost, ...shares.flatMap((list) => [...list])];
      for (let k = 0; k < 50; k++) {
        let float = 0;
        let whole = 0n;
        for (const v of values.sort(() => random() - 0.5).slice(0, int(1, 30))) {
          float += v;
          whole += exact(v);
        }
        expect(exact(float)).toBe(whole);
      }
    }
    // Shares too large for any grid: undefined.
    const tooLarge = [Float64Array.of(2 ** 53), Float64Array.of(1 - 2 ** 53)];
    expect(
      onGrid(
        tooLarge,
        [
          [
            { block: 0, item: 0 },
            { block: 1, item: 0 },
          ],
        ],
        [1],
      ),
    ).toBeUndefined();
  });

  const solver = new HighsSolver();
  afterAll(() => solver.close());

  it('finds the same optimum as HiGHS on 40 planner-like models, with and without the hints', async () => {
    const random = seededRandom(23);
    let compared = 0;
    for (let t = 0; t < 40; t++) {
      const model = plannerLikeModel(random);
      const reference = await solver.solve(model, { timeLimitMs: 20_000 });
      expect(reference.status === 'optimal' || reference.status === 'infeasible').toBe(true);
      const bare: MipModel = { ...model };
      delete bare.order;
      delete bare.rowGroup;
      for (const m of [model, bare]) {
        const found = solveBySweep(m);
        expect(found).toBeDefined();
        if (reference.status === 'infeasible') {
          expect(found!.status).toBe('infeasible');
          continue;
        }
        expect(found!.status).toBe('optimal');
        expect(found!.objective).toBe(Math.round(reference.objective));
        expect(feasible(m, found!.values)).toBe(true);
      }
      if (reference.status === 'optimal') compared++;
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('under small state limits, gives up, runs the widest pass and then the optimum of HiGHS, or declines', async () => {
    const random = seededRandom(31);
    // Limits small enough for the exact pass to give up on some of these models.
    const limits = { ...SWEEP_LIMITS, layerStates: 20, totalStates: 300, narrow: 1, beam: 1, widest: 16 };
    let retried = 0;
    let solvedAfterRetry = 0;
    for (let t = 0; t < 150; t++) {
      const model = plannerLikeModel(random);
      const stats: SweepStats = { states: 0, bound: 0, plan: 0, retried: false };
      const found = solveBySweep(model, stats, limits);
      if (!stats.retried) continue;
      retried++;
      if (found === undefined) continue;
      const reference = await solver.solve(model, { timeLimitMs: 20_000 });
      expect(reference.status).toBe('optimal');
      expect(found.status).toBe('optimal');
      expect(found.objective).toBe(Math.round(reference.objective));
      expect(feasible(model, found.values)).toBe(true);
      solvedAfterRetry++;
    }
    expect(retried).toBeGreaterThanOrEqual(4);
    expect(solvedAfterRetry).toBeGreaterThanOrEqual(3);
  });

  it('declines models of another shape, costs that are not whole numbers, and costs too large to add exactly', () => {
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
    expect(solveBySweep(cap.model)).toBeUndefined();

    const fractional = new ModelBuilder();
    const f = fractional.addColumn(1.5, 0, 1, true);
    fractional.addRow([[f, 1]], 1, INFINITY);
    expect(solveBySweep(fractional.model)).toBeUndefined();

    // Costs adding up past the limit given, or past 2^48 whatever the limit (no room for exact sums).
    const large = new ModelBuilder();
    const l = large.addColumn(2 ** 38 + 1, 0, 1, true);
    large.addRow([[l, 1]], 1, INFINITY);
    expect(solveBySweep(large.model)).toBeUndefined();
    expect(solveBySweep(large.model, undefined, { ...SWEEP_LIMITS, costScale: 2 ** 48 })?.objective).toBe(
      2 ** 38 + 1,
    );
    const huge = new ModelBuilder();
    const h = huge.addColumn(2 ** 48 + 1, 0, 1, true);
    huge.addRow([[h, 1]], 1, INFINITY);
    expect(solveBySweep(huge.model, undefined, { ...SWEEP_LIMITS, costScale: 2 ** 60 })).toBeUndefined();
  });
});
