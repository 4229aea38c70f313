import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../core/engine/evaluate.ts';
import { Profile } from '../core/profile/schema.ts';
import type { PolicyVersion, Provenance, Requirement, RequirementOf } from '../core/rules/schema.ts';
import type { CredentialEntry } from '../core/ruleset.ts';
import { formatUnits } from '../core/units.ts';
import { InputError, type Located } from '../io/yaml-source.ts';
import { loadCatalog } from './load.ts';

const catalog = loadCatalog();
const { ruleSet } = catalog;

function credential(id: string): CredentialEntry {
  const found = ruleSet.credentials.get(id);
  if (!found) throw new Error(`no credential ${id} in the shipped catalog`);
  return found;
}

/** A policy version by name, or the latest one. */
function policy(id: string, version?: string): PolicyVersion {
  const policies = [...credential(id).policies].sort((a, b) =>
    a.effectiveFrom.localeCompare(b.effectiveFrom),
  );
  const found = version === undefined ? policies.at(-1) : policies.find((p) => p.version === version);
  if (!found) throw new Error(`no policy ${version ?? '(latest)'} for ${id}`);
  return found;
}

function rule<K extends Requirement['kind']>(
  p: PolicyVersion,
  kind: K,
  match: (r: RequirementOf<K>) => boolean = () => true,
): RequirementOf<K> {
  const found = p.requirements.find(
    (r): r is RequirementOf<K> => r.kind === kind && match(r as RequirementOf<K>),
  );
  if (!found) throw new Error(`no ${kind} rule in policy ${p.version}`);
  return found;
}

function walk(
  value: unknown,
  path: string,
  visit: (value: Record<string, unknown>, path: string) => void,
): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, visit);
  } else if (value && typeof value === 'object') {
    visit(value as Record<string, unknown>, path);
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, visit);
  }
}

