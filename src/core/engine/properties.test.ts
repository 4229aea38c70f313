/**
 * Properties that must hold for every profile (product brief §8):
 * adding a completion never lowers `counted` nor raises `missing`; the order
 * of completions never changes a result; the same input gives the same
 * output; and moving the as-of date forward never turns `expired` back into
 * `complete` without a renewal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysIso } from '../dates.ts';
import type { CompletionInput, ProfileInput } from '../profile/schema.ts';
import { parseUnits } from '../units.ts';
import { evaluate } from './evaluate.ts';
import { CARDS, CATEGORIES, CONVERT, ETHICS, YEARLY } from './fixtures.ts';
import { profileOf, ruleSetOf } from './testing.ts';

const ruleSet = ruleSetOf(CARDS, ETHICS, CATEGORIES, YEARLY, CONVERT);
const CREDENTIALS = ['eth.cpt', 'eth.gfi', 'cat.cscs', 'yr.ep', 'conv.pt', 'conv.annual'];

const day = (from: string, span: number) => fc.integer({ min: 0, max: span }).map((n) => addDaysIso(from, n));
const units = fc.integer({ min: 0, max: 40 }).map((n) => (n / 10).toFixed(1));

const completion: fc.Arbitrary<CompletionInput> = fc.record(
  {
    title: fc.constantFrom('Workshop', 'Conference', 'Ethics hour', 'Quiz', 'Committee', 'Course'),
    completed: day('2021-01-01', 2500),
    type: fc.constantFrom('course', 'college', 'volunteering', 'conference'),
    provider: fc.constantFrom('CONV', 'ETH', 'Other'),
    event: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'),
    hours: fc.integer({ min: 1, max: 12 }),
    credits: fc.array(
      fc.record({
        credential: fc.constantFrom(...CREDENTIALS),
        units,
        category: fc.constantFrom('A', 'B', 'C', 'D'),
        topic: fc.constantFrom('ethics', 'general'),
        status: fc.constantFrom('approved', 'approved', 'approved', 'pending', 'denied'),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: ['title', 'completed', 'credits'] },
) as fc.Arbitrary<CompletionInput>;

const profile: fc.Arbitrary<ProfileInput> = fc.record({
  holdings: fc.uniqueArray(
    fc.record({
      credential: fc.constantFrom(...CREDENTIALS, 'card.cpr'),
      earned: day('2020-06-01', 1500),
    }),
    { minLength: 1, maxLength: 4, selector: (h) => h.credential },
  ),
  completions: fc.array(completion, { maxLength: 8 }),
});

const asOf = day('2021-06-01', 2200);

const summary = (input: ProfileInput, date: string) =>
  evaluate(profileOf(input), ruleSet, date).holdings.map((h) => ({
    credential: h.credential,
    status: h.status,
    counted: h.counted,
    missing: h.missing,
    required: h.required,
  }));

describe('engine properties', () => {
  it('adding a completion never lowers counted and never raises missing', () => {
    fc.assert(
      fc.property(profile, completion, asOf, (input, extra, date) => {
        const before = summary(input, date);
        const after = summary({ ...input, completions: [...(input.completions ?? []), extra] }, date);
        before.forEach((b, i) => {
          const a = after[i]!;
          if (b.counted !== undefined && a.counted !== undefined) {
            expect(parseUnits(a.counted)).toBeGreaterThanOrEqual(parseUnits(b.counted));
          }
          if (b.missing !== undefined && a.missing !== undefined) {
            expect(parseUnits(a.missing)).toBeLessThanOrEqual(parseUnits(b.missing));
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the order of completions never changes a result', () => {
    fc.assert(
      fc.property(profile, asOf, fc.nat(), (input, date, seed) => {
        const completions = [...(input.completions ?? [])];
        // A deterministic shuffle driven by the generated seed.
        let s = seed;
        for (let i = completions.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) % 2 ** 31;
          const j = s % (i + 1);
          [completions[i], completions[j]] = [completions[j]!, completions[i]!];
        }
        expect(summary({ ...input, completions }, date)).toEqual(summary(input, date));
      }),
      { numRuns: 300 },
    );
  });

  it('the same input always gives the same output, and the input is not mutated', () => {
    fc.assert(
      fc.property(profile, asOf, (input, date) => {
        const parsed = profileOf(input);
        const frozen = structuredClone(parsed);
        const first = evaluate(parsed, ruleSet, date);
        const second = evaluate(parsed, ruleSet, date);
        expect(second).toEqual(first);
        expect(parsed).toEqual(frozen);
      }),
      { numRuns: 150 },
    );
  });

  it('moving the as-of date forward never turns expired back into complete without a renewal', () => {
    fc.assert(
      fc.property(profile, asOf, fc.integer({ min: 1, max: 1500 }), (input, date, later) => {
        const before = summary(input, date);
        const after = summary(input, addDaysIso(date, later));
        before.forEach((b, i) => {
          if (b.status === 'expired') expect(after[i]!.status).toBe('expired');
        });
      }),
      { numRuns: 300 },
    );
  });
});
