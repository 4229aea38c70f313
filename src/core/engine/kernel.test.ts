/**
 * The kernel must agree with evaluate() on every holding: a differential
 * test over random synthetic populations and as-of dates, plus the edges
 * that random data reaches rarely (exactly at a cap, leap days, printed
 * expiries, reinstatements).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INDEPENDENT_PROVIDERS, syntheticPopulation } from '../../../bench/population.ts';
import { shippedRuleSet } from '../../catalog/load.ts';
import { toEpochDay, toIsoDate } from '../dates.ts';
import { parseUnits } from '../units.ts';
import { evaluate } from './evaluate.ts';
import { compileRules, evaluatePopulation, NONE, type PopulationResult, STATUS_NAMES } from './kernel.ts';
import { NO_DAY, type PopulationColumns, profileOf, vocabularyOf } from './population.ts';

const ruleSet = shippedRuleSet();
const vocab = vocabularyOf(ruleSet, INDEPENDENT_PROVIDERS);
const compiled = compileRules(ruleSet, vocab);

interface Row {
  person: number;
  holding: number;
  credential: string;
  status: string;
  required: number | null;
  counted: number | null;
  missing: number | null;
  cycle: [string, string] | null;
}

const milli = (v: string | undefined) => (v === undefined ? null : parseUnits(v));
const orNull = (v: number) => (v === NONE ? null : v);

function kernelRows(columns: PopulationColumns, result: PopulationResult): Row[] {
  const rows: Row[] = [];
  for (let p = 0; p < columns.persons; p++) {
    for (let h = columns.personHoldingStart[p]!; h < columns.personHoldingStart[p + 1]!; h++) {
      const start = result.cycleStart[h]!;
      rows.push({
        person: p,
        holding: h - columns.personHoldingStart[p]!,
        credential: vocab.credentials[columns.holdingCredential[h]!]!,
        status: STATUS_NAMES[result.status[h]!]!,
        required: orNull(result.required[h]!),
        counted: orNull(result.counted[h]!),
        missing: orNull(result.missing[h]!),
        cycle: start === NONE ? null : [toIsoDate(start), toIsoDate(result.cycleEnd[h]!)],
      });
    }
  }
  return rows;
}

function engineRows(columns: PopulationColumns, asOf: string): Row[] {
  const rows: Row[] = [];
  for (let p = 0; p < columns.persons; p++) {
    const evaluation = evaluate(profileOf(columns, vocab, p), ruleSet, asOf);
    for (const r of evaluation.holdings) {
      rows.push({
        person: p,
        holding: r.holding,
        credential: r.credential,
        status: r.status,
        required: milli(r.required),
        counted: milli(r.counted),
        missing: milli(r.missing),
        cycle: r.cycle && r.kind !== 'specialization' ? [r.cycle.start, r.cycle.end] : null,
      });
    }
  }
  return rows;
}

function expectAgreement(columns: PopulationColumns, asOfDay: number) {
  const asOf = toIsoDate(asOfDay);
  const result = evaluatePopulation(columns, compiled, asOfDay);
  const kernel = kernelRows(columns, result);
  const engine = engineRows(columns, asOf);
  expect(kernel.length).toBe(engine.length);
  for (let i = 0; i < kernel.length; i++) {
    if (JSON.stringify(kernel[i]) !== JSON.stringify(engine[i])) {
      // Name the person, so a failure can be replayed with profileOf.
      expect({ asOf, ...kernel[i] }).toEqual({ asOf, ...engine[i] });
    }
  }
  return result;
}

describe('evaluatePopulation agrees with evaluate()', () => {
  it('on random populations and as-of dates', () => {
    let fallbacks = 0;
    let laminar = 0;
    let holdings = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          holdings: fc.integer({ min: 5, max: 60 }),
          around: fc.integer({ min: toEpochDay('2019-01-01'), max: toEpochDay('2028-12-31') }),
          capPressure: fc.constantFrom(0, 0.05, 0.3, 0.8),
          pendingRate: fc.constantFrom(0, 0.1),
          printedRate: fc.constantFrom(0, 0.08, 0.5),
          renewalRate: fc.constantFrom(0.5, 0.85, 1),
          activities: fc.constantFrom(3, 40),
          completions: fc.constantFrom(2, 12, 25),
          shifts: fc.array(fc.integer({ min: -800, max: 800 }), { minLength: 1, maxLength: 4 }),
        }),
        (o) => {
          const columns = syntheticPopulation(ruleSet, vocab, {
            seed: o.seed,
            holdings: o.holdings,
            asOf: o.around,
            capPressure: o.capPressure,
            pendingRate: o.pendingRate,
            printedRate: o.printedRate,
            renewalRate: o.renewalRate,
            activities: o.activities,
            completionsPerCertification: o.completions,
          });
          for (const shift of [0, ...o.shifts]) {
            const result = expectAgreement(columns, o.around + shift);
            fallbacks += result.exactFallbacks;
            laminar += result.laminar;
            holdings += columns.holdings;
          }
        },
      ),
      { numRuns: 150, seed: 20261121 },
    );
    // The shortcuts and the exact path were both exercised, not only the plain sum.
    expect(holdings).toBeGreaterThan(5000);
    expect(laminar).toBeGreaterThan(0);
    expect(fallbacks).toBeGreaterThan(0);
  });

  it('covers every status the engine can give', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 4; seed++) {
      const columns = syntheticPopulation(ruleSet, vocab, {
        seed,
        holdings: 400,
        asOf: toEpochDay('2026-06-15'),
      });
      const result = expectAgreement(columns, toEpochDay('2026-06-15'));
      for (const s of result.status) seen.add(STATUS_NAMES[s]!);
    }
    expect([...seen].sort()).toEqual(
      ['complete', 'due-soon', 'expired', 'grace', 'in-progress', 'permanent', 'valid'].sort(),
    );
  });

  it('agrees on the edges: leap-day earned dates, printed expiries and cycle boundaries', () => {
    const columns = syntheticPopulation(ruleSet, vocab, {
      seed: 7,
      holdings: 300,
      asOf: toEpochDay('2024-02-29'),
      printedRate: 0.5,
    });
    // Move every earned date to Feb 29 of its year or the nearest, and every as-of to a cycle edge.
    for (let h = 0; h < columns.holdings; h++) {
      const year = Number(toIsoDate(columns.holdingEarned[h]!).slice(0, 4));
      const leap = year % 4 === 0 ? year : year - (year % 4);
      columns.holdingEarned[h] = toEpochDay(`${leap}-02-29`);
    }
    const first = evaluatePopulation(columns, compiled, toEpochDay('2024-02-29'));
    const edges = new Set<number>();
    for (let h = 0; h < columns.holdings && edges.size < 12; h++) {
      const end = first.cycleEnd[h]!;
      if (end !== NONE && columns.holdingPrinted[h] === NO_DAY)
        for (const d of [-1, 0, 1, 90, 91]) edges.add(end + d);
    }
    for (const day of [toEpochDay('2024-02-29'), ...edges]) expectAgreement(columns, day);
  });
});
