/**
 * Engine semantics, one pattern of product brief §4 at a time, on small
 * inline rule sets that state exactly the rules each test exercises. The
 * same patterns on the shipped catalog are in golden.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ProfileInput } from '../profile/schema.ts';
import { evaluate } from './evaluate.ts';
import type { HoldingResult } from './result.ts';
import { profileOf, ruleSetOf } from './testing.ts';

const CARDS = `
body: { id: card, name: Card body }
credentials:
  - id: card.cpr
    name: CPR AED card
    kind: card
    covers: [adult-cpr, aed]
    handsOn: true
    validity: { months: 24, anchor: end-of-month, sources: [S-T-1], confidence: high }
  - id: card.online
    name: Online CPR card
    kind: card
    covers: [adult-cpr, aed]
    handsOn: false
    validity: { months: 24, anchor: rolling, sources: [S-T-1], confidence: high }
`;

const ROLLING = `
body: { id: roll, name: Rolling body, providerNames: [Roll] }
credentials:
  - id: roll.cpt
    name: Rolling CPT
    kind: certification
    unit: { code: CEU, name: unit, perHour: "0.1", sources: [S-T-1], confidence: high }
    policies:
      - version: "1"
        effectiveFrom: 2000-01-01
        cycle: { anchor: rolling, months: 24, sources: [S-T-1], confidence: high }
        requirements:
          - { kind: total, units: "2.0", sources: [S-T-1], confidence: high }
          - { kind: card, units: "0.1", handsOn: true, sources: [S-T-1], confidence: high }
          - { kind: late-credit, days: 90, sources: [S-T-1], confidence: high }
        lateRenewal:
          graceDays: 365
          afterLapse: retake-exam
          sources: [S-T-1]
          confidence: high
          bands:
            - { fromDay: 1, toDay: 90, fee: 30, sources: [S-T-1], confidence: medium }
            - { fromDay: 91, toDay: 365, fee: 50, sources: [S-T-1], confidence: medium }
        fees:
          - { kind: renewal, amount: 99, sources: [S-T-1], confidence: medium }
          - { kind: lifetime, amount: 399, waives: [renewal], sources: [S-T-1], confidence: low }
  - id: roll.spec1
    name: Specialization One
    kind: specialization
    creditsToward:
      - { credential: roll.cpt, units: "1.9", sources: [S-T-1], confidence: low }
  - id: roll.spec2
    name: Specialization Two
    kind: specialization
    creditsToward:
      - { credential: roll.cpt, units: "1.9", sources: [S-T-1], confidence: low }
offerings:
  - id: roll.spec1-course
    title: Specialization One course
    provider: Roll
    price: 699
    grants: roll.spec1
    credits:
      - { credential: roll.cpt, units: 1.9 }
  - id: roll.webinar
    title: Stretching webinar
    provider: Roll
    credits:
      - { credential: roll.cpt, units: 0.2 }
`;

const ruleSet = ruleSetOf(CARDS, ROLLING);

function status(input: ProfileInput, asOf: string, rs = ruleSet): HoldingResult[] {
  return evaluate(profileOf(input), rs, asOf).holdings;
}

const card = (earned: string) => ({ credential: 'card.cpr', earned });

describe('cycle anchors and the date conventions', () => {
  it('a rolling cycle ends the same day N months later, clamped (earned Feb 29 → Feb 28)', () => {
    const [cpt] = status({ holdings: [{ credential: 'roll.cpt', earned: '2024-02-29' }] }, '2025-01-01');
    expect(cpt!.cycle).toMatchObject({ index: 0, start: '2024-02-29', end: '2026-02-28' });
  });

  it('after a renewal the next cycle starts on the previous end', () => {
    const [cpt] = status(
      { holdings: [{ credential: 'roll.cpt', earned: '2024-02-29', renewals: ['2026-02-01'] }] },
      '2026-06-01',
    );
    expect(cpt!.cycle).toMatchObject({ index: 1, start: '2026-02-28', end: '2028-02-28' });
  });

  it('a printed expiry wins over the computed one and the disagreement is reported', () => {
    const [cpt] = status(
      { holdings: [{ credential: 'roll.cpt', earned: '2024-03-15', expires: '2026-03-31' }] },
      '2025-01-01',
    );
    expect(cpt!.cycle).toMatchObject({ end: '2026-03-31', computedEnd: '2026-03-15' });
    expect(cpt!.findings.map((f) => f.code)).toContain('expiry-mismatch');
  });

  it('a printed expiry that agrees raises no finding', () => {
    const [cpt] = status(
      { holdings: [{ credential: 'roll.cpt', earned: '2024-03-15', expires: '2026-03-15' }] },
      '2025-01-01',
    );
    expect(cpt!.findings.map((f) => f.code)).not.toContain('expiry-mismatch');
  });

  it('CE dated on the start or the end date counts; a day outside does not', () => {
    const completions = ['2024-03-14', '2024-03-15', '2026-03-15', '2026-03-16'].map((completed) => ({
      title: `course ${completed}`,
      completed,
      credits: [{ credential: 'roll.cpt', units: '0.5' }],
    }));
    const [cpt] = status(
      { holdings: [{ credential: 'roll.cpt', earned: '2024-03-15' }], completions },
      '2026-03-15',
    );
    expect(cpt!.allocations.filter((a) => a.completion !== null).map((a) => [a.date, a.reason])).toEqual([
      ['2024-03-14', 'before-earned'],
      ['2024-03-15', 'counted'],
      ['2026-03-15', 'counted'],
      ['2026-03-16', 'future-dated'],
    ]);
    expect(cpt!.counted).toBe('1.0');
  });
});

describe('the seed scenario (product brief §1)', () => {
  const holdings = [
    { credential: 'roll.cpt', earned: '2024-03-15' },
    { credential: 'roll.spec1', earned: '2024-09-01' },
    card('2025-06-10'),
  ];

  it('CPT + one specialization (1.9) + a CPR/AED card (0.1) is exactly 2.0: complete', () => {
    const [cpt, spec, cpr] = status({ holdings }, '2025-12-01');
    expect(cpt).toMatchObject({ status: 'complete', required: '2.0', counted: '2.0', missing: '0.0' });
    expect(spec!.status).toBe('permanent');
    expect(cpr!.status).toBe('valid');
    expect(cpt!.allocations.map((a) => [a.ref, a.counted])).toEqual([
      ['holding:roll.spec1', '1.9'],
      ['card:card.cpr', '0.1'],
    ]);
  });

  it('taking both specializations in the first cycle wastes the second: the next cycle starts from zero', () => {
    const both = [...holdings, { credential: 'roll.spec2', earned: '2025-01-10' }];
    const [first] = status({ holdings: both }, '2026-03-01');
    expect(first).toMatchObject({ status: 'complete', counted: '3.9' });
    const renewed = [{ ...both[0]!, renewals: ['2026-03-01'] }, ...both.slice(1)];
    const [next] = status({ holdings: renewed }, '2026-04-01');
    expect(next!.cycle).toMatchObject({ index: 1, start: '2026-03-15', end: '2028-03-15' });
    expect(next).toMatchObject({ status: 'in-progress', counted: '0.0', missing: '2.0' });
    expect(next!.allocations.filter((a) => a.ref.startsWith('holding:')).map((a) => a.reason)).toEqual([
      'outside-window',
      'outside-window',
    ]);
  });

  it('the course that granted a held specialization is the same event and never counts twice', () => {
    const [cpt] = status(
      { holdings, completions: [{ activity: 'roll.spec1-course', completed: '2024-09-01' }] },
      '2025-12-01',
    );
    expect(cpt!.counted).toBe('2.0');
    expect(cpt!.allocations.find((a) => a.completion === 0)?.reason).toBe('same-event');
  });

  it('the same course without the specialization held counts through its catalog credits', () => {
    const [cpt] = status(
      {
        holdings: [holdings[0]!, holdings[2]!],
        completions: [{ activity: 'roll.spec1-course', completed: '2024-09-01' }],
      },
      '2025-12-01',
    );
    expect(cpt).toMatchObject({ status: 'complete', counted: '2.0' });
  });
});

describe('mandatory CPR/AED card', () => {
  const base = { credential: 'roll.cpt', earned: '2024-03-15' };
  const ce = [{ title: 'CE', completed: '2025-01-01', credits: [{ credential: 'roll.cpt', units: '1.9' }] }];

  it('no card: the 0.1 it is worth is missing and the next action says to get one', () => {
    const [cpt] = status({ holdings: [base], completions: ce }, '2025-06-01');
    expect(cpt).toMatchObject({ status: 'in-progress', counted: '1.9', missing: '0.1' });
    expect(cpt!.requirements.find((r) => r.kind === 'card')?.met).toBe(false);
    expect(cpt!.nextActions.map((a) => a.code)).toContain('renew-card');
  });

  it('a card that expires before the cycle end does not satisfy the check on the cycle end', () => {
    // Issued 2023-12-05, valid through 2025-12-31; the cycle ends 2026-03-15.
    const [cpt] = status({ holdings: [base, card('2023-12-05')], completions: ce }, '2025-06-01');
    expect(cpt!.requirements.find((r) => r.kind === 'card')?.met).toBe(false);
    expect(cpt!.nextActions.find((a) => a.code === 'renew-card')?.message).toContain('2025-12-31');
  });

  it('a card valid through the end of the month is valid on that last day', () => {
    // Issued 2024-03-01 → valid through 2026-03-31, covering the 2026-03-15 check.
    const holdings = [base, { credential: 'roll.spec1', earned: '2024-09-01' }, card('2024-03-01')];
    const [cpt] = status({ holdings }, '2026-03-15');
    expect(cpt!.status).toBe('complete');
    const [, , cpr] = status({ holdings }, '2026-03-31');
    expect(cpr).toMatchObject({ status: 'due-soon', daysLeft: 0, cycle: { end: '2026-03-31' } });
    const [, , later] = status({ holdings }, '2026-04-01');
    expect(later!.status).toBe('expired');
  });

  it('a card without the hands-on skills check does not count where hands-on is required', () => {
    const [cpt] = status(
      { holdings: [base, { credential: 'card.online', earned: '2025-01-01' }], completions: ce },
      '2025-06-01',
    );
    expect(cpt!.requirements.find((r) => r.kind === 'card')?.description).toContain('hands-on');
    expect(cpt).toMatchObject({ missing: '0.1' });
  });

  it('a retaken card (a renewal of the card) is valid from its new issue date', () => {
    const [cpt] = status(
      { holdings: [base, { ...card('2023-12-05'), renewals: ['2025-11-20'] }], completions: ce },
      '2025-12-01',
    );
    expect(cpt).toMatchObject({ status: 'complete', counted: '2.0' });
  });
});

describe('late renewal, grace and lapse', () => {
  const holdings = [{ credential: 'roll.cpt', earned: '2024-03-15' }, card('2025-06-10')];
  const ce = (completed: string) => ({
    title: `CE ${completed}`,
    completed,
    credits: [{ credential: 'roll.cpt', units: '1.9' }],
  });

  it.each([
    ['2026-03-15', 'due-soon', []],
    ['2026-03-16', 'grace', [30]],
    ['2026-06-13', 'grace', [30]],
    ['2026-06-14', 'grace', [50]],
    ['2027-03-15', 'grace', [50]],
    ['2027-03-16', 'expired', []],
  ] as const)('as of %s the status is %s with late fees %j', (asOf, expected, lateFees) => {
    const [cpt] = status({ holdings }, asOf);
    expect(cpt!.status).toBe(expected);
    expect(cpt!.fees.filter((f) => f.kind === 'late').map((f) => f.amount)).toEqual(lateFees);
  });

  it('CE finished up to 90 days after expiry counts for the late renewal; later CE does not', () => {
    const [within] = status({ holdings, completions: [ce('2026-06-13')] }, '2026-07-01');
    expect(within).toMatchObject({ status: 'grace', counted: '2.0', missing: '0.0' });
    expect(within!.cycle?.lateCreditEnd).toBe('2026-06-13');
    const [after] = status({ holdings, completions: [ce('2026-06-14')] }, '2026-07-01');
    expect(after).toMatchObject({ counted: '0.1', missing: '1.9' });
    expect(after!.allocations.find((a) => a.completion === 0)?.reason).toBe('outside-window');
  });

  it('late CE does not count while the cycle is still open', () => {
    const [open] = status({ holdings, completions: [ce('2026-04-01')] }, '2026-03-15');
    expect(open!.allocations.find((a) => a.completion === 0)?.reason).toBe('future-dated');
  });

  it('an expired certification says to retake the exam', () => {
    const [cpt] = status({ holdings }, '2027-06-01');
    expect(cpt!.nextActions[0]?.code).toBe('retake-exam');
  });
});

describe('petitions', () => {
  const holdings = [{ credential: 'roll.cpt', earned: '2024-03-15' }, card('2025-06-10')];
  it.each([
    ['approved', 'counted', '1.0'],
    ['pending', 'pending-petition', '0.1'],
    ['denied', 'petition-denied', '0.1'],
  ] as const)('a %s petition is %s', (petition, reason, counted) => {
    const [cpt] = status(
      {
        holdings,
        completions: [
          {
            title: 'Kettlebell',
            provider: 'Local',
            completed: '2025-02-02',
            credits: [{ credential: 'roll.cpt', units: '0.9', status: petition }],
          },
        ],
      },
      '2025-07-01',
    );
    expect(cpt!.allocations.find((a) => a.completion === 0)?.reason).toBe(reason);
    expect(cpt!.counted).toBe(counted);
  });

  it('CE from no approved provider is listed as not approved', () => {
    const [cpt] = status(
      { holdings, completions: [{ title: 'Yoga', completed: '2025-02-02', hours: 5 }] },
      '2025-06-01',
    );
    expect(cpt!.allocations.find((a) => a.completion === 0)).toMatchObject({
      reason: 'not-approved',
      counted: '0.0',
    });
  });
});

describe('fees', () => {
  it('a lifetime plan waives the renewal fee but not the CE', () => {
    const [cpt] = status(
      { holdings: [{ credential: 'roll.cpt', earned: '2024-03-15', lifetimePlan: true }] },
      '2025-06-01',
    );
    expect(cpt!.fees).toEqual([]);
    expect(cpt!.missing).toBe('2.0');
    const [plain] = status({ holdings: [{ credential: 'roll.cpt', earned: '2024-03-15' }] }, '2025-06-01');
    expect(plain!.fees.map((f) => [f.kind, f.amount])).toEqual([['renewal', 99]]);
  });
});

describe('statuses', () => {
  it('due-soon inside the threshold, in-progress outside it; the threshold is configurable', () => {
    const input = { holdings: [{ credential: 'roll.cpt', earned: '2024-03-15' }] };
    expect(status(input, '2025-12-15')[0]!.status).toBe('due-soon');
    expect(status(input, '2025-12-14')[0]!.status).toBe('in-progress');
    const wide = evaluate(profileOf(input), ruleSet, '2025-10-01', { dueSoonDays: 180 }).holdings[0];
    expect(wide!.status).toBe('due-soon');
  });

  it('an unknown credential is reported, not thrown', () => {
    const result = evaluate(
      profileOf({ holdings: [{ credential: 'nope.cpt', earned: '2024-01-01' }] }),
      ruleSet,
      '2025-01-01',
    );
    expect(result.holdings[0]!.status).toBe('unknown');
    expect(result.findings.map((f) => f.code)).toContain('unknown-credential');
  });

  it('names the rule version and the sources used, and marks low-confidence facts', () => {
    const [cpt] = status(
      {
        holdings: [
          { credential: 'roll.cpt', earned: '2024-03-15' },
          { credential: 'roll.spec1', earned: '2024-09-01' },
        ],
      },
      '2025-01-01',
    );
    expect(cpt!.ruleVersion).toBe('roll.cpt@1');
    expect(cpt!.sources.map((s) => s.id)).toEqual(['S-T-1']);
    expect(cpt!.lowConfidence.map((f) => f.fact)).toEqual(['Specialization One counts toward roll.cpt']);
    expect(cpt!.findings.map((f) => f.code)).toContain('low-confidence');
  });
});
