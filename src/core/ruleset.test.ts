/**
 * Policy lookups by epoch day (cycle computations) against the same lookups by ISO date, for every
 * shipped credential and a made-up one with a gap between its versions, on every day from before
 * the first version to after the last.
 */
import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../catalog/load.ts';
import { toEpochDay, toIsoDate } from './dates.ts';
import type { Credential } from './rules/schema.ts';
import { policyNearest, policyNearestDay, policyOn, policyOnDay } from './ruleset.ts';

function agreeEveryDay(credential: Credential): number {
  let checked = 0;
  for (let day = toEpochDay('1999-06-01'); day <= toEpochDay('2032-12-31'); day += 1) {
    const iso = toIsoDate(day);
    expect(policyOnDay(credential, day)).toBe(policyOn(credential, iso));
    expect(policyNearestDay(credential, day)).toBe(policyNearest(credential, iso));
    checked++;
  }
  return checked;
}

describe('policy lookups by day', () => {
  it('give the version in force, or the nearest, exactly as the lookups by date do', () => {
    const credentials = [...shippedRuleSet().credentials.values()];
    expect(credentials.some((c) => c.policies.length > 1)).toBe(true);
    for (const credential of credentials) expect(agreeEveryDay(credential)).toBeGreaterThan(12_000);
  });

  it('fall back across a gap between versions, and before the first, as the lookups by date do', () => {
    const base = [...shippedRuleSet().credentials.values()].find((c) => c.policies.length > 0)!;
    const version = base.policies[0]!;
    // Declared out of order, with a gap from 2015 to 2019: nearest is the last before it starts.
    const credential: Credential = {
      ...base,
      policies: [
        { ...version, version: 'late', effectiveFrom: '2020-01-01', effectiveTo: undefined },
        { ...version, version: 'early', effectiveFrom: '2010-01-01', effectiveTo: '2014-12-31' },
      ],
    };
    agreeEveryDay(credential);
    expect(policyNearestDay(credential, toEpochDay('2005-05-05'))?.version).toBe('early');
    expect(policyNearestDay(credential, toEpochDay('2017-05-05'))?.version).toBe('late');
    expect(policyOnDay(credential, toEpochDay('2017-05-05'))).toBeUndefined();
    expect(policyOnDay(credential, toEpochDay('2014-12-31'))?.version).toBe('early');
  });
});
