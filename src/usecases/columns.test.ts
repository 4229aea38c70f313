/**
 * Re-evaluation through the columnar kernel writes exactly the summaries the
 * object engine writes, on a demo population and at several as-of dates.
 */
import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../catalog/load.ts';
import { toEpochDay } from '../core/dates.ts';
import { earliestCountingDay } from '../core/engine/window.ts';
import { generateDemo } from '../demo/generate.ts';
import { statusToRow } from '../store/mappers.ts';
import type { PersonRecords } from '../store/model.ts';
import { columnsOf, factsOf, kernelRules } from './columns.ts';
import { statusSummaries } from './status.ts';

/** A demo population as stored records, by person id. */
function demoPeople(ruleSet: ReturnType<typeof shippedRuleSet>, count: number, seed: number) {
  const [batch] = [
    ...generateDemo({ people: count, seed, baseDate: '2026-01-01', ruleSet, batchSize: count }),
  ];
  const people = new Map<string, PersonRecords>();
  for (const p of batch!.people) people.set(p.id, { holdings: [], completions: [] });
  for (const h of batch!.holdings) people.get(h.personId)!.holdings.push(h);
  for (const c of batch!.completions) people.get(c.personId)!.completions.push(c);
  return people;
}

describe('kernel columns from stored records', () => {
  const ruleSet = shippedRuleSet();
  const rules = kernelRules(ruleSet);
  const people = demoPeople(ruleSet, 1500, 3);

  it('represents the whole of a realistic population', () => {
    const { columns, personIds, fallback } = columnsOf(factsOf(people), rules);
    // Hours converted for another held certification are carried as its own records (hoursOnlyRate),
    // and one course crediting two holdings that accept each other as a record each, hidden from
    // the other holding (completionHiddenFrom).
    expect(fallback).toEqual([]);
    expect(personIds.length).toBe(1500);
    expect(columns.persons).toBe(personIds.length);
    expect(columns.personHoldingStart.length).toBe(columns.persons + 1);
    expect(columns.holdingCompletionStart.length).toBe(columns.holdings + 1);
  });
});

describe('re-evaluation through the kernel', () => {
  const ruleSet = shippedRuleSet();
  const rules = kernelRules(ruleSet);
  const people = demoPeople(ruleSet, 1200, 11);

  it.each(['2026-01-01', '2024-06-30', '2027-03-15'])(
    'gives the object engine’s summaries as of %s',
    (asOf) => {
      const byHolding = (rows: ReturnType<typeof statusSummaries>) =>
        [...rows].sort((a, b) => a.holdingId.localeCompare(b.holdingId));
      const kernel = byHolding(statusSummaries(people, ruleSet, asOf, rules));
      const object = byHolding(statusSummaries(people, ruleSet, asOf));
      expect(kernel.length).toBe(object.length);
      for (let i = 0; i < kernel.length; i++) {
        if (JSON.stringify(kernel[i]) !== JSON.stringify(object[i])) expect(kernel[i]).toEqual(object[i]);
      }
    },
  );
});

describe('re-evaluation without the completions that cannot count', () => {
  const ruleSet = shippedRuleSet();
  const rules = kernelRules(ruleSet);
  const people = demoPeople(ruleSet, 1000, 23);

  it.each(['2026-01-01', '2023-02-28', '2027-03-15', '2030-12-31'])(
    'gives the same summaries as of %s with both engines',
    (asOf) => {
      const day = toEpochDay(asOf);
      let dropped = 0;
      const trimmed = new Map<string, PersonRecords>();
      for (const [id, records] of people) {
        const from = earliestCountingDay(
          records.holdings.map((h) => h.holding),
          ruleSet,
          day,
        );
        const kept = records.completions.filter(
          (c) => from !== undefined && toEpochDay(c.completion.completed) >= from,
        );
        dropped += records.completions.length - kept.length;
        trimmed.set(id, { holdings: records.holdings, completions: kept });
      }
      // The demo's histories reach back several cycles: most completions can no longer count.
      expect(dropped).toBeGreaterThan(0);
      const byHolding = (rows: ReturnType<typeof statusSummaries>) =>
        [...rows].sort((a, b) => a.holdingId.localeCompare(b.holdingId));
      const full = byHolding(statusSummaries(people, ruleSet, asOf));
      expect(byHolding(statusSummaries(trimmed, ruleSet, asOf))).toEqual(full);
      expect(byHolding(statusSummaries(trimmed, ruleSet, asOf, rules))).toEqual(full);
    },
  );
});

