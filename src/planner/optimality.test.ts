/**
 * On many small random problems the planner's plan costs exactly what an
 * exhaustive search judged by the engine finds (money, then hours), and the
 * engine finds every goal of the plan met.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import type { Offering } from '../core/offerings/schema.ts';
import { Profile } from '../core/profile/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';
import { exhaustiveSearch, referenceCandidates } from './exhaustive.ts';
import { HighsSolver } from './highs-solver.ts';
import { buildModel } from './model.ts';
import { decode, solveLexicographic } from './plan.ts';
import { readProblem } from './problem.ts';
import { verifyPlan } from './verify.ts';

let solver: HighsSolver;
let shipped: RuleSet;

beforeAll(() => {
  solver = new HighsSolver();
  shipped = loadCatalog().ruleSet;
});
afterAll(async () => {
  await solver.close();
});

/** Credentials the random problems draw from, with what a random credit toward each looks like. */
const TARGETS = {
  'nasm.cpt': { units: [2, 5, 8, 10, 15, 19], scale: 100, topic: undefined },
  'ace.cpt': { units: [1, 5, 8, 10, 20], scale: 100, topic: 'ethics' },
  'afaa.cgfi': { units: [2, 4, 6, 8, 15], scale: 1000, topic: undefined },
  'ncsf.cpt': { units: [1, 2, 4, 5, 10], scale: 1000, topic: 'ethics' },
  // A card checked 30 days after submission.
  'issa.cpt': { units: [2, 5, 10, 20], scale: 1000, topic: undefined },
  // Category caps and a minimum number of categories.
  'nsca.cscs': {
    units: [10, 15, 20, 30, 40],
    scale: 100,
    topic: undefined,
    categories: ['A', 'B', 'C', 'D'],
  },
} as const;
type Target = keyof typeof TARGETS;

const day = (offset: number) => {
  const d = new Date(Date.UTC(2023, 0, 1) + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
};

const creditArb = (target: Target) => {
  const spec: {
    units: readonly number[];
    scale: number;
    topic: string | undefined;
    categories?: readonly string[];
  } = TARGETS[target];
  return fc.record({
    credential: fc.constant(target),
    units: fc.constantFrom(...spec.units).map((u) => (u * spec.scale) / 1000),
    topic: spec.topic ? fc.option(fc.constant(spec.topic), { nil: undefined }) : fc.constant(undefined),
    category: spec.categories ? fc.constantFrom(...spec.categories) : fc.constant(undefined),
  });
};

const instanceArbOf = (pool: Target[], minHorizon: number, earnedFrom = 0) =>
  fc
    .record({
      targets: fc.shuffledSubarray(pool, { minLength: 1, maxLength: 2 }),
      earnedOffsets: fc.array(fc.integer({ min: earnedFrom, max: 1000 }), { minLength: 2, maxLength: 2 }),
      cardOffset: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      horizonMonths: fc.integer({ min: minHorizon, max: 30 }),
      seedOfferings: fc.array(
        fc.record({
          price: fc.integer({ min: 0, max: 400 }),
          hours: fc.integer({ min: 0, max: 20 }),
          pick: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          provider: fc.constantFrom('NASM', 'AFAA', 'Other'),
          type: fc.constantFrom('course', 'webinar', 'conference'),
        }),
        { minLength: 3, maxLength: 6 },
      ),
      cardPrice: fc.integer({ min: 20, max: 120 }),
      withSpecialization: fc.boolean(),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        creditValues: fc.tuple(
          ...base.targets.map((t) => fc.array(creditArb(t), { minLength: 6, maxLength: 6 })),
        ),
      }),
    );

const instanceArb = instanceArbOf(['nasm.cpt', 'ace.cpt', 'afaa.cgfi', 'ncsf.cpt', 'issa.cpt'], 3);
/** NSCA's shared reporting period ends 2026-12-31: a horizon past it brings category caps and minimum categories in. */
const nscaArb = instanceArbOf(['nsca.cscs', 'nsca.cscs', 'nasm.cpt'], 13, 366);
type Instance = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

