/**
 * Caps, minimums, sharing, conversions, windows and the other anchors, on
 * inline rule sets modelled on the bodies that use each pattern.
 */
import { describe, expect, it } from 'vitest';
import type { ProfileInput } from '../profile/schema.ts';
import { evaluate } from './evaluate.ts';
import { CARDS, CATEGORIES, CONVERT, ETHICS, S, YEARLY } from './fixtures.ts';
import type { HoldingResult } from './result.ts';
import { profileOf, ruleSetOf } from './testing.ts';

const ruleSet = ruleSetOf(CARDS, ETHICS, CATEGORIES, YEARLY, CONVERT);

function evaluateOne(input: ProfileInput, asOf: string): HoldingResult {
  return evaluate(profileOf(input), ruleSet, asOf).holdings[0]!;
}

const credit = (credential: string, units: string, extra: Record<string, string> = {}) => ({
  credential,
  units,
  ...extra,
});

describe('minimums by topic, and effective-dated rule versions', () => {
  const general = { title: 'General', completed: '2024-03-01', credits: [credit('eth.cpt', '2.0')] };
  const ethics = {
    title: 'Ethics hour',
    completed: '2024-04-01',
    credits: [credit('eth.cpt', '0.1', { topic: 'ethics' })],
  };

  it('2.0 general CECs and no ethics hour is missing 0.1, not 0', () => {
    const cpt = evaluateOne(
      { holdings: [{ credential: 'eth.cpt', earned: '2023-10-10' }], completions: [general] },
      '2024-06-01',
    );
    expect(cpt).toMatchObject({
      status: 'in-progress',
      counted: '2.0',
      missing: '0.1',
      ruleVersion: 'eth.cpt@2023',
    });
    expect(cpt.cycle).toMatchObject({ start: '2023-10-10', end: '2025-10-31' });
    expect(cpt.requirements.find((r) => r.kind === 'minimum')).toMatchObject({
      required: '0.1',
      counted: '0.0',
      met: false,
    });
  });

  it('with an ethics hour it is complete', () => {
    const cpt = evaluateOne(
      { holdings: [{ credential: 'eth.cpt', earned: '2023-10-10' }], completions: [general, ethics] },
      '2024-06-01',
    );
    expect(cpt).toMatchObject({ status: 'complete', counted: '2.1', missing: '0.0' });
  });

  it('a cycle ending before the ethics rule took effect is governed by the older version', () => {
    const cpt = evaluateOne(
      {
        holdings: [{ credential: 'eth.cpt', earned: '2021-06-15' }],
        completions: [{ ...general, completed: '2022-03-01' }],
      },
      '2023-05-01',
    );
    expect(cpt).toMatchObject({ status: 'complete', ruleVersion: 'eth.cpt@2019' });
  });
});

describe('sharing one completion across credentials', () => {
  it('counts toward every credential it is approved for, entered once', () => {
    const result = evaluate(
      profileOf({
        holdings: [
          { credential: 'eth.cpt', earned: '2023-10-10' },
          { credential: 'eth.gfi', earned: '2024-01-05' },
          { credential: 'conv.pt', earned: '2024-01-05' },
        ],
        completions: [{ title: 'Workshop', completed: '2024-05-01', credits: [credit('eth.cpt', '0.8')] }],
      }),
      ruleSet,
      '2024-06-01',
    );
    const [cpt, gfi, pt] = result.holdings;
    expect(cpt!.counted).toBe('0.8');
    expect(gfi!.counted).toBe('0.8'); // same body: accepted unit for unit
    expect(pt!.counted).toBe('8.0'); // another body: 0.1 CEC = 1.0 CEC by the conversion table
    expect(pt!.allocations[0]!.message).toContain('eth.cpt');
  });

  it('a course repeated in the same cycle counts once where the body forbids repeats', () => {
    const course = {
      activity: 'eth.course',
      title: 'Functional training',
      completed: '2024-02-01',
      credits: [credit('eth.cpt', '0.5')],
    };
    const cpt = evaluateOne(
      {
        holdings: [{ credential: 'eth.cpt', earned: '2023-10-10' }],
        completions: [course, { ...course, completed: '2024-08-01' }],
      },
      '2024-09-01',
    );
    expect(cpt.counted).toBe('0.5');
    expect(cpt.allocations.map((a) => a.reason)).toEqual(['counted', 'repeat']);
  });

  it('caps a college petition at 2.0 per completion', () => {
    const cpt = evaluateOne(
      {
        holdings: [{ credential: 'eth.cpt', earned: '2023-10-10' }],
        completions: [
          {
            title: 'Kinesiology 301',
            type: 'college',
            completed: '2024-05-01',
            credits: [credit('eth.cpt', '3.0')],
          },
        ],
      },
      '2024-06-01',
    );
    expect(cpt.counted).toBe('2.0');
    expect(cpt.allocations[0]).toMatchObject({ offered: '3.0', counted: '2.0' });
  });
});

