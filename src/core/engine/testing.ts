/**
 * Builds small rule sets from inline YAML for engine tests, so each test
 * states exactly the rules it exercises.
 */
import { parse } from 'yaml';
import { Offering } from '../offerings/schema.ts';
import { type Profile, type ProfileInput, Profile as ProfileSchema } from '../profile/schema.ts';
import { RuleFile } from '../rules/schema.ts';
import { buildRuleSet, type RuleSet } from '../ruleset.ts';

export function ruleSetOf(...files: string[]): RuleSet {
  const parsed = files.map((text) => {
    const { offerings: _ignored, ...rules } = parse(text) as Record<string, unknown>;
    return RuleFile.parse(rules);
  });
  const offerings = files.flatMap((text) => {
    const raw = parse(text) as { offerings?: unknown[] };
    return (raw.offerings ?? []).map((o) => Offering.parse(o));
  });
  return buildRuleSet({
    bodies: parsed.map((f) => f.body),
    credentials: parsed.flatMap((f) => f.credentials.map((c) => ({ ...c, body: f.body.id }))),
    sources: [{ id: 'S-T-1', title: 'test source', kind: 'official' }],
    offerings,
  });
}

export function profileOf(input: ProfileInput): Profile {
  return ProfileSchema.parse(input);
}
