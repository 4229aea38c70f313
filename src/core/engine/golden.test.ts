/**
 * Golden scenarios on the shipped catalog: each numbered pattern of product
 * brief §4, and each status, evaluated against the rule data built from the
 * reference, so a change to either the engine or the data that alters an
 * answer shows here.
 */
import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../../catalog/load.ts';
import type { ProfileInput } from '../profile/schema.ts';
import { evaluate } from './evaluate.ts';
import type { HoldingResult } from './result.ts';
import { profileOf } from './testing.ts';

const ruleSet = shippedRuleSet();

function run(input: ProfileInput, asOf: string): HoldingResult[] {
  return evaluate(profileOf(input), ruleSet, asOf).holdings;
}
const one = (input: ProfileInput, asOf: string) => run(input, asOf)[0]!;
const c = (credential: string, units: string, extra: Record<string, string> = {}) => ({
  credential,
  units,
  ...extra,
});
const bls = (earned: string) => ({ credential: 'aha.bls', earned });

describe('§4.1 cycle anchors', () => {
  it.each([
    ['nasm.cpt', '2024-02-29', '2024-02-29', '2026-02-28'],
    ['neta.pt', '2024-05-20', '2024-05-20', '2026-05-20'],
    ['ncsf.cpt', '2024-05-20', '2024-05-20', '2026-05-31'],
    ['ace.cpt', '2024-05-20', '2024-05-20', '2026-05-31'],
    ['nsca.cscs', '2025-03-10', '2025-03-10', '2026-12-31'],
    ['acsm.cpt', '2025-03-10', '2025-03-10', '2028-12-31'],
    ['nfpt.cpt', '2025-03-10', '2025-03-10', '2026-03-10'],
  ])('%s earned %s: cycle %s to %s', (credential, earned, start, end) => {
    expect(one({ holdings: [{ credential, earned }] }, '2025-06-01').cycle).toMatchObject({ start, end });
  });

  it('an AHA card is valid two years through the end of the month of issue', () => {
    expect(one({ holdings: [bls('2025-06-10')] }, '2025-07-01')).toMatchObject({
      status: 'valid',
      cycle: { end: '2027-06-30' },
    });
  });

  it('NSCA prorates the 2024–2026 requirement by certification date', () => {
    const required = (earned: string) =>
      one({ holdings: [{ credential: 'nsca.cscs', earned }] }, '2026-09-01').required;
    expect([
      required('2024-03-01'),
      required('2025-03-01'),
      required('2026-03-01'),
      required('2026-08-01'),
    ]).toEqual(['4.0', '2.0', '1.0', '0.0']);
  });

  it('NFPT needs no CE at the first renewal', () => {
    expect(one({ holdings: [{ credential: 'nfpt.cpt', earned: '2025-03-10' }] }, '2025-06-01')).toMatchObject(
      {
        required: '0.0',
        status: 'complete',
      },
    );
  });

  it('ACSM: December 31, then a grace period to June 30', () => {
    const acsm = one({ holdings: [{ credential: 'acsm.cpt', earned: '2021-03-10' }] }, '2025-02-01');
    expect(acsm).toMatchObject({ status: 'grace', cycle: { end: '2024-12-31', graceEnd: '2025-06-30' } });
  });

  it('a printed expiry wins and the disagreement is a finding', () => {
    const cpt = one(
      { holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15', expires: '2026-03-31' }] },
      '2025-06-01',
    );
    expect(cpt.cycle).toMatchObject({ end: '2026-03-31', computedEnd: '2026-03-15' });
    expect(cpt.findings.map((f) => f.code)).toContain('expiry-mismatch');
  });
});

describe('§4.2 exact units and conversions', () => {
  it('NASM: 1.9 from a specialization + 0.1 for the card is exactly 2.0', () => {
    const [cpt] = run(
      {
        holdings: [
          { credential: 'nasm.cpt', earned: '2024-03-15' },
          { credential: 'nasm.ces', earned: '2024-09-01' },
          bls('2025-06-10'),
        ],
      },
      '2025-12-01',
    );
    expect(cpt).toMatchObject({ status: 'complete', counted: '2.0', missing: '0.0' });
  });

  it('NETA: 0.1 NASM CEU = 1.0 NETA CEC, one webinar entered once', () => {
    const [cpt, neta] = run(
      {
        holdings: [
          { credential: 'nasm.cpt', earned: '2024-03-15' },
          { credential: 'neta.pt', earned: '2024-03-15' },
        ],
        completions: [{ activity: 'nasm.ce-stretching-webinar', completed: '2025-01-12' }],
      },
      '2025-06-01',
    );
    expect(cpt!.counted).toBe('0.1');
    expect(neta!.counted).toBe('1.0');
  });

  it('NSCA: college credit converts at 0.5 per semester hour into category C', () => {
    const cscs = one(
      {
        holdings: [{ credential: 'nsca.cscs', earned: '2024-03-01' }],
        completions: [{ title: 'Biomechanics', completed: '2024-09-01', college: { semesterHours: 3 } }],
      },
      '2025-01-01',
    );
    expect(cscs.allocations[0]).toMatchObject({ offered: '1.5', counted: '1.5', category: 'C' });
  });
});

describe('§4.3 mandatory components', () => {
  it('AFAA: the hands-on CPR/AED card is worth 2 CEUs; at least 2 CEUs from AFAA or NASM courses', () => {
    const holdings = [{ credential: 'afaa.cgfi', earned: '2024-04-01' }, bls('2025-01-15')];
    const other = {
      title: 'Indoor cycling',
      provider: 'Other Co',
      completed: '2025-01-20',
      credits: [c('afaa.cgfi', '13')],
    };
    const short = one({ holdings, completions: [other] }, '2025-06-01');
    expect(short).toMatchObject({ counted: '15.0', missing: '2.0' });
    const own = {
      title: 'AFAA choreography',
      provider: 'AFAA',
      completed: '2025-02-01',
      credits: [c('afaa.cgfi', '2')],
    };
    expect(one({ holdings, completions: [other, own] }, '2025-06-01')).toMatchObject({
      status: 'complete',
      counted: '17.0',
    });
  });

  it('NCSF: card 2 + ethics 1 + the rest; without ethics one unit is missing', () => {
    const holdings = [{ credential: 'ncsf.cpt', earned: '2024-04-01' }, bls('2025-01-15')];
    const general = { title: 'Program design', completed: '2025-02-01', credits: [c('ncsf.cpt', '8')] };
    expect(one({ holdings, completions: [general] }, '2025-06-01')).toMatchObject({
      counted: '10.0',
      missing: '1.0',
    });
    const ethics = {
      title: 'Ethics',
      completed: '2025-03-01',
      credits: [c('ncsf.cpt', '1', { topic: 'ethics' })],
    };
    expect(one({ holdings, completions: [general, ethics] }, '2025-06-01')).toMatchObject({
      status: 'complete',
    });
  });

  it('ACE: 2.0 CECs with no ethics hour is missing 0.1, not 0', () => {
    const ace = one(
      {
        holdings: [{ credential: 'ace.cpt', earned: '2024-04-01' }, bls('2025-01-15')],
        completions: [
          { title: 'Functional training', completed: '2025-02-01', credits: [c('ace.cpt', '2.0')] },
        ],
      },
      '2025-06-01',
    );
    expect(ace).toMatchObject({ counted: '2.0', missing: '0.1', status: 'in-progress' });
  });

  it('NETA: 6 CECs must come from NETA itself', () => {
    const neta = one(
      {
        holdings: [{ credential: 'neta.pt', earned: '2024-04-01' }, bls('2025-01-15')],
        completions: [
          { title: 'Other CE', provider: 'Other', completed: '2025-02-01', credits: [c('neta.pt', '20')] },
        ],
      },
      '2025-06-01',
    );
    expect(neta).toMatchObject({ counted: '20.0', missing: '6.0' });
  });

  it('ISSA: the card must be valid 30 days after the renewal is submitted', () => {
    const holdings = [{ credential: 'issa.cpt', earned: '2024-01-05' }, bls('2023-11-01')]; // card through 2025-11-30
    const ce = [
      { title: 'ISSA course', provider: 'ISSA', completed: '2024-06-01', credits: [c('issa.cpt', '20')] },
    ];
    expect(one({ holdings, completions: ce }, '2025-10-31').status).toBe('complete');
    expect(
      one({ holdings, completions: ce }, '2025-11-05').requirements.find((r) => r.kind === 'card')?.met,
    ).toBe(false);
  });

  it('NSCA: CE must come from at least two categories', () => {
    const cscs = one(
      {
        holdings: [{ credential: 'nsca.cscs', earned: '2025-03-10' }, bls('2025-01-15')],
        completions: [
          { title: 'Clinic', completed: '2025-04-01', credits: [c('nsca.cscs', '1.0', { category: 'A' })] },
          { title: 'Clinic 2', completed: '2025-05-01', credits: [c('nsca.cscs', '1.0', { category: 'A' })] },
        ],
      },
      '2025-06-01',
    );
    expect(cscs.requirements.find((r) => r.kind === 'min-categories')).toMatchObject({ met: false });
    expect(cscs.status).not.toBe('complete');
  });
});

describe('§4.4 caps', () => {
  const nsca = { credential: 'nsca.cscs', earned: '2024-03-01' }; // 4.0 required, A ≤ 3.5
  it('NSCA: over the category maximum does not count; a single event counts at most 2.0', () => {
    const cscs = one(
      {
        holdings: [nsca, bls('2025-01-15')],
        completions: [
          {
            title: 'Conference',
            event: 'conf-2024',
            completed: '2024-07-10',
            credits: [c('nsca.cscs', '2.5', { category: 'A' })],
          },
          { title: 'Clinic', completed: '2024-09-01', credits: [c('nsca.cscs', '2.0', { category: 'A' })] },
          { title: 'Quiz', completed: '2024-10-01', credits: [c('nsca.cscs', '0.2', { category: 'D' })] },
        ],
      },
      '2025-06-01',
    );
    expect(cscs.allocations.slice(0, 2).reduce((s, a) => s + Number(a.counted) * 10, 0)).toBe(35);
    expect(cscs).toMatchObject({ counted: '3.7', missing: '0.3' });
  });

  it('ACE: a college course by petition counts at most 2.0', () => {
    const ace = one(
      {
        holdings: [{ credential: 'ace.cpt', earned: '2024-04-01' }],
        completions: [
          { title: 'Kinesiology', type: 'college', completed: '2025-02-01', credits: [c('ace.cpt', '3.0')] },
        ],
      },
      '2025-06-01',
    );
    expect(ace.allocations[0]).toMatchObject({
      offered: '3.0',
      counted: '2.0',
      reason: 'partly-counted-over-cap',
    });
  });

  it('ACSM: volunteering counts up to 8 per year and 24 per cycle', () => {
    const years = [2022, 2023, 2024, 2025];
    const acsm = one(
      {
        holdings: [{ credential: 'acsm.cpt', earned: '2022-01-10' }],
        completions: years.map((y) => ({
          title: `Committee ${y}`,
          type: 'volunteering' as const,
          completed: `${y}-03-01`,
          credits: [c('acsm.cpt', '10')],
        })),
      },
      '2025-06-01',
    );
    expect(acsm.counted).toBe('24.0');
  });
});

describe('§4.5 a credential counts as CE', () => {
  it('an additional ACE certification covers the other one', () => {
    const [cpt] = run(
      {
        holdings: [
          { credential: 'ace.cpt', earned: '2024-04-01' },
          { credential: 'ace.gfi', earned: '2025-01-10' },
        ],
      },
      '2025-06-01',
    );
    expect(cpt!.allocations.find((a) => a.ref === 'holding:ace.gfi')?.counted).toBe('2.0');
  });
});

describe('§4.6 sharing and repeats', () => {
  it('ACE: the same course twice in a cycle counts once', () => {
    const course = { title: 'Kettlebell basics', provider: 'Gym Co', credits: [c('ace.cpt', '0.5')] };
    const ace = one(
      {
        holdings: [{ credential: 'ace.cpt', earned: '2024-04-01' }],
        completions: [
          { ...course, completed: '2024-06-01' },
          { ...course, completed: '2025-01-01' },
        ],
      },
      '2025-06-01',
    );
    expect(ace.counted).toBe('0.5');
    expect(ace.allocations.map((a) => a.reason)).toContain('repeat');
  });
});

describe('§4.7 windows', () => {
  it('NASM: CE finished up to 90 days after expiry counts for a late application', () => {
    const holdings = [{ credential: 'nasm.cpt', earned: '2024-03-15' }, bls('2024-06-01')]; // card through 2026-06-30
    const completions = [
      { title: 'Program design', completed: '2025-01-10', credits: [c('nasm.cpt', '1.8')] },
      { activity: 'nasm.ce-stretching-webinar', completed: '2026-06-13' },
    ];
    const late = one({ holdings, completions }, '2026-06-20');
    expect(late).toMatchObject({
      status: 'grace',
      counted: '2.0',
      missing: '0.0',
      cycle: { lateCreditEnd: '2026-06-13' },
    });
    const tooLate = one(
      { holdings, completions: [completions[0]!, { ...completions[1]!, completed: '2026-06-14' }] },
      '2026-06-20',
    );
    expect(tooLate).toMatchObject({ counted: '1.9', missing: '0.1' });
  });

  it('no carry-over: CE from the previous cycle does not count', () => {
    const cpt = one(
      {
        holdings: [{ credential: 'nasm.cpt', earned: '2022-03-15', renewals: ['2024-03-01'] }],
        completions: [{ activity: 'nasm.ce-stretching-webinar', completed: '2023-06-01' }],
      },
      '2024-06-01',
    );
    expect(cpt.allocations[0]).toMatchObject({ reason: 'outside-window' });
  });
});

describe('§4.8 late and lapse', () => {
  it.each([
    ['2026-04-01', 'grace', 30],
    ['2026-07-01', 'grace', 50],
    ['2027-03-16', 'expired', undefined],
  ] as const)('NASM as of %s: %s, late fee %s', (asOf, status, fee) => {
    const cpt = one({ holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15' }] }, asOf);
    expect(cpt.status).toBe(status);
    expect(cpt.fees.find((f) => f.kind === 'late')?.amount).toBe(fee);
  });

  it('ACSM: a reinstatement starts a new cycle on its approval date', () => {
    const acsm = one(
      {
        holdings: [
          {
            credential: 'acsm.cpt',
            earned: '2021-03-10',
            renewals: [{ date: '2025-09-15', kind: 'reinstatement' }],
          },
        ],
      },
      '2025-10-01',
    );
    expect(acsm.cycle).toMatchObject({ start: '2025-09-15', end: '2028-12-31' });
  });
});

describe('§4.9 petitions', () => {
  it('pending petitions are shown as pending, not counted; denied ones never count', () => {
    const cpt = one(
      {
        holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15' }],
        completions: [
          {
            title: 'Kettlebell Fundamentals',
            provider: 'Local Workshop Co',
            completed: '2025-02-02',
            hours: 8,
            credits: [c('nasm.cpt', '0.8', { status: 'pending' })],
          },
          {
            title: 'Boxing',
            provider: 'Local',
            completed: '2025-03-02',
            credits: [c('nasm.cpt', '0.5', { status: 'denied' })],
          },
          {
            title: 'TRX',
            provider: 'Local',
            completed: '2025-04-02',
            credits: [c('nasm.cpt', '0.4', { status: 'approved' })],
          },
        ],
      },
      '2025-06-01',
    );
    expect(cpt.allocations.map((a) => a.reason)).toEqual(['pending-petition', 'petition-denied', 'counted']);
    expect(cpt.counted).toBe('0.4');
  });
});

describe('§4.10 fees', () => {
  it('NASM: $99 renewal, waived by a lifetime plan; CE still required', () => {
    expect(
      one({ holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15' }] }, '2025-06-01').fees.map(
        (f) => f.amount,
      ),
    ).toEqual([99]);
    const lifetime = one(
      { holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15', lifetimePlan: true }] },
      '2025-06-01',
    );
    expect(lifetime.fees).toEqual([]);
    expect(lifetime.missing).toBe('2.0');
  });

  it('ISSA: $0 when all 20 hours came from ISSA, $99 otherwise', () => {
    const holdings = [{ credential: 'issa.cpt', earned: '2024-01-05' }, bls('2025-01-15')];
    const fee = (provider: string) =>
      one(
        {
          holdings,
          completions: [{ title: 'CE', provider, completed: '2024-06-01', credits: [c('issa.cpt', '20')] }],
        },
        '2025-06-01',
      ).fees[0]?.amount;
    expect([fee('ISSA'), fee('Other')]).toEqual([0, 99]);
  });

  it('NSCA 2018–2020: members pay $65, non-members $90 (the 2024–2026 fees were not found)', () => {
    const fee = (member: boolean, asOf = '2020-06-01') =>
      one({ holdings: [{ credential: 'nsca.cscs', earned: '2017-03-01', member }] }, asOf).fees.find(
        (f) => f.kind === 'renewal',
      )?.amount;
    expect([fee(true), fee(false)]).toEqual([65, 90]);
  });
});

describe('§4.11 effective dating', () => {
  it('ACE: the ethics minimum applies only to cycles ending after 2023-09-13', () => {
    const before = one({ holdings: [{ credential: 'ace.cpt', earned: '2021-05-10' }] }, '2022-06-01');
    const after = one({ holdings: [{ credential: 'ace.cpt', earned: '2024-05-10' }] }, '2025-06-01');
    expect(before.requirements.some((r) => r.kind === 'minimum')).toBe(false);
    expect(after.requirements.some((r) => r.kind === 'minimum')).toBe(true);
    expect(before.ruleVersion).not.toBe(after.ruleVersion);
  });

  it('every result names its rule version and the sources used', () => {
    const cpt = one({ holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15' }] }, '2025-06-01');
    expect(cpt.ruleVersion).toMatch(/^nasm\.cpt@/);
    expect(cpt.sources.map((s) => s.id)).toContain('S-NASM-1');
    expect(cpt.sources.every((s) => s.title.length > 0)).toBe(true);
  });
});

describe('statuses', () => {
  it.each([
    ['nasm.ces', '2024-09-01', '2025-06-01', 'permanent'],
    ['nasm.cpt', '2024-03-15', '2025-06-01', 'in-progress'],
    ['nasm.cpt', '2024-03-15', '2026-01-01', 'due-soon'],
    ['nasm.cpt', '2024-03-15', '2026-03-16', 'grace'],
    ['nasm.cpt', '2024-03-15', '2027-03-16', 'expired'],
    ['aha.bls', '2025-06-10', '2025-07-01', 'valid'],
    ['aha.bls', '2025-06-10', '2027-05-01', 'due-soon'],
    ['aha.bls', '2025-06-10', '2027-07-01', 'expired'],
  ])('%s earned %s is %s… as of %s', (credential, earned, asOf, status) => {
    expect(one({ holdings: [{ credential, earned }] }, asOf).status).toBe(status);
  });

  it('complete', () => {
    const [cpt] = run(
      {
        holdings: [
          { credential: 'nasm.cpt', earned: '2024-03-15' },
          { credential: 'nasm.pes', earned: '2025-01-01' },
          bls('2025-06-10'),
        ],
      },
      '2025-07-01',
    );
    expect(cpt!.status).toBe('complete');
    expect(cpt!.nextActions[0]?.code).toBe('submit-renewal');
  });
});
