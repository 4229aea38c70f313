/**
 * The kernel must agree with evaluate() on every holding: a differential
 * test over random synthetic populations and as-of dates, plus the edges
 * that random data reaches rarely (exactly at a cap, leap days, printed
 * expiries, reinstatements).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARD_HOLDING, INDEPENDENT_PROVIDERS, syntheticPopulation } from '../../../bench/population.ts';
import { shippedRuleSet } from '../../catalog/load.ts';
import { toEpochDay, toIsoDate } from '../dates.ts';
import type { RuleSet } from '../ruleset.ts';
import { parseUnits } from '../units.ts';
import { evaluate } from './evaluate.ts';
import {
  type CompiledRules,
  compileRules,
  evaluatePopulation,
  NONE,
  type PopulationResult,
  STATUS_NAMES,
} from './kernel.ts';
import { NO_DAY, type PopulationColumns, profileOf, type Vocabulary, vocabularyOf } from './population.ts';
import { ruleSetOf } from './testing.ts';

interface Rules {
  ruleSet: RuleSet;
  vocab: Vocabulary;
  compiled: CompiledRules;
}

function rulesOf(ruleSet: RuleSet): Rules {
  const vocab = vocabularyOf(ruleSet, INDEPENDENT_PROVIDERS);
  return { ruleSet, vocab, compiled: compileRules(ruleSet, vocab) };
}

const shipped = rulesOf(shippedRuleSet());

const S = 'sources: [S-T-1], confidence: high';
/**
 * Rules no shipped body has, built to defeat the kernel's shortcuts: caps
 * that overlap without nesting, minimums and a valued card under caps,
 * several categories, conversions, conditional totals and late credit.
 */