describe('fixed shared periods with proration, category caps and categories', () => {
  // Someone certified before the period renewed at the end of each earlier period.
  const nsca = (earned: string) => ({
    credential: 'cat.cscs',
    earned,
    renewals: ['2020-12-15', '2023-12-20'].filter((d) => d > earned),
  });

  it.each([
    ['2020-05-01', '6.0', '2024-01-01'],
    ['2024-03-10', '4.0', '2024-03-10'],
    ['2025-02-01', '2.0', '2025-02-01'],
    ['2026-03-01', '1.0', '2026-03-01'],
    ['2026-08-01', '0.0', '2026-08-01'],
  ])('certified %s: %s required in 2024–2026, counting from %s', (earned, required, start) => {
    const cscs = evaluateOne({ holdings: [nsca(earned)] }, '2026-09-01');
    expect(cscs.required).toBe(required);
    expect(cscs.cycle).toMatchObject({ start, end: '2026-12-31' });
  });

  it('units over a category cap do not count, and the rest must come from another category', () => {
    const completions = [0, 1, 2].map((i) => ({
      title: `Conference ${i}`,
      completed: `2024-0${i + 2}-01`,
      credits: [credit('cat.cscs', '2.0', { category: 'A' })],
    }));
    const cscs = evaluateOne({ holdings: [nsca('2020-05-01')], completions }, '2025-01-01');
    expect(cscs).toMatchObject({ counted: '5.5', missing: '0.5' });
    expect(cscs.requirements.find((r) => r.kind === 'min-categories')).toMatchObject({
      counted: '1',
      met: false,
    });
  });

  it('caps a single event at 2.0 in category A', () => {
    const completions = [
      {
        title: 'Day 1',
        event: 'national-conf',
        completed: '2024-07-10',
        credits: [credit('cat.cscs', '1.5', { category: 'A' })],
      },
      {
        title: 'Day 2',
        event: 'national-conf',
        completed: '2024-07-11',
        credits: [credit('cat.cscs', '1.5', { category: 'A' })],
      },
      { title: 'Quiz', completed: '2024-08-01', credits: [credit('cat.cscs', '0.2', { category: 'D' })] },
    ];
    const cscs = evaluateOne({ holdings: [nsca('2020-05-01')], completions }, '2025-01-01');
    expect(cscs.counted).toBe('2.2');
    expect(
      cscs.allocations
        .slice(0, 2)
        .map((a) => a.counted)
        .sort(),
    ).toEqual(['0.5', '1.5']);
  });

  it('converts college credit hours by the table (0.5 per semester hour, 0.3 per quarter hour)', () => {
    const cscs = evaluateOne(
      {
        holdings: [nsca('2020-05-01')],
        completions: [
          { title: 'Exercise physiology', completed: '2024-05-01', college: { semesterHours: 3 } },
          { title: 'Nutrition', completed: '2024-09-01', college: { quarterHours: 4 } },
        ],
      },
      '2025-01-01',
    );
    expect(cscs.allocations.map((a) => a.offered)).toEqual(['1.5', '1.2']);
  });

  it('CE before the certification date does not count, even inside the period', () => {
    const cscs = evaluateOne(
      {
        holdings: [nsca('2024-06-01')],
        completions: [
          {
            title: 'Early',
            completed: '2024-02-01',
            credits: [credit('cat.cscs', '1.0', { category: 'C' })],
          },
        ],
      },
      '2025-01-01',
    );
    expect(cscs.allocations[0]!.reason).toBe('before-earned');
  });
});

describe('the best valid allocation, not a greedy one', () => {
  const BEST = `
body: { id: best, name: Allocation body }
credentials:
  - id: best.cpt
    name: Allocation CPT
    kind: certification
    unit: { code: CEU, name: unit, ${S} }
    policies:
      - version: "1"
        effectiveFrom: 2000-01-01
        cycle: { anchor: rolling, months: 24, ${S} }
        categories: [{ code: A, name: Attendance }, { code: B, name: Other }]
        topics: [{ code: ethics, name: ethics }]
        requirements:
          - { kind: total, units: "1.0", ${S} }
          - { kind: cap, units: "1.0", where: { category: A }, ${S} }
          - { kind: minimum, units: "0.5", where: { topic: ethics }, ${S} }
`;
  const rs = ruleSetOf(BEST);

  it('fills a shared cap with the credit a minimum needs first, whatever the order of completions', () => {
    const general = {
      title: 'General',
      completed: '2024-02-01',
      credits: [credit('best.cpt', '1.0', { category: 'A' })],
    };
    const ethics = {
      title: 'Ethics',
      completed: '2024-03-01',
      credits: [credit('best.cpt', '0.5', { category: 'A', topic: 'ethics' })],
    };
    for (const completions of [
      [general, ethics],
      [ethics, general],
    ]) {
      const [cpt] = evaluate(
        profileOf({ holdings: [{ credential: 'best.cpt', earned: '2024-01-01' }], completions }),
        rs,
        '2024-06-01',
      ).holdings;
      expect(cpt).toMatchObject({ status: 'complete', counted: '1.0', missing: '0.0' });
      expect(cpt!.allocations.find((a) => a.title === 'Ethics')?.counted).toBe('0.5');
      expect(cpt!.allocations.find((a) => a.title === 'General')).toMatchObject({
        counted: '0.5',
        reason: 'partly-counted-over-cap',
      });
    }
  });
});