function buildInstance(input: Instance) {
  const { base, creditValues } = input;
  const offerings: Offering[] = base.seedOfferings.map((o, i) => ({
    id: `test.offering-${i}`,
    title: `Offering ${i}`,
    provider: o.provider,
    price: o.price,
    hours: o.hours,
    type: o.type,
    credits: base.targets.flatMap((_, ti) => {
      // Every offering counts toward something: toward the first target when nothing was picked.
      if (!o.pick[ti] && !(ti === 0 && !o.pick.slice(0, base.targets.length).some(Boolean))) return [];
      const { credential, units, topic, category } = creditValues[ti]![i]!;
      return [
        {
          credential,
          units: Math.round(units * 1000),
          status: 'approved' as const,
          ...(topic ? { topic } : {}),
          ...(category ? { category } : {}),
        },
      ];
    }),
  }));
  offerings.push({
    id: 'test.card-course',
    title: 'CPR/AED course',
    price: base.cardPrice,
    hours: 3,
    handsOn: true,
    grants: 'aha.heartsaver',
    type: 'card',
    credits: [],
  });
  const earn: string[] = [];
  if (base.withSpecialization && base.targets.includes('nasm.cpt')) {
    offerings.push({
      id: 'test.ces',
      title: 'CES course',
      provider: 'NASM',
      price: 300,
      hours: 19,
      grants: 'nasm.ces',
      credits: [],
    });
    earn.push('nasm.ces');
  }
  const ruleSet: RuleSet = { ...shipped, offerings: new Map(offerings.map((o) => [o.id, o])) };
  const profile = Profile.parse({
    holdings: [
      ...base.targets.map((t, i) => ({ credential: t, earned: day(base.earnedOffsets[i]!) })),
      ...(base.cardOffset !== undefined ? [{ credential: 'aha.bls', earned: day(base.cardOffset) }] : []),
    ],
  });
  const asOf = '2026-01-01';
  const until = day(1096 + Math.round(base.horizonMonths * 30.4));
  return { ruleSet, profile, request: { asOf, goals: { until, earn } } };
}

async function compareOn(arb: fc.Arbitrary<Instance>, numRuns: number, seed: number) {
  const stats = { compared: 0, feasible: 0, explored: 0, cappedFeasible: 0, expired: 0 };
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const { ruleSet, profile, request } = buildInstance(input);
      const problem = readProblem(profile, ruleSet, request);
      if (problem.expired.length > 0) {
        stats.expired++;
        return;
      }
      const candidates = referenceCandidates(problem);
      fc.pre(candidates.length <= 14);
      const built = buildModel(problem);
      const { solution } = await solveLexicographic(built, solver, 10_000);
      const reference = exhaustiveSearch(problem);
      stats.compared++;
      stats.explored += reference.explored;
      expect(solution.status === 'optimal').toBe(reference.feasible);
      if (!reference.feasible) return;
      stats.feasible++;
      if (problem.obligations.some((o) => o.rules.some((r) => r.kind === 'cap' && r.per === 'cycle')))
        stats.cappedFeasible++;
      const decoded = decode(problem, built, solution.values);
      expect(decoded.moneyCents).toBe(reference.moneyCents);
      expect(decoded.hoursTenths).toBe(reference.hoursTenths);
      expect(verifyPlan(problem, decoded.chosen).problems).toEqual([]);
    }),
    { numRuns, seed, endOnFailure: true },
  );
  return stats;
}

describe('planner optimality against exhaustive search', () => {
  it('finds the same money and hours as trying every plan, and the engine confirms every plan', async () => {
    const stats = await compareOn(instanceArb, 120, 20261121);
    // The generator must produce real comparisons, feasible and infeasible alike.
    expect(stats.compared).toBeGreaterThan(60);
    expect(stats.feasible).toBeGreaterThan(20);
    expect(stats.explored).toBeGreaterThan(1000);
  });

  it('does so under category caps and a minimum number of categories (NSCA)', async () => {
    const stats = await compareOn(nscaArb, 60, 7);
    expect(stats.compared).toBeGreaterThan(20);
    expect(stats.cappedFeasible).toBeGreaterThan(3);
  });
});