const HARD = `
body: { id: hard, name: Hard body, providerNames: [HARD] }
credentials:
  - id: hard.cpt
    name: Hard CPT
    kind: certification
    policies:
      - version: "1"
        effectiveFrom: 2015-01-01
        cycle: { anchor: rolling, months: 24, ${S} }
        categories: [{ code: A, name: A }, { code: B, name: B }, { code: C, name: C }]
        topics: [{ code: ethics, name: ethics }]
        requirements:
          - { kind: total, units: "3.0", ${S} }
          - { kind: minimum, units: "0.5", where: { topic: ethics }, ${S} }
          - { kind: minimum, units: "0.5", where: { provider: HARD }, ${S} }
          - { kind: min-categories, count: 2, ${S} }
          - { kind: cap, units: "1.0", where: { category: A }, per: cycle, ${S} }
          - { kind: cap, units: "0.8", where: { activityType: volunteering }, per: cycle, ${S} }
          - { kind: cap, units: "0.6", where: { activityType: volunteering }, per: year, ${S} }
          - { kind: cap, units: "0.4", where: { category: B }, per: event, ${S} }
          - { kind: cap, units: "0.3", where: { topic: ethics }, per: completion, ${S} }
          - { kind: card, units: "0.2", category: C, ${S} }
          - { kind: cap, units: "0.1", where: { activityType: card }, per: cycle, ${S} }
          - { kind: no-repeat, ${S} }
          - { kind: late-credit, days: 60, ${S} }
          - { kind: accept, from: ["hard.*"], factor: "0.5", ${S} }
        lateRenewal: { graceDays: 90, ${S} }
  - id: hard.gfi
    name: Hard GFI
    kind: certification
    policies:
      - version: "1"
        effectiveFrom: 2015-01-01
        cycle: { anchor: year-end, years: 2, ${S} }
        categories: [{ code: A, name: A }, { code: B, name: B }]
        requirements:
          - { kind: total, units: "1.0", when: { cycleIndexFrom: 1 }, ${S} }
          - { kind: total, units: "2.0", when: { cycleIndexFrom: 2 }, ${S} }
          - { kind: cap, units: "0.5", where: {}, per: year, ${S} }
          - { kind: cap, units: "0.7", where: { category: A }, per: cycle, ${S} }
          - { kind: cap, units: "1.2", where: { category: [A, B] }, per: cycle, when: { cycleIndexFrom: 1 }, ${S} }
          - { kind: min-categories, count: 2, ${S} }
          - { kind: accept, from: ["hard.cpt"], ${S} }
        lateRenewal: { graceMonths: 3, reinstatement: { newCycleFromApproval: true, ${S} }, ${S} }
  - id: hard.tight
    name: Hard tight
    kind: certification
    policies:
      - version: "1"
        effectiveFrom: 2015-01-01
        cycle: { anchor: end-of-month, months: 12, ${S} }
        categories: [{ code: A, name: A }, { code: B, name: B }, { code: C, name: C }, { code: D, name: D }]
        requirements:
          - { kind: total, units: "1.6", when: { earnedMonthsIntoCycle: { from: 0 } }, ${S} }
          - { kind: total, units: "1.2", when: { earnedMonthsIntoCycle: { to: 0 } }, ${S} }
          - { kind: total, units: "2.0", when: { cycleIndexFrom: 3 }, ${S} }
          - { kind: cap, units: "0.8", where: { category: A }, per: cycle, ${S} }
          - { kind: cap, units: "0.3", where: { category: A }, per: event, ${S} }
          - { kind: cap, units: "0.6", where: { category: B }, per: cycle, ${S} }
          - { kind: cap, units: "0.4", where: { category: C }, per: cycle, ${S} }
          - { kind: cap, units: "0", where: { category: D }, per: cycle, ${S} }
          - { kind: min-categories, count: 2, ${S} }
          - { kind: min-categories, count: 3, when: { cycleIndexFrom: 1 }, ${S} }
          - { kind: min-categories, count: 4, when: { cycleIndexFrom: 2 }, ${S} }
          - { kind: minimum, units: "0.5", where: { category: A }, when: { cycleIndexFrom: 1 }, ${S} }
        lateRenewal: { graceDays: 30, ${S} }
  - id: hard.vol
    name: Hard volunteer
    kind: certification
    policies:
      - version: "1"
        effectiveFrom: 2015-01-01
        cycle: { anchor: rolling, months: 24, ${S} }
        requirements:
          - { kind: total, units: "1.5", ${S} }
          - { kind: cap, units: "0.6", where: { activityType: [volunteering, conference] }, per: year, ${S} }
          - { kind: cap, units: "0.4", where: { activityType: [volunteering, conference] }, per: event, ${S} }
  - id: hard.nest
    name: Hard nested caps
    kind: certification
    policies:
      - version: "1"
        effectiveFrom: 2015-01-01
        cycle: { anchor: rolling, months: 24, ${S} }
        categories: [{ code: A, name: A }, { code: B, name: B }]
        requirements:
          - { kind: total, units: "1.2", ${S} }
          - { kind: cap, units: "0.8", where: { category: A }, per: cycle, ${S} }
          - { kind: cap, units: "0.3", where: { category: A }, per: event, ${S} }
          - { kind: cap, units: "0.6", where: { category: B }, per: cycle, ${S} }
          - { kind: minimum, units: "0.5", where: { category: A }, ${S} }
          - { kind: min-categories, count: 2, ${S} }
  - id: hard.spec
    name: Hard specialization
    kind: specialization
    creditsToward: [{ credential: hard.cpt, units: "0.5", category: B, ${S} }]
  - id: hard.card
    name: Hard card
    kind: card
    covers: [adult-cpr, aed]
    validity: { months: 12, anchor: rolling, ${S} }
`;
const hard = rulesOf(ruleSetOf(HARD));
const HARD_TEMPLATES: [number, string[]][] = [
  [2, ['hard.cpt', 'hard.spec', CARD_HOLDING]],
  [2, ['hard.cpt', 'hard.gfi', CARD_HOLDING]],
  [1, ['hard.gfi', CARD_HOLDING]],
  [2, ['hard.tight', 'hard.cpt']],
  [1, ['hard.vol']],
  [1, ['hard.nest']],
];

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

