/**
 * The HiGHS adapter: optimal and infeasible models, solves queued one at a
 * time, and a solve stopped at its time limit reported as such.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import { Profile } from '../core/profile/schema.ts';
import { generateOfferings } from './generate.ts';
import { HighsSolver } from './highs-solver.ts';
import { buildModel } from './model.ts';
import { readProblem } from './problem.ts';
import { INFINITY, ModelBuilder } from './solver.ts';

const solver = new HighsSolver();
afterAll(async () => {
  await solver.close();
});

/** max 30·chairs + 50·tables s.t. chairs + 2·tables ≤ 40, 2·chairs + tables ≤ 50 (as a minimisation). */
function workshop(extraRow?: [number, number]) {
  const b = new ModelBuilder();
  const chairs = b.addColumn(-30, 0, 100, true);
  const tables = b.addColumn(-50, 0, 100, true);
  b.addRow(
    [
      [chairs, 1],
      [tables, 2],
    ],
    -INFINITY,
    40,
  );
  b.addRow(
    [
      [chairs, 2],
      [tables, 1],
    ],
    -INFINITY,
    50,
  );
  if (extraRow) b.addRow([[chairs, 1]], extraRow[0], extraRow[1]);
  return b.model;
}

/** The typical benchmark problem: a planning model HiGHS needs far more than a few milliseconds for. */
function typicalModel() {
  const shipped = loadCatalog().ruleSet;
  const offerings = generateOfferings(shipped, {
    seed: 1000,
    size: 2000,
    credentials: ['nasm.cpt', 'ace.cpt', 'afaa.cgfi'],
    from: '2026-01-15',
    to: '2032-01-15',
  });
  const ruleSet = { ...shipped, offerings: new Map(offerings.map((o) => [o.id, o])) };
  const profile = Profile.parse({
    holdings: [
      { credential: 'nasm.cpt', earned: '2024-03-15' },
      { credential: 'ace.cpt', earned: '2024-09-20' },
      { credential: 'afaa.cgfi', earned: '2025-02-01' },
      { credential: 'aha.bls', earned: '2025-06-10' },
    ],
  });
  return buildModel(readProblem(profile, ruleSet, { asOf: '2026-01-15', goals: { until: '2032-01-15' } }))
    .model;
}

describe('HighsSolver', () => {
  it('solves to optimality and reports infeasibility', async () => {
    const optimal = await solver.solve(workshop(), { timeLimitMs: 5_000 });
    expect(optimal.status).toBe('optimal');
    expect(optimal.values).toEqual([20, 10]);
    expect(optimal.objective).toBe(-1100);
    expect(optimal.gap).toBe(0);
    const infeasible = await solver.solve(workshop([100, INFINITY]), { timeLimitMs: 5_000 });
    expect(infeasible.status).toBe('infeasible');
    // A requirement nothing can meet becomes an empty row; it must still make the model infeasible.
    const empty = new ModelBuilder();
    empty.addColumn(1, 0, 1, true);
    empty.addRow([], 20, INFINITY);
    expect((await solver.solve(empty.model, { timeLimitMs: 5_000 })).status).toBe('infeasible');
  });

  it('runs concurrent solves one after another, each with its own answer', async () => {
    const [a, b, c] = await Promise.all([
      solver.solve(workshop(), { timeLimitMs: 5_000 }),
      solver.solve(workshop([0, 10]), { timeLimitMs: 5_000 }),
      solver.solve(workshop([100, INFINITY]), { timeLimitMs: 5_000 }),
    ]);
    expect(a.objective).toBe(-1100);
    expect(b.values[0]).toBeLessThanOrEqual(10);
    expect(b.objective).toBeGreaterThan(-1100);
    expect(c.status).toBe('infeasible');
  });

  it('stops at the time limit and says so', async () => {
    const result = await solver.solve(typicalModel(), { timeLimitMs: 20 });
    expect(['time-limit', 'feasible']).toContain(result.status);
    expect(result.gap).toBeGreaterThan(0);
  });
});
