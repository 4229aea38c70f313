/**
 * A rule set: every body, credential, source and offering the engine knows,
 * indexed by id. Built once from validated files and then only read.
 */
import { type EpochDay, toEpochDay } from './dates.ts';
import type { Offering } from './offerings/schema.ts';
import type { Body, Credential, PolicyVersion, Source } from './rules/schema.ts';

export interface CredentialEntry extends Credential {
  readonly body: string;
}

export interface RuleSet {
  readonly bodies: ReadonlyMap<string, Body>;
  readonly credentials: ReadonlyMap<string, CredentialEntry>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly offerings: ReadonlyMap<string, Offering>;
}

export interface RuleSetParts {
  bodies: Body[];
  credentials: CredentialEntry[];
  sources: Source[];
  offerings: Offering[];
}

export function buildRuleSet(parts: RuleSetParts): RuleSet {
  return {
    bodies: new Map(parts.bodies.map((b) => [b.id, b])),
    credentials: new Map(parts.credentials.map((c) => [c.id, c])),
    sources: new Map(parts.sources.map((s) => [s.id, s])),
    offerings: new Map(parts.offerings.map((o) => [o.id, o])),
  };
}

/** The policy version in force on a date; versions never overlap (the schema checks). */
export function policyOn(credential: Credential, date: string): PolicyVersion | undefined {
  return credential.policies.find(
    (p) => p.effectiveFrom <= date && (p.effectiveTo === undefined || date <= p.effectiveTo),
  );
}

/** The policy in force on a date, or the nearest one when the date falls outside every version. */
export function policyNearest(credential: Credential, date: string): PolicyVersion | undefined {
  const exact = policyOn(credential, date);
  if (exact) return exact;
  // The earliest and latest versions, ordered once per credential (daysOf).
  const { first, last } = daysOf(credential);
  if (first && date < first.effectiveFrom) return first;
  return last;
}

export function matchesPattern(pattern: string, credentialId: string): boolean {
  if (pattern.endsWith('.*')) return credentialId.startsWith(pattern.slice(0, -1));
  return pattern === credentialId;
}

/** A credential's policy versions with their bounds as epoch days, for lookups by day. */
interface PolicyDays {
  /** In declared order (as `policyOn` searches them). */
  from: EpochDay[];
  /** The last day in force; Infinity for a version without an end. */
  to: number[];
  /** The earliest-starting version, and the latest (`policyNearest`'s fallbacks). */
  first: PolicyVersion | undefined;
  firstFrom: number;
  last: PolicyVersion | undefined;
}

const policyDays = new WeakMap<Credential, PolicyDays>();

function daysOf(credential: Credential): PolicyDays {
  let known = policyDays.get(credential);
  if (known === undefined) {
    const sorted = [...credential.policies].sort((a, b) =>
      a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0,
    );
    const first = sorted[0];
    known = {
      from: credential.policies.map((p) => toEpochDay(p.effectiveFrom)),
      to: credential.policies.map((p) =>
        p.effectiveTo === undefined ? Number.POSITIVE_INFINITY : toEpochDay(p.effectiveTo),
      ),
      first,
      firstFrom: first ? toEpochDay(first.effectiveFrom) : Number.NEGATIVE_INFINITY,
      last: sorted.at(-1),
    };
    policyDays.set(credential, known);
  }
  return known;
}

/** `policyOn` for an epoch day, without formatting it (cycle computations run it per cycle). */
export function policyOnDay(credential: Credential, day: EpochDay): PolicyVersion | undefined {
  const { from, to } = daysOf(credential);
  for (let i = 0; i < from.length; i++) if (from[i]! <= day && day <= to[i]!) return credential.policies[i];
  return undefined;
}

/** `policyNearest` for an epoch day. */
export function policyNearestDay(credential: Credential, day: EpochDay): PolicyVersion | undefined {
  return policyOnDay(credential, day) ?? policyOutsideDay(credential, day);
}

/** The version `policyNearestDay` takes on a day no version is in force: the first before it starts, else the last. */
export function policyOutsideDay(credential: Credential, day: EpochDay): PolicyVersion | undefined {
  const { first, firstFrom, last } = daysOf(credential);
  return first && day < firstFrom ? first : last;
}