describe('the shipped catalog', () => {
  it('loads every rule file with no issues', () => {
    const bodies = catalog.ruleFiles.map((f) => f.value.body.id).sort();
    expect(bodies).toEqual([
      'ace',
      'acsm',
      'afaa',
      'aha',
      'issa',
      'nasm',
      'nccpt',
      'ncsf',
      'neta',
      'nfpt',
      'nsca',
      'redcross',
    ]);
  });

  // Product brief §6: the ids the shipped catalog must have, and what kind each is.
  it.each([
    ['nasm.cpt', 'certification'],
    ['nasm.ces', 'specialization'],
    ['nasm.pes', 'specialization'],
    ['nasm.csnc', 'certification'],
    ['nasm.cwc', 'certification'],
    ['afaa.cgfi', 'certification'],
    ['ace.cpt', 'certification'],
    ['ace.gfi', 'certification'],
    ['ace.hc', 'certification'],
    ['acsm.cpt', 'certification'],
    ['acsm.gei', 'certification'],
    ['acsm.ep', 'certification'],
    ['acsm.cep', 'certification'],
    ['nsca.cscs', 'certification'],
    ['nsca.cpt', 'certification'],
    ['issa.cpt', 'certification'],
    ['nccpt.cpt', 'certification'],
    ['ncsf.cpt', 'certification'],
    ['neta.pt', 'certification'],
    ['neta.gei', 'certification'],
    ['nfpt.cpt', 'certification'],
    ['aha.bls', 'card'],
    ['aha.heartsaver', 'card'],
    ['redcross.cpr-aed', 'card'],
  ])('has %s as a %s', (id, kind) => {
    expect(credential(id).kind).toBe(kind);
  });

  it('cites only sources listed in sources.yaml, and every fact cites a list of sources', () => {
    const unknown: string[] = [];
    const withoutSources: string[] = [];
    for (const file of catalog.ruleFiles) {
      walk(file.value, file.value.body.id, (node, path) => {
        if ('confidence' in node && !Array.isArray(node.sources)) withoutSources.push(path);
        if (Array.isArray(node.sources)) {
          for (const id of node.sources)
            if (!ruleSet.sources.has(String(id))) unknown.push(`${path}: ${String(id)}`);
        }
      });
    }
    expect(unknown).toEqual([]);
    expect(withoutSources).toEqual([]);
  });

  it('explains every low-confidence fact in a note', () => {
    const unexplained: string[] = [];
    for (const file of catalog.ruleFiles) {
      walk(file.value, file.value.body.id, (node, path) => {
        if (node.confidence === 'low' && !node.note && !node.text) unexplained.push(path);
      });
    }
    expect(unexplained).toEqual([]);
  });

  it('gives every policy version a plain-words summary', () => {
    const missing = [...ruleSet.credentials.values()].flatMap((c) =>
      c.policies.filter((p) => !p.summary?.trim()).map((p) => `${c.id}@${p.version}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('confidence marks follow the reference data', () => {
  const money = (n: number) => `$${n}`;
  // [fact, how to read it, expected value, expected confidence]
  const facts: [string, () => { value: string; provenance: Provenance }, string, Provenance['confidence']][] =
    [
      [
        'NASM-CES counts toward NASM-CPT',
        () => {
          const t = credential('nasm.ces').creditsToward.find((x) => x.credential === 'nasm.cpt')!;
          return { value: formatUnits(t.units), provenance: t };
        },
        '1.9',
        'low',
      ],
      [
        'NASM Recertify for Life price',
        () => {
          const f = policy('nasm.cpt').fees.find((x) => x.kind === 'lifetime')!;
          return { value: money(f.amount), provenance: f };
        },
        '$399',
        'low',
      ],
      [
        'ACE renewal fee',
        () => {
          const f = policy('ace.cpt').fees.find((x) => x.kind === 'renewal')!;
          return { value: money(f.amount), provenance: f };
        },
        '$129',
        'low',
      ],
      [
        'NETA renewal fee',
        () => {
          const f = policy('neta.gei').fees.find((x) => x.kind === 'renewal')!;
          return { value: money(f.amount), provenance: f };
        },
        '$65',
        'low',
      ],
      [
        'Red Cross card validity and anchor',
        () => {
          const v = credential('redcross.cpr-aed').validity!;
          return { value: `${v.months} months, ${v.anchor}`, provenance: v };
        },
        '24 months, rolling',
        'low',
      ],
      [
        'NCCPT hours per CEU (an assumption)',
        () => {
          const unit = credential('nccpt.cpt').unit!;
          return { value: formatUnits(unit.perHour!), provenance: unit };
        },
        '0.1',
        'low',
      ],
      [
        'NFPT units per hour of other education (an assumption)',
        () => {
          const r = rule(policy('nfpt.cpt'), 'accept-hours');
          return { value: formatUnits(r.unitsPerHour), provenance: r };
        },
        '0.1',
        'low',
      ],
      [
        'ACSM year-end anchor',
        () => {
          const c = policy('acsm.cep').cycle;
          return { value: c.anchor === 'year-end' ? `year-end, ${c.years} years` : c.anchor, provenance: c };
        },
        'year-end, 3 years',
        'medium',
      ],
      [
        'ACE end-of-month anchor',
        () => {
          const c = policy('ace.hc').cycle;
          return { value: `${c.anchor}, ${'months' in c ? c.months : '?'} months`, provenance: c };
        },
        'end-of-month, 24 months',
        'medium',
      ],
      [
        'ACSM reinstatement fee',
        () => {
          const r = policy('acsm.cpt').lateRenewal!.reinstatement!;
          return { value: money(r.fee!), provenance: r };
        },
        '$165',
        'medium',
      ],
      [
        'AFAA late-fee window',
        () => {
          const b = policy('afaa.cgfi').lateRenewal!.bands[0]!;
          return { value: `days ${b.fromDay}-${b.toDay}: ${money(b.fee)}`, provenance: b };
        },
        'days 1-180: $50',
        'medium',
      ],
      [
        'NCCPT renewal fee (older site)',
        () => {
          const f = policy('nccpt.cpt').fees.find((x) => x.kind === 'renewal')!;
          return { value: money(f.amount), provenance: f };
        },
        '$75',
        'medium',
      ],
      [
        'NETA hour per CEC (implied)',
        () => {
          const unit = credential('neta.pt').unit!;
          return { value: formatUnits(unit.perHour!), provenance: unit };
        },
        '1.0',
        'medium',
      ],
      [
        'ISSA card valid 30 days after submission',
        () => {
          const r = rule(policy('issa.cpt'), 'card');
          return { value: `${r.checkOn} + ${r.validDaysAfterCheck} days`, provenance: r };
        },
        'submission + 30 days',
        'high',
      ],
      [
        'NCSF 1 CEU = 2 hours',
        () => {
          const unit = credential('ncsf.cpt').unit!;
          return { value: formatUnits(unit.perHour!), provenance: unit };
        },
        '0.5',
        'high',
      ],
      [
        'ACE ethics minimum from 2023-09-13',
        () => {
          const r = rule(policy('ace.cpt', '2023-09'), 'minimum');
          return { value: `${formatUnits(r.units)} ${String(r.where.topic)}`, provenance: r };
        },
        '0.1 ethics',
        'high',
      ],
    ];

  it.each(facts)('%s', (_, read, value, confidence) => {
    const fact = read();
    expect(fact.value).toBe(value);
    expect(fact.provenance.confidence).toBe(confidence);
    expect(fact.provenance.sources.every((s) => ruleSet.sources.has(s))).toBe(true);
  });
});

describe('policy versions follow dated changes', () => {
  it.each([
    ['ace.cpt', '2023-09-12', '2013'],
    ['ace.cpt', '2023-09-13', '2023-09'],
    ['acsm.gei', '2019-12-31', '2017'],
    ['acsm.gei', '2020-01-01', '2020'],
    ['acsm.gei', '2023-01-01', '2023'],
    ['acsm.gei', '2025-01-01', '2025'],
    ['nsca.cpt', '2020-12-31', '2018-2020'],
    ['nsca.cpt', '2021-01-01', '2021'],
  ])('%s on %s uses version %s', (id, date, version) => {
    const found = credential(id).policies.find(
      (p) => p.effectiveFrom <= date && (p.effectiveTo === undefined || date <= p.effectiveTo),
    );
    expect(found?.version).toBe(version);
  });

  it('ACE requires ethics only from 2023-09-13', () => {
    expect(policy('ace.gfi', '2013').requirements.some((r) => r.kind === 'minimum')).toBe(false);
    expect(rule(policy('ace.gfi', '2023-09'), 'minimum').where.topic).toBe('ethics');
  });

  it('ACSM credits a CPR/AED card up to 5 CECs a year only from 2025, and volunteering only from 2023', () => {
    const cardCap = (version: string) =>
      policy('acsm.ep', version).requirements.filter(
        (r) => r.kind === 'cap' && r.where.activityType === 'card',
      );
    const volunteerCaps = (version: string) =>
      policy('acsm.ep', version)
        .requirements.filter((r) => r.kind === 'cap' && r.where.activityType === 'volunteering')
        .map((r) => (r.kind === 'cap' ? `${formatUnits(r.units)}/${r.per}` : ''));
    expect(cardCap('2023')).toEqual([]);
    expect(cardCap('2025').map((r) => (r.kind === 'cap' ? `${formatUnits(r.units)}/${r.per}` : ''))).toEqual([
      '5.0/year',
    ]);
    expect(volunteerCaps('2020')).toEqual([]);
    expect(volunteerCaps('2023')).toEqual(['8.0/year', '24.0/cycle']);
    expect(volunteerCaps('2025')).toEqual(['8.0/year', '24.0/cycle']);
  });

  it.each([
    ['acsm.cpt', '45.0', 60],
    ['acsm.gei', '45.0', 60],
    ['acsm.ep', '60.0', 70],
    ['acsm.cep', '60.0', 70],
  ])('%s needs %s CECs and costs $%i now', (id, units, fee) => {
    const p = policy(id);
    expect(formatUnits(rule(p, 'total').units)).toBe(units);
    expect(p.fees.find((f) => f.kind === 'renewal')?.amount).toBe(fee);
  });
});

describe('NSCA proration by certification date', () => {
  type Tier = { from?: number; to?: number; total: string; caps: Record<string, string> };
  const tiers2021: Tier[] = [
    { to: 0, total: '6.0', caps: { A: '5.5', B: '4.0', C: '5.5', D: '4.0' } },
    { from: 0, to: 12, total: '4.0', caps: { A: '3.5', B: '3.0', C: '3.5', D: '3.0' } },
    { from: 12, to: 24, total: '2.0', caps: { A: '1.5', B: '1.0', C: '1.5', D: '1.0' } },
    { from: 24, to: 30, total: '1.0', caps: { A: '1.0', B: '1.0', C: '1.0', D: '1.0' } },
    { from: 30, to: 36, total: '0.0', caps: {} },
  ];
  const tiers2018: Tier[] = [
    { to: 0, total: '6.0', caps: { A: '5.5', B: '4.0', C: '5.5', D: '3.5' } },
    { from: 0, to: 12, total: '4.0', caps: { A: '3.5', B: '2.5', C: '3.5', D: '1.5' } },
    { from: 12, to: 24, total: '2.0', caps: { A: '1.5', B: '1.0', C: '1.5', D: '1.0' } },
    { from: 24, to: 30, total: '1.0', caps: { A: '1.0', B: '1.0', C: '1.0', D: '1.0' } },
    { from: 30, to: 36, total: '0.0', caps: {} },
  ];

  /** The tiers as the data states them: one total per month range, with the category caps of the same range. */
  function tiersOf(p: PolicyVersion): Tier[] {
    return p.requirements
      .filter((r): r is RequirementOf<'total'> => r.kind === 'total')
      .map((t) => {
        const range = t.when?.earnedMonthsIntoCycle ?? {};
        const caps: Record<string, string> = {};
        for (const r of p.requirements) {
          if (r.kind !== 'cap' || r.per !== 'cycle') continue;
          const m = r.when?.earnedMonthsIntoCycle;
          if (m?.from === range.from && m?.to === range.to)
            caps[String(r.where.category)] = formatUnits(r.units);
        }
        return {
          ...(range.from !== undefined ? { from: range.from } : {}),
          ...(range.to !== undefined ? { to: range.to } : {}),
          total: formatUnits(t.units),
          caps,
        };
      });
  }

  it.each([
    ['nsca.cscs', '2018-2020', tiers2018],
    ['nsca.cscs', '2021', tiers2021],
    ['nsca.cpt', '2021', tiers2021],
  ])('%s %s states the published table', (id, version, expected) => {
    expect(tiersOf(policy(id, version))).toEqual(expected);
  });

  it.each(['2018-2020', '2021'])(
    '%s tiers cover every certification date once, shrinking, and each is reachable',
    (version) => {
      const tiers = tiersOf(policy('nsca.cscs', version));
      // Consecutive ranges: each starts where the previous ended, from "before the period" to month 36.
      expect(tiers[0]!.from).toBeUndefined();
      tiers.slice(1).forEach((t, i) => {
        expect(t.from).toBe(tiers[i]!.to);
      });
      expect(tiers.at(-1)!.to).toBe(36);
      for (let i = 1; i < tiers.length; i++) {
        expect(Number(tiers[i]!.total)).toBeLessThan(Number(tiers[i - 1]!.total));
      }
      for (const t of tiers.filter((x) => x.total !== '0.0')) {
        const caps = Object.values(t.caps).map((c) => Math.round(Number(c) * 10));
        const total = Math.round(Number(t.total) * 10);
        // The category maxima together allow the total, and none exceeds it.
        expect(caps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(total);
        expect(Math.max(...caps)).toBeLessThanOrEqual(total);
      }
    },
  );

  it('asks for two categories in every tier that needs CE', () => {
    const minCategories = rule(policy('nsca.cscs'), 'min-categories');
    expect(minCategories.count).toBe(2);
    expect(minCategories.when?.earnedMonthsIntoCycle).toEqual({ to: 30 });
  });

  // The engine reads the same data: the 2024-2026 requirement by certification date, edges included.
  // Someone certified before the period has renewed for the previous one (with nothing due in it).
  it.each([
    ['2023-12-31', '6.0'],
    ['2024-01-01', '4.0'],
    ['2024-12-31', '4.0'],
    ['2025-01-01', '2.0'],
    ['2025-12-31', '2.0'],
    ['2026-01-01', '1.0'],
    ['2026-06-30', '1.0'],
    ['2026-07-01', '0.0'],
  ])('certified %s: %s CEUs due 2026-12-31', (earned, required) => {
    const renewals = earned < '2024-01-01' ? ['2023-12-31'] : [];
    const profile = Profile.parse({ holdings: [{ credential: 'nsca.cscs', earned, renewals }] });
    const holding = evaluate(profile, ruleSet, '2026-08-01').holdings[0]!;
    expect(holding.cycle?.end).toBe('2026-12-31');
    expect(holding.required).toBe(required);
  });
});

describe('invalid catalogs are rejected with file, line and field', () => {
  const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

  function issuesOf(dir: string): Located[] {
    try {
      loadCatalog(join(fixtures, dir));
    } catch (error) {
      if (error instanceof InputError) return error.issues;
      throw error;
    }
    throw new Error(`${dir} loaded without issues`);
  }

  it.each([
    ['bad-number-type', 14, 'credentials[0].policies[0].cycle.months', 'expected number'],
    ['bad-unknown-kind', 18, 'credentials[0].policies[0].requirements[1].kind', 'Invalid discriminator'],
    [
      'bad-unknown-source',
      16,
      'credentials[0].policies[0].requirements[0].sources[1]',
      'unknown source "S-TEST-9"',
    ],
    ['bad-overlap', 10, 'credentials[0].policies', 'policy versions "1" and "2" overlap'],
    [
      'bad-undefined-category',
      19,
      'credentials[0].policies[0].requirements[0].where.category',
      'category "C" is not defined in this policy version',
    ],
    ['bad-credential-prefix', 13, 'credentials[1].id', 'must start with the body id "demo."'],
    ['bad-yaml-syntax', 10, '', 'Flow sequence'],
  ])('%s: line %i, field "%s"', (dir, line, field, message) => {
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.file).toBe(relative(process.cwd(), join(fixtures, dir, 'rules', 'demo.yaml')));
    expect(issue.line).toBe(line);
    expect(issue.field).toBe(field);
    expect(issue.message).toContain(message);
  });
});
