/**
 * Re-evaluation through the columnar kernel writes exactly the summaries the
 * object engine writes, on a demo population and at several as-of dates.
 */
import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../catalog/load.ts';
import { toEpochDay } from '../core/dates.ts';
import { earliestCountingDay } from '../core/engine/window.ts';
import { generateDemo } from '../demo/generate.ts';
import type { PersonRecords } from '../store/model.ts';
import { columnsOf, kernelRules } from './columns.ts';
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

  it('represents most of a realistic population and lists the rest for the object engine', () => {
    const { columns, personIds, fallback } = columnsOf(people, rules);
    expect(personIds.length + fallback.length).toBe(1500);
    // Hours converted for another held certification are carried as its own records (hoursOnlyRate).
    expect(personIds.length / 1500).toBeGreaterThan(0.86);
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