function kernelRows({ vocab }: Rules, columns: PopulationColumns, result: PopulationResult): Row[] {
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

function engineRows({ vocab, ruleSet }: Rules, columns: PopulationColumns, asOf: string): Row[] {
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

function expectAgreement(rules: Rules, columns: PopulationColumns, asOfDay: number) {
  const asOf = toIsoDate(asOfDay);
  const result = evaluatePopulation(columns, rules.compiled, asOfDay);
  const kernel = kernelRows(rules, columns, result);
  const engine = engineRows(rules, columns, asOf);
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
          const columns = syntheticPopulation(shipped.ruleSet, shipped.vocab, {
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
            const result = expectAgreement(shipped, columns, o.around + shift);
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
    // The shipped rules never need the exact solver on this data; the hard rules below do.
    expect(fallbacks).toBe(0);
  });

  it('on rules built to defeat the shortcuts, where the exact allocation runs', () => {
    let fallbacks = 0;
    let laminar = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          holdings: fc.integer({ min: 5, max: 40 }),
          around: fc.integer({ min: toEpochDay('2017-01-01'), max: toEpochDay('2028-12-31') }),
          capPressure: fc.constantFrom(0.1, 0.5),
          completions: fc.constantFrom(4, 12),
          shifts: fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 1, maxLength: 3 }),
        }),
        (o) => {
          const columns = syntheticPopulation(hard.ruleSet, hard.vocab, {
            seed: o.seed,
            holdings: o.holdings,
            asOf: o.around,
            capPressure: o.capPressure,
            completionsPerCertification: o.completions,
            activities: 4,
            templates: HARD_TEMPLATES,
            cards: ['hard.card'],
          });
          for (const shift of [0, ...o.shifts]) {
            const result = expectAgreement(hard, columns, o.around + shift);
            fallbacks += result.exactFallbacks;
            laminar += result.laminar;
          }
        },
      ),
      { numRuns: 60, seed: 20261122 },
    );
    expect(fallbacks).toBeGreaterThan(0);
    expect(laminar).toBeGreaterThan(0);
  });

  it('refuses to state as a profile a person whose records are hidden from other holdings', () => {
    const columns = syntheticPopulation(shipped.ruleSet, shipped.vocab, {
      seed: 3,
      holdings: 40,
      asOf: toEpochDay('2026-06-15'),
    });
    const p = [...Array(columns.persons).keys()].find(
      (i) =>
        columns.holdingCompletionStart[columns.personHoldingStart[i + 1]!]! >
        columns.holdingCompletionStart[columns.personHoldingStart[i]!]!,
    )!;
    expect(profileOf(columns, shipped.vocab, p).completions.length).toBeGreaterThan(0);
    const record = columns.holdingCompletionStart[columns.personHoldingStart[p]!]!;
    const hidden = { ...columns, completionHiddenFrom: columns.completionHiddenFrom.slice() };
    hidden.completionHiddenFrom[record] = 2;
    expect(() => profileOf(hidden, shipped.vocab, p)).toThrow(/hidden from other holdings/);
  });

  it('covers every status the engine can give', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 4; seed++) {
      const columns = syntheticPopulation(shipped.ruleSet, shipped.vocab, {
        seed,
        holdings: 400,
        asOf: toEpochDay('2026-06-15'),
      });
      const result = expectAgreement(shipped, columns, toEpochDay('2026-06-15'));
      for (const s of result.status) seen.add(STATUS_NAMES[s]!);
    }
    expect([...seen].sort()).toEqual(
      ['complete', 'due-soon', 'expired', 'grace', 'in-progress', 'permanent', 'valid'].sort(),
    );
  });

  it('agrees on the edges: leap-day earned dates, printed expiries and cycle boundaries', () => {
    const columns = syntheticPopulation(shipped.ruleSet, shipped.vocab, {
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
    const first = evaluatePopulation(columns, shipped.compiled, toEpochDay('2024-02-29'));
    const edges = new Set<number>();
    for (let h = 0; h < columns.holdings && edges.size < 12; h++) {
      const end = first.cycleEnd[h]!;
      if (end !== NONE && columns.holdingPrinted[h] === NO_DAY)
        for (const d of [-1, 0, 1, 90, 91]) edges.add(end + d);
    }
    for (const day of [toEpochDay('2024-02-29'), ...edges]) expectAgreement(shipped, columns, day);
  });
});

interface HandCompletion {
  day: string;
  units: number;
  category?: string;
  type?: string;
  event?: number;
  activity?: number;
}