describe('year-end cycles, per-year and per-cycle caps, reinstatement', () => {
  const holding = { credential: 'yr.ep', earned: '2021-03-05' };
  const volunteering = (year: number, units: string) => ({
    title: `Committee ${year}`,
    type: 'volunteering' as const,
    completed: `${year}-06-01`,
    credits: [credit('yr.ep', units)],
  });

  it('ends on December 31 three years on and grants a six-month grace to June 30', () => {
    const ep = evaluateOne({ holdings: [holding] }, '2025-03-01');
    expect(ep.cycle).toMatchObject({ start: '2021-03-05', end: '2024-12-31', graceEnd: '2025-06-30' });
    expect(ep.status).toBe('grace');
    expect(ep.fees.map((f) => [f.kind, f.amount])).toContainEqual(['late', 80]);
    expect(evaluateOne({ holdings: [holding] }, '2025-07-01').status).toBe('expired');
  });

  it('counts volunteering up to 8 per year and 24 per cycle', () => {
    const ep = evaluateOne(
      { holdings: [holding], completions: [2021, 2022, 2023, 2024].map((y) => volunteering(y, '10')) },
      '2024-12-01',
    );
    expect(ep.counted).toBe('24.0');
    const some = evaluateOne(
      { holdings: [holding], completions: [volunteering(2022, '10'), volunteering(2023, '2')] },
      '2024-12-01',
    );
    expect(some.counted).toBe('10.0');
  });

  it('a reinstatement starts a new cycle on its approval date', () => {
    const reinstated = { ...holding, renewals: [{ date: '2025-09-15', kind: 'reinstatement' as const }] };
    const ep = evaluateOne({ holdings: [reinstated] }, '2025-10-01');
    expect(ep.cycle).toMatchObject({ index: 1, start: '2025-09-15', end: '2028-12-31' });
    expect(ep.status).toBe('in-progress');
    const expired = evaluateOne({ holdings: [holding] }, '2025-10-01');
    expect(expired.fees.map((f) => [f.kind, f.amount])).toEqual([['reinstatement', 165]]);
    expect(expired.nextActions[0]?.code).toBe('reinstate');
  });
});

describe('own-provider minimums, submission-dated card checks, conditional fees, first-year exemption', () => {
  const card = (earned: string) => ({ credential: 'card.cpr', earned });
  const own = (units: string, completed = '2024-06-01') => ({
    title: `Own course ${units}`,
    provider: 'CONV',
    completed,
    credits: [credit('conv.pt', units)],
  });

  it('needs 6 units from the body itself, however much else there is', () => {
    const pt = evaluateOne(
      {
        holdings: [{ credential: 'conv.pt', earned: '2024-01-05' }, card('2024-05-01')],
        completions: [
          own('4'),
          { title: 'Other', provider: 'Else', completed: '2024-07-01', credits: [credit('conv.pt', '20')] },
        ],
      },
      '2024-08-01',
    );
    expect(pt).toMatchObject({ counted: '24.0', missing: '2.0', status: 'in-progress' });
  });

  it('checks the card 30 days after the submission date, and waives the fee when all CE is the body’s own', () => {
    const holdings = [{ credential: 'conv.pt', earned: '2024-01-05' }, card('2023-11-01')]; // card valid through 2025-11-30
    const completions = [own('20')];
    const early = evaluateOne({ holdings, completions }, '2025-10-20');
    expect(early.status).toBe('complete');
    expect(early.fees.map((f) => f.amount)).toEqual([0]);
    const late = evaluateOne({ holdings, completions }, '2025-11-05'); // 30 days on is 2025-12-05
    expect(late.status).toBe('due-soon');
    expect(late.requirements.find((r) => r.kind === 'card')?.met).toBe(false);
  });

  it('needs no CE at the first annual renewal and 2.0 from the second on', () => {
    const first = evaluateOne(
      { holdings: [{ credential: 'conv.annual', earned: '2025-01-10' }] },
      '2025-06-01',
    );
    expect(first).toMatchObject({ status: 'complete', required: '0.0' });
    const second = evaluateOne(
      {
        holdings: [{ credential: 'conv.annual', earned: '2025-01-10', renewals: ['2026-01-05'] }],
        completions: [{ title: 'Any workshop', completed: '2026-03-01', hours: 12 }],
      },
      '2026-06-01',
    );
    expect(second).toMatchObject({ status: 'in-progress', required: '2.0', counted: '1.2', missing: '0.8' });
  });
});