describe('one course crediting two holdings that accept each other', () => {
  const ruleSet = shippedRuleSet();
  const rules = kernelRules(ruleSet);
  const people = demoPeople(ruleSet, 1500, 3);
  // The NSCA conference is approved for both NSCA certifications, and each accepts the other's CE.
  const shared = ruleSet.offerings.get('nsca.coaches-conference')!;
  const dual = [...people].find(
    ([, r]) =>
      r.holdings.some((h) => h.holding.credential === 'nsca.cscs') &&
      r.holdings.some((h) => h.holding.credential === 'nsca.cpt') &&
      r.completions.some((c) => c.completion.activity === shared.id),
  );

  it('is a course the catalog credits to both', () => {
    expect(shared.credits.map((k) => k.credential).sort()).toEqual(['nsca.cpt', 'nsca.cscs']);
  });

  it('is laid out as a record per holding, each hidden from the other', () => {
    expect(dual).toBeDefined();
    const [id, records] = dual!;
    const { columns, fallback } = columnsOf(factsOf(new Map([[id, records]])), rules);
    expect(fallback).toEqual([]);
    const hidden = [...columns.completionHiddenFrom].filter((m) => m !== 0);
    // Each NSCA credit of a shared course hides its record from the other NSCA holding.
    expect(hidden.length).toBeGreaterThanOrEqual(2);
    for (const m of hidden) expect(m & (m - 1)).toBe(0);
    for (const asOf of ['2026-01-01', '2027-03-15']) {
      expect(statusSummaries(new Map([[id, records]]), ruleSet, asOf, rules)).toEqual(
        statusSummaries(new Map([[id, records]]), ruleSet, asOf),
      );
    }
  });

  it('goes to the object engine when one of its completions is college credit', () => {
    const [id, records] = dual!;
    const [first, ...rest] = records.completions;
    const college = {
      ...first!,
      completion: { ...first!.completion, college: { semesterHours: 3 } },
    };
    const { fallback } = columnsOf(
      factsOf(new Map([[id, { ...records, completions: [college, ...rest] }]])),
      rules,
    );
    expect(fallback).toEqual([id]);
  });
});

describe('credit past what the kernel counts exactly', () => {
  const ruleSet = shippedRuleSet();
  const rules = kernelRules(ruleSet);
  const one = (units: number, completions: number): Map<string, PersonRecords> => {
    const holding = {
      id: 'h1',
      personId: 'p1',
      position: 0,
      holding: { credential: 'nasm.cpt', earned: '2024-03-15', renewals: [] },
    };
    return new Map([
      [
        'p1',
        {
          holdings: [holding],
          completions: Array.from({ length: completions }, (_, i) => ({
            id: `c${i}`,
            personId: 'p1',
            position: i,
            completion: {
              title: `Course ${i}`,
              completed: '2025-06-01',
              credits: [{ credential: 'nasm.cpt', units, status: 'approved' as const }],
              source: 'self-reported' as const,
              evidence: [],
            },
          })),
        },
      ],
    ]);
  };

  it('goes to the object engine, which counts it exactly', () => {
    // 40 completions of 1,000 units: 40,000 units, past the kernel's 32-bit columns with room for conversions.
    const large = one(1_000_000, 40);
    expect(columnsOf(factsOf(large), rules).fallback).toEqual(['p1']);
    const [summary] = statusSummaries(large, ruleSet, '2026-01-01', rules);
    expect(summary?.countedMilli).toBe(40_000_000);
    expect(statusSummaries(large, ruleSet, '2026-01-01', rules)).toEqual(
      statusSummaries(large, ruleSet, '2026-01-01'),
    );
    // Past 2^31 milli-units (a 32-bit column would wrap to a negative count): still exact, and a
    // stored summary says "not known" rather than failing the write.
    const huge = one(1_000_000, 2_200);
    const [exact] = statusSummaries(huge, ruleSet, '2026-01-01', rules);
    expect(exact?.countedMilli).toBe(2_200_000_000);
    expect(statusToRow(exact!).countedMilli).toBeNull();
    expect(statusToRow(summary!).countedMilli).toBe(40_000_000);
    // An ordinary amount stays in the kernel.
    expect(columnsOf(factsOf(one(1_000, 40)), rules).fallback).toEqual([]);
  });
});
