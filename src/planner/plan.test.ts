/**
 * The planner on the shipped catalog: the seed scenario of the product
 * brief, sharing across bodies, every constraint, and the reasons given when
 * no plan exists. Every plan is re-checked by the engine (plan.verified).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import { addMonths, endOfMonth, toEpochDay, toIsoDate } from '../core/dates.ts';
import { Profile, type ProfileInput } from '../core/profile/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';
import { parseUnits } from '../core/units.ts';
import { HighsSolver } from './highs-solver.ts';
import { makePlan } from './plan.ts';
import type { Plan, PlanRequest } from './types.ts';

let solver: HighsSolver;
let ruleSet: RuleSet;

beforeAll(() => {
  solver = new HighsSolver();
  ruleSet = loadCatalog().ruleSet;
});
afterAll(async () => {
  await solver.close();
});

const SEED: ProfileInput = {
  holdings: [
    { credential: 'nasm.cpt', earned: '2025-06-01' },
    { credential: 'aha.bls', earned: '2025-05-10' },
  ],
};
const SEED_REQUEST: PlanRequest = {
  asOf: '2025-06-01',
  goals: { until: '2029-12-31', earn: ['nasm.ces', 'nasm.pes'] },
};

const MULTI: ProfileInput = {
  holdings: [
    { credential: 'nasm.cpt', earned: '2024-03-15' },
    { credential: 'ace.cpt', earned: '2024-09-20' },
    { credential: 'afaa.cgfi', earned: '2025-02-01' },
    { credential: 'aha.bls', earned: '2025-06-10' },
  ],
};

function plan(profile: ProfileInput, request: PlanRequest, rules: RuleSet = ruleSet): Promise<Plan> {
  return makePlan(Profile.parse(profile), rules, request, solver);
}

const price = (id: string) => ruleSet.offerings.get(id)!.price!;
const withoutOfferings = (...ids: string[]): RuleSet => ({
  ...ruleSet,
  offerings: new Map([...ruleSet.offerings].filter(([id]) => !ids.includes(id))),
});

describe('the seed scenario: a new NASM-CPT who wants CES and PES', () => {
  it('takes one specialization in each two-year cycle and says why', async () => {
    const p = await plan(SEED, SEED_REQUEST);
    expect(p.status).toBe('optimal');
    expect(p.verified).toBe(true);
    const specs = p.actions.filter((a) => a.grants === 'nasm.ces' || a.grants === 'nasm.pes');
    expect(specs.map((a) => a.grants).sort()).toEqual(['nasm.ces', 'nasm.pes']);
    const cycles = specs.map((a) => a.counts.find((c) => c.credential === 'nasm.cpt')?.cycleEnd);
    expect(new Set(cycles)).toEqual(new Set(['2027-06-01', '2029-06-01']));
    for (const a of specs) {
      expect(a.counts).toEqual([{ credential: 'nasm.cpt', cycleEnd: expect.any(String), units: '1.9' }]);
      expect(a.explanation).toMatch(/does not carry over/);
      expect(a.explanation).toMatch(/waste/);
    }
    // Both courses, the cheapest hands-on card once (it covers both checks), and two renewal fees.
    const cheapestCard = Math.min(
      price('aha.bls-course'),
      price('aha.heartsaver-course'),
      price('redcross.cpr-aed-course'),
    );
    expect(p.totals.money).toBe(price('nasm.ces-course') + price('nasm.pes-course') + cheapestCard + 2 * 99);
    expect(p.totals.fees).toBe(198);
    expect(p.coverage.length).toBe(4);
    expect(p.coverage.every((r) => r.met)).toBe(true);
    expect(p.naive!.money).toBeGreaterThan(p.totals.money);
    expect(p.naive!.saving).toBe(Math.round((p.naive!.money - p.totals.money) * 100) / 100);
    expect(p.naive!.explanation).toContain('each cycle on its own');
    const renewals = p.actions.filter((a) => a.kind === 'submit-renewal');
    expect(renewals.map((a) => a.by)).toEqual(['2027-06-01', '2029-06-01']);
  });

  it('renews the card where a check needs it: the old card ends before the first deadline', async () => {
    const p = await plan(SEED, { asOf: '2025-06-01', goals: { until: '2029-12-31' } });
    expect(p.verified).toBe(true);
    const cards = p.actions.filter((a) => a.kind === 'renew-card');
    expect(cards.length).toBe(1);
    // One card valid on both deadlines; buying one per cycle separately is exactly the naive plan's extra cost.
    expect(cards[0]!.explanation).toContain('2027-06-01 and 2029-06-01');
    expect(p.naive!.saving).toBe(cards[0]!.price);
  });

  it('gives the same plan every time', async () => {
    const a = await plan(SEED, SEED_REQUEST);
    const b = await plan(SEED, SEED_REQUEST);
    expect(b.actions).toEqual(a.actions);
    expect(b.totals).toEqual(a.totals);
  });
});

describe('sharing across bodies', () => {
  it('keeps three certifications from three bodies current with shared completions', async () => {
    const p = await plan(MULTI, { asOf: '2026-01-15', goals: { until: '2032-01-15' } });
    expect(p.status).toBe('optimal');
    expect(p.verified).toBe(true);
    expect(p.findings).toEqual([]);
    const shared = p.actions.filter((a) => new Set(a.counts.map((c) => c.credential)).size >= 2);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared[0]!.explanation).toContain('logged once and shared');
    expect(p.naive!.saving).toBeGreaterThan(0);
    for (const credential of ['nasm.cpt', 'ace.cpt', 'afaa.cgfi']) {
      expect(p.actions.some((a) => a.kind === 'submit-renewal' && a.credential === credential)).toBe(true);
    }
    // ACE needs its ethics minimum in every cycle.
    const ethics = p.coverage.filter((r) => r.credential === 'ace.cpt' && /ethics/.test(r.requirement));
    expect(ethics.length).toBe(3);
    expect(ethics.every((r) => r.met && r.counted === '0.1')).toBe(true);
  });

  it('lets a credential lapse: no CE and no fee for it', async () => {
    const all = await plan(MULTI, { asOf: '2026-01-15', goals: { until: '2030-01-15' } });
    const lapse = await plan(MULTI, {
      asOf: '2026-01-15',
      goals: { until: '2030-01-15', letLapse: ['ace.cpt'] },
    });
    expect(lapse.verified).toBe(true);
    expect(
      lapse.actions.some(
        (a) => a.credential === 'ace.cpt' || a.counts.some((c) => c.credential === 'ace.cpt'),
      ),
    ).toBe(false);
    expect(lapse.totals.fees).toBe(all.totals.fees - 2 * 129);
    expect(lapse.totals.money).toBeLessThan(all.totals.money);
  });
});

describe('constraints', () => {
  it('keeps a card valid every day with --keep-cards-current', async () => {
    const until = '2030-06-30';
    const p = await plan(SEED, { asOf: '2025-06-01', goals: { until, keepCardsCurrent: true } });
    expect(p.verified).toBe(true);
    const bls = ruleSet.credentials.get('aha.bls')!;
    const intervals = [
      [toEpochDay('2025-05-10'), endOfMonth(addMonths(toEpochDay('2025-05-10'), bls.validity!.months))],
      ...p.actions
        .filter((a) => a.kind === 'renew-card')
        .map((a) => {
          const card = ruleSet.credentials.get(a.grants!)!;
          return [toEpochDay(a.date), endOfMonth(addMonths(toEpochDay(a.date), card.validity!.months))];
        }),
    ] as [number, number][];
    for (let d = toEpochDay('2025-06-01'); d <= toEpochDay(until); d++) {
      expect(
        intervals.some(([from, to]) => from <= d && d <= to),
        toIsoDate(d),
      ).toBe(true);
    }
  });

  it('includes a booked activity whatever it costs', async () => {
    const p = await plan(SEED, {
      asOf: '2025-06-01',
      goals: { until: '2027-12-31' },
      constraints: { booked: [{ activity: 'nasm.ce-golf-fitness-course', date: '2026-02-01' }] },
    });
    expect(p.verified).toBe(true);
    const booked = p.actions.find((a) => a.kind === 'booked');
    expect(booked?.offering).toBe('nasm.ce-golf-fitness-course');
    expect(booked?.date).toBe('2026-02-01');
    expect(booked?.counts).toEqual([{ credential: 'nasm.cpt', cycleEnd: '2027-06-01', units: '0.8' }]);
    const spent = p.actions.reduce((s, a) => s + a.price, 0);
    expect(p.totals.money).toBe(spent);
  });

  it('uses only the allowed formats and providers', async () => {
    const p = await plan(SEED, {
      asOf: '2025-06-01',
      goals: { until: '2027-12-31' },
      constraints: { formats: ['online', 'live'], providers: ['NASM'] },
    });
    expect(p.verified).toBe(true);
    for (const a of p.actions.filter((x) => x.kind === 'take')) {
      expect(a.provider).toBe('NASM');
      expect(ruleSet.offerings.get(a.offering!)!.format).not.toBe('self-study');
    }
  });

  it('stays within a budget that allows a plan', async () => {
    const free = await plan(SEED, SEED_REQUEST);
    const p = await plan(SEED, { ...SEED_REQUEST, constraints: { budget: free.totals.money } });
    expect(p.status).toBe('optimal');
    expect(p.totals.money).toBe(free.totals.money);
  });
});

describe('late renewal', () => {
  it('pays the late fee, uses the 90-day late-CE window, and does not plan a course already done', async () => {
    const p = await plan(
      {
        holdings: [
          { credential: 'nasm.cpt', earned: '2024-03-15' },
          { credential: 'aha.bls', earned: '2025-06-10' },
        ],
        completions: [{ activity: 'nasm.ce-golf-fitness-course', completed: '2025-05-01' }],
      },
      { asOf: '2026-04-14', goals: { until: '2026-12-31' } },
    );
    expect(p.status).toBe('optimal');
    expect(p.verified).toBe(true);
    const renewal = p.actions.find((a) => a.kind === 'submit-renewal')!;
    expect(renewal.by).toBe('2026-06-13');
    expect(renewal.fees).toEqual([
      { kind: 'renewal', amount: 99 },
      { kind: 'late', amount: 30 },
    ]);
    const takes = p.actions.filter((a) => a.kind === 'take');
    expect(takes.every((a) => a.from >= '2026-04-14' && a.by <= '2026-06-13')).toBe(true);
    expect(takes.some((a) => a.offering === 'nasm.ce-golf-fitness-course')).toBe(false);
    // 0.8 already done + the plan's CE + the card's 0.1 make exactly what is needed or more.
    const planned = takes.reduce((s, a) => s + parseUnits(a.counts[0]!.units), 0);
    expect(parseUnits('0.8') + planned + parseUnits('0.1')).toBeGreaterThanOrEqual(parseUnits('2.0'));
  });
});

describe('when no plan exists, it says why', () => {
  it('names the budget and the cheapest feasible plan', async () => {
    const free = await plan(SEED, SEED_REQUEST);
    const p = await plan(SEED, { ...SEED_REQUEST, constraints: { budget: 500 } });
    expect(p.status).toBe('infeasible');
    expect(p.actions).toEqual([]);
    expect(p.infeasible!.map((r) => r.code)).toEqual(['budget']);
    expect(p.infeasible![0]!.message).toContain('$500');
    expect(p.infeasible![0]!.message).toContain(`$${free.totals.money}`);
  });

  it('names the requirement, credential and cycle no offering covers', async () => {
    const rules = withoutOfferings('ace.ce-ethics-course');
    const p = await plan(
      {
        holdings: [
          { credential: 'ace.cpt', earned: '2025-03-10' },
          { credential: 'aha.bls', earned: '2025-06-10' },
        ],
      },
      { asOf: '2026-01-01', goals: { until: '2027-06-01' } },
      rules,
    );
    expect(p.status).toBe('infeasible');
    const reason = p.infeasible!.find((r) => r.credential === 'ace.cpt');
    expect(reason?.code).toBe('no-offering');
    expect(reason?.cycle).toEqual({ start: '2025-03-10', end: '2027-03-31' });
    expect(reason?.message).toMatch(/ethics/);
    expect(reason?.message).toContain('2027-03-31');
  });

  it('says when a certification it earns must be renewed before the horizon ends', async () => {
    // A user catalog can offer a certification's exam; its cycles start on the day the plan picks.
    const template = [...ruleSet.offerings.values()].find((o) => o.grants === 'nasm.ces')!;
    const rules: RuleSet = {
      ...ruleSet,
      offerings: new Map([
        ...ruleSet.offerings,
        [
          'test.ace-cpt-exam',
          { ...template, id: 'test.ace-cpt-exam', title: 'ACE CPT exam', grants: 'ace.cpt' },
        ],
      ]),
    };
    const p = await plan(
      { holdings: [{ credential: 'nasm.cpt', earned: '2025-06-01' }] },
      { asOf: '2025-06-01', goals: { until: '2031-12-31', earn: ['ace.cpt'] } },
      rules,
    );
    expect(p.status).not.toBe('infeasible');
    const exam = p.actions.find((a) => a.grants === 'ace.cpt')!;
    expect(exam).toBeDefined();
    const finding = p.findings.find((f) => f.code === 'new-certification-renewal');
    expect(finding?.message).toContain(exam.date);
    expect(finding?.message).toContain('2031-12-31');
    // A horizon that ends before the first renewal gives no such finding.
    const short = await plan(
      { holdings: [{ credential: 'nasm.cpt', earned: '2025-06-01' }] },
      { asOf: '2025-06-01', goals: { until: '2026-03-01', earn: ['ace.cpt'] } },
      rules,
    );
    expect(short.actions.some((a) => a.grants === 'ace.cpt')).toBe(true);
    expect(short.findings.map((f) => f.code)).not.toContain('new-certification-renewal');
  });

  it('names a goal credential that nothing in the catalog grants', async () => {
    const p = await plan(SEED, { ...SEED_REQUEST, constraints: { formats: ['live'] } });
    expect(p.status).toBe('infeasible');
    expect(
      p
        .infeasible!.filter((r) => r.code === 'no-grant')
        .map((r) => r.credential)
        .sort(),
    ).toEqual(['nasm.ces', 'nasm.pes']);
  });

  it('names the hours per month when the CE does not fit in time', async () => {
    const p = await plan(SEED, { ...SEED_REQUEST, constraints: { hoursPerMonth: 0.5 } });
    expect(p.status).toBe('infeasible');
    expect(p.infeasible!.map((r) => r.code)).toContain('hours-per-month');
  });

  it('names a cycle whose renewal window has closed', async () => {
    const p = await plan(
      { holdings: [{ credential: 'ace.cpt', earned: '2023-09-20' }] },
      { asOf: '2026-01-15', goals: { until: '2027-01-01' } },
    );
    expect(p.status).toBe('infeasible');
    expect(p.infeasible![0]!.credential).toBe('ace.cpt');
    expect(p.infeasible![0]!.message).toContain('2025-09-30');
  });

  it('names a card no catalog course can provide', async () => {
    const rules = withoutOfferings('aha.bls-course', 'aha.heartsaver-course', 'redcross.cpr-aed-course');
    const p = await plan(SEED, { asOf: '2025-06-01', goals: { until: '2027-12-31' } }, rules);
    expect(p.status).toBe('infeasible');
    expect(p.infeasible!.map((r) => r.code)).toEqual(['no-card']);
    expect(p.infeasible![0]!.message).toContain('2027-06-01');
    expect(p.infeasible![0]!.message).toContain('hands-on');
  });
});
