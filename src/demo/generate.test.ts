import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../catalog/load.ts';
import { type DemoBatch, generateDemo } from './generate.ts';

function population(seed: number, people = 600): DemoBatch[] {
  return [
    ...generateDemo({ people, seed, baseDate: '2026-01-01', ruleSet: shippedRuleSet(), batchSize: 250 }),
  ];
}

describe('the demo population', () => {
  it('is the same for the same seed, and different for another', () => {
    expect(population(42)).toEqual(population(42));
    expect(JSON.stringify(population(43))).not.toEqual(JSON.stringify(population(42)));
  });

  it('has a realistic mix', () => {
    const batches = population(1, 2000);
    const people = batches.flatMap((b) => b.people);
    const holdings = batches.flatMap((b) => b.holdings);
    const completions = batches.flatMap((b) => b.completions);
    expect(people).toHaveLength(2000);
    expect(batches.map((b) => b.people.length)).toEqual([250, 250, 250, 250, 250, 250, 250, 250]);

    const perPerson = new Map<string, number>();
    for (const h of holdings) perPerson.set(h.personId, (perPerson.get(h.personId) ?? 0) + 1);
    expect(Math.min(...perPerson.values())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...perPerson.values())).toBeLessThanOrEqual(4);

    const bodies = new Map<string, number>();
    for (const h of holdings) {
      const body = h.holding.credential.split('.')[0]!;
      bodies.set(body, (bodies.get(body) ?? 0) + 1);
    }
    const big5 = ['nasm', 'ace', 'acsm', 'nsca', 'issa'].reduce((sum, b) => sum + (bodies.get(b) ?? 0), 0);
    const cards = (bodies.get('aha') ?? 0) + (bodies.get('redcross') ?? 0);
    expect(big5 / (holdings.length - cards)).toBeGreaterThan(0.75);
    expect(cards / people.length).toBeGreaterThan(0.75);

    // Nothing after the base date, nothing before a holding's earned date, and CE bunched before deadlines.
    expect(completions.every((c) => c.completion.completed <= '2026-01-01')).toBe(true);
    expect(holdings.every((h) => h.holding.earned <= '2026-01-01')).toBe(true);
    const certifications = holdings.filter(
      (h) => !['aha', 'redcross'].includes(h.holding.credential.split('.')[0]!),
    );
    const cycles = certifications.reduce((sum, h) => sum + h.holding.renewals.length + 1, 0);
    expect(completions.length / cycles).toBeGreaterThan(5);
    expect(completions.length / cycles).toBeLessThan(12);

    const organisations = batches.flatMap((b) => b.organisations);
    expect(organisations).toHaveLength(50);
    const consents = batches.flatMap((b) => b.consents);
    expect(new Set(consents.map((c) => c.scope))).toEqual(new Set(['status', 'records']));
    expect(batches.flatMap((b) => b.roster)).toHaveLength(2000);
  });
});