/** One person's columns, written out by hand for cases random data reaches too rarely. */
function person(
  rules: Rules,
  holdings: { credential: string; earned: string; renewals?: string[]; completions?: HandCompletion[] }[],
): PopulationColumns {
  const { vocab } = rules;
  const completions = holdings.flatMap((h) => h.completions ?? []);
  const renewals = holdings.flatMap((h) => h.renewals ?? []);
  const offsets = (counts: number[]) =>
    Int32Array.from([0, ...counts.map((_, i) => counts.slice(0, i + 1).reduce((s, c) => s + c, 0))]);
  return {
    persons: 1,
    holdings: holdings.length,
    completions: completions.length,
    personHoldingStart: Int32Array.from([0, holdings.length]),
    holdingCredential: Int32Array.from(holdings.map((h) => vocab.credentialIndex.get(h.credential)!)),
    holdingEarned: Int32Array.from(holdings.map((h) => toEpochDay(h.earned))),
    holdingPrinted: new Int32Array(holdings.length).fill(NO_DAY),
    holdingHandsOn: new Uint8Array(holdings.length),
    holdingRenewalStart: offsets(holdings.map((h) => h.renewals?.length ?? 0)),
    renewalDay: Int32Array.from(renewals.map(toEpochDay)),
    renewalKind: new Uint8Array(renewals.length),
    holdingCompletionStart: offsets(holdings.map((h) => h.completions?.length ?? 0)),
    completionDay: Int32Array.from(completions.map((c) => toEpochDay(c.day))),
    completionUnits: Int32Array.from(completions.map((c) => c.units)),
    completionCategory: Uint8Array.from(completions.map((c) => vocab.categories.indexOf(c.category ?? ''))),
    completionTopic: new Uint8Array(completions.length),
    completionProvider: new Uint8Array(completions.length),
    completionType: Uint8Array.from(
      completions.map((c) => vocab.types.indexOf((c.type ?? 'course') as never)),
    ),
    completionStatus: new Uint8Array(completions.length),
    completionActivity: Int32Array.from(completions.map((c, i) => c.activity ?? i)),
    completionEvent: Int32Array.from(completions.map((c) => c.event ?? 0)),
    completionHiddenFrom: new Int32Array(completions.length),
  };
}

describe('evaluatePopulation on hand-written cases', () => {
  it('a per-event cap that binds inside a cycle cap that does not, under a minimum, goes to the exact model', () => {
    // hard.nest: the category A minimum (0.5) looks into A, whose event cap (0.3) cuts an event.
    const columns = person(hard, [
      {
        credential: 'hard.nest',
        earned: '2020-01-10',
        completions: [
          { day: '2021-03-01', units: 300, category: 'A', type: 'conference', event: 1 },
          { day: '2021-03-02', units: 300, category: 'A', type: 'conference', event: 1 },
          { day: '2021-04-01', units: 600, category: 'B' },
          { day: '2021-05-01', units: 300, category: 'B' },
        ],
      },
    ]);
    const result = expectAgreement(hard, columns, toEpochDay('2021-06-01'));
    expect(result.exactFallbacks).toBe(1);
    // A counts 0.3 of its 0.6: the minimum is short by 0.2, so nothing is complete.
    expect(STATUS_NAMES[result.status[0]!]).not.toBe('complete');
  });

  it('caps exactly reached count in full, one thousandth over is cut', () => {
    for (const [units, counted] of [
      [400, 1000],
      [401, 1000],
    ] as const) {
      // hard.tight, first cycle: C is capped at 0.4.
      const columns = person(hard, [
        {
          credential: 'hard.tight',
          earned: '2020-01-10',
          completions: [
            { day: '2020-03-01', units: 300, category: 'A' },
            { day: '2020-04-01', units: 300, category: 'B' },
            { day: '2020-05-01', units, category: 'C' },
          ],
        },
      ]);
      const result = expectAgreement(hard, columns, toEpochDay('2020-06-01'));
      expect(result.counted[0]).toBe(counted);
    }
  });

  it('with several category rules, missing is sized by the strictest', () => {
    // hard.tight, second cycle: two categories used (A at its 0.8 cap), rules for 2 and 3; the total is met.
    const columns = person(hard, [
      {
        credential: 'hard.tight',
        earned: '2020-01-10',
        renewals: ['2021-01-20'],
        completions: [
          { day: '2021-03-01', units: 300, category: 'A' },
          { day: '2021-03-02', units: 300, category: 'A' },
          { day: '2021-03-03', units: 300, category: 'A' },
          { day: '2021-04-01', units: 600, category: 'B' },
        ],
      },
    ]);
    const result = expectAgreement(hard, columns, toEpochDay('2021-06-01'));
    expect(STATUS_NAMES[result.status[0]!]).toBe('in-progress');
    expect(result.missing[0]).toBe(1);
  });

  it('a holding with more credits and cap groups than the scratch first holds', () => {
    // hard.vol: 70 one-credit volunteering events in one year, over the 0.6 per-year cap.
    const completions: HandCompletion[] = [];
    for (let i = 0; i < 70; i++) {
      completions.push({ day: toIsoDate(toEpochDay('2021-02-01') + i), units: 10, type: 'volunteering' });
    }
    const columns = person(hard, [{ credential: 'hard.vol', earned: '2020-06-01', completions }]);
    const result = expectAgreement(hard, columns, toEpochDay('2021-06-01'));
    expect(result.counted[0]).toBe(600);
  });
});
