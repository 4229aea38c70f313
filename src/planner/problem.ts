/**
 * The planning problem, read from a profile, the rule set and the goals: which
 * cycles must be completed (obligations), which activities could help (the
 * catalog's offerings plus what the person already did), and what each one is
 * worth toward each obligation. This is the planner's only reading of the
 * rules; it leans on the engine's own cycle, card and credit-resolution code
 * so the two cannot drift apart.
 */

import { addMonths, type EpochDay, endOfMonth, toEpochDay, toIsoDate } from '../core/dates.ts';
import { matchesFilter } from '../core/engine/allocate.ts';
import { cardIssues, cyclesOf, nextWindow } from '../core/engine/cycle.ts';
import { AppError } from '../core/errors.ts';
import type { Credit, Format, Offering } from '../core/offerings/schema.ts';
import type { Profile } from '../core/profile/schema.ts';
import { behaviourOf, type ForeignCredit, type Resolution } from '../core/rules/registry.ts';
import type {
  ActivityType,
  CreditFilter,
  PolicyVersion,
  Requirement,
  RequirementOf,
} from '../core/rules/schema.ts';
import { type CredentialEntry, matchesPattern, policyNearest, type RuleSet } from '../core/ruleset.ts';
import type { Milli } from '../core/units.ts';
import type { PlanRequest } from './types.ts';

export type CardRule = RequirementOf<'card'>;

export interface CardCheck {
  rule: CardRule;
  /** The day the card must be valid on. */
  day: EpochDay;
  /** The card must be issued by this day: the body looks at the cards held when the renewal is submitted. */
  issuedBy: EpochDay;
  /** A card the person already holds covers the check. */
  heldCovered: boolean;
}

/** One cycle of a kept certification that must be complete by its end. */
export interface Obligation {
  id: number;
  holding: number;
  credential: CredentialEntry;
  unit: string;
  cycleIndex: number;
  start: EpochDay;
  end: EpochDay;
  /** Days on which planned CE counts toward this cycle (both ends inclusive). */
  windowStart: EpochDay;
  windowEnd: EpochDay;
  policy: PolicyVersion;
  rules: Requirement[];
  total: Milli;
  /** Units the card itself is worth, counted like a credit (NASM 0.1). */
  cardUnits: Milli;
  card?: CardCheck;
  late: boolean;
  fees: { kind: 'renewal' | 'late'; amount: number }[];
  petitionFee: number;
}

/** A date on which some CPR/AED card must be valid, with no certification asking (--keep-cards-current). */
export interface KeepCardCheck {
  day: EpochDay;
  cards: readonly string[];
  heldCovered: boolean;
}

export interface Activity {
  index: number;
  /** The offering id, or "completion:i" / "holding:<id>" for what is already done. */
  key: string;
  kind: 'offering' | 'done' | 'booked';
  offering?: Offering;
  title: string;
  provider?: string;
  type: ActivityType;
  format?: Format;
  price: number;
  priceCents: number;
  hours: number;
  hoursTenths: number;
  fixedDay?: EpochDay;
  availableFrom: EpochDay;
  availableTo: EpochDay;
  /** Credential this activity earns (specialization, certification or card). */
  grants?: CredentialEntry;
  /** Approved credits as the engine would read them for a completion. */
  credits: Credit[];
}

export interface Worth {
  units: Milli;
  category?: string | undefined;
  topic?: string | undefined;
  byPetition: boolean;
  via: string;
}

export interface Problem {
  ruleSet: RuleSet;
  profile: Profile;
  asOf: EpochDay;
  until: EpochDay;
  currency: string;
  obligations: Obligation[];
  keepCardChecks: KeepCardCheck[];
  activities: Activity[];
  /** Credentials to earn by `until` that are not yet held. */
  earn: CredentialEntry[];
  /** Already held, so a course granting them again is pointless. */
  held: Set<string>;
  /** Cycles that cannot be renewed any more, for the diagnosis. */
  expired: { credential: string; end: EpochDay; graceEnd: EpochDay }[];
  budgetCents?: number;
  hoursPerMonth?: number;
  fixedFees: number;
}

const DAY_MAX = toEpochDay('9999-12-31');
const DAY_MIN = toEpochDay('0001-01-01');

export function isKind<K extends Requirement['kind']>(kind: K) {
  return (rule: Requirement): rule is RequirementOf<K> => rule.kind === kind;
}

function applies(rule: Requirement, earned: EpochDay, cycleIndex: number, periodStart: EpochDay): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.cycleIndexFrom !== undefined && cycleIndex < when.cycleIndexFrom) return false;
  const w = when.earnedMonthsIntoCycle;
  if (w) {
    const months = monthsFrom(periodStart, earned);
    if (w.from !== undefined && months < w.from) return false;
    if (w.to !== undefined && months >= w.to) return false;
  }
  return true;
}

/** Whole months from a to b, negative when b is before a (same reading as the engine). */
function monthsFrom(a: EpochDay, b: EpochDay): number {
  const da = toIsoDate(a);
  const db = toIsoDate(b);
  if (b < a) return -monthsFrom(b, a) - (da.slice(8) !== db.slice(8) ? 1 : 0);
  let months =
    (Number(db.slice(0, 4)) - Number(da.slice(0, 4))) * 12 +
    (Number(db.slice(5, 7)) - Number(da.slice(5, 7)));
  if (Number(db.slice(8)) < Number(da.slice(8))) months--;
  return months;
}

function graceEndOf(end: EpochDay, policy: PolicyVersion): EpochDay {
  const late = policy.lateRenewal;
  if (!late) return end;
  let grace = end;
  if (late.graceDays !== undefined) grace = Math.max(grace, end + late.graceDays);
  if (late.graceMonths !== undefined) grace = Math.max(grace, addMonths(end, late.graceMonths));
  return grace;
}

export function cardAccepted(rule: CardRule, card: CredentialEntry, handsOn: boolean | undefined): boolean {
  if (card.kind !== 'card' || !card.validity) return false;
  const accepted = rule.accepts
    ? rule.accepts.includes(card.id)
    : rule.covers.every((c) => card.covers.includes(c));
  if (!accepted) return false;
  return !(rule.handsOn && (handsOn ?? card.handsOn) === false);
}

/** The last day a card issued on `issued` is valid. */
export function cardExpiry(card: CredentialEntry, issued: EpochDay): EpochDay {
  const v = card.validity!;
  const after = addMonths(issued, v.months);
  return v.anchor === 'end-of-month' ? endOfMonth(after) : after;
}

/** The first issue day whose card is still valid on `check` (validity is monotone in the issue day). */
export function earliestIssueCovering(card: CredentialEntry, check: EpochDay): EpochDay {
  let lo = addMonths(check, -card.validity!.months) - 62;
  let hi = check;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (cardExpiry(card, mid) >= check) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function renewalFees(policy: PolicyVersion, member: boolean | undefined, lifetimePlan: boolean | undefined) {
  const lifetime = policy.fees.find((f) => f.kind === 'lifetime' && f.waives?.includes('renewal'));
  if (lifetimePlan && lifetime) return [];
  const audience = member === true ? 'member' : 'non-member';
  const fee = policy.fees.find(
    (f) =>
      f.kind === 'renewal' && f.condition === undefined && (f.audience === 'all' || f.audience === audience),
  );
  return fee ? [{ kind: 'renewal' as const, amount: fee.amount }] : [];
}

/**
 * How far ahead a plan may reach. Rules and prices change well within it, and the model grows with
 * every cycle: a plan through the year 9999 took the API's thread for most of a minute.
 */
export const MAX_PLAN_YEARS = 20;

/** Reads the problem; throws AppError('invalid-input') for goals that name unknown credentials. */
export function readProblem(profile: Profile, ruleSet: RuleSet, request: PlanRequest): Problem {
  const asOf = toEpochDay(request.asOf);
  const until = toEpochDay(request.goals.until);
  if (until < asOf) {
    throw AppError.invalid(
      `the plan's end (until) ${request.goals.until} is before its start ${request.asOf}`,
      [{ field: 'goals.until', message: `must be on or after ${request.asOf}` }],
    );
  }
  const latest = addMonths(asOf, MAX_PLAN_YEARS * 12);
  if (until > latest) {
    throw AppError.invalid(
      `the plan's end (until) ${request.goals.until} is more than ${MAX_PLAN_YEARS} years after its start ${request.asOf}`,
      [{ field: 'goals.until', message: `must be on or before ${toIsoDate(latest)}` }],
    );
  }
  const constraints = request.constraints ?? {};
  const letLapse = new Set(request.goals.letLapse ?? []);
  for (const id of [...letLapse, ...(request.goals.earn ?? [])]) {
    if (!ruleSet.credentials.has(id)) {
      throw AppError.invalid(`"${id}" is not a credential in the catalog`, [
        { field: 'goals', message: `unknown credential "${id}"` },
      ]);
    }
  }

  const held = new Set(
    profile.holdings.filter((h) => toEpochDay(h.earned) <= until).map((h) => h.credential),
  );
  const obligations: Obligation[] = [];
  const expired: Problem['expired'] = [];

  profile.holdings.forEach((holding, hi) => {
    const credential = ruleSet.credentials.get(holding.credential);
    if (credential?.kind !== 'certification' || letLapse.has(credential.id)) return;
    const earned = toEpochDay(holding.earned);
    const renewals = holding.renewals.map((r) =>
      typeof r === 'string'
        ? { day: toEpochDay(r), kind: 'renewal' as const }
        : { day: toEpochDay(r.date), kind: r.kind },
    );
    const past = cyclesOf(
      credential,
      earned,
      renewals,
      holding.expires ? toEpochDay(holding.expires) : undefined,
      asOf,
    );
    let cycle = past.at(-1);
    let previousEnd = past.at(-2)?.end;
    while (cycle?.policy && cycle.end < until) {
      const policy = cycle.policy;
      const rules = policy.requirements.filter((r) => applies(r, earned, cycle!.index, cycle!.periodStart));
      const late = asOf > cycle.end;
      const graceEnd = graceEndOf(cycle.end, policy);
      if (late && asOf > graceEnd) {
        expired.push({ credential: credential.id, end: cycle.end, graceEnd });
        break;
      }
      const lateDays = Math.max(0, ...rules.filter(isKind('late-credit')).map((r) => r.days));
      const fees: Obligation['fees'] = renewalFees(policy, holding.member, holding.lifetimePlan);
      if (late) {
        // Submitted on the last day late CE still counts: the fee band for that day.
        const submitDay = Math.max(asOf, cycle.end + lateDays);
        const band = policy.lateRenewal?.bands.find(
          (b) => b.fromDay <= submitDay - cycle!.end && submitDay - cycle!.end <= b.toDay,
        );
        if (band) fees.push({ kind: 'late', amount: band.fee });
      }
      const cardRule = rules.find(isKind('card'));
      const obligation: Obligation = {
        id: obligations.length,
        holding: hi,
        credential,
        unit: credential.unit?.code ?? 'units',
        cycleIndex: cycle.index,
        start: cycle.start,
        end: cycle.end,
        // A day shared with the previous cycle is left to that cycle, so a plan never leans on one course twice.
        windowStart: Math.max(cycle.start, earned, previousEnd === undefined ? DAY_MIN : previousEnd + 1),
        windowEnd: late ? cycle.end + lateDays : cycle.end,
        policy,
        rules,
        total: Math.max(0, ...rules.filter(isKind('total')).map((r) => r.units)),
        cardUnits: cardRule?.units ?? 0,
        late,
        fees,
        petitionFee: policy.fees.find((f) => f.kind === 'petition')?.amount ?? 0,
      };
      if (cardRule) {
        const day =
          (cardRule.checkOn === 'submission'
            ? late
              ? Math.max(asOf, obligation.windowEnd)
              : cycle.end
            : cycle.end) + cardRule.validDaysAfterCheck;
        obligation.card = {
          rule: cardRule,
          day,
          issuedBy: Math.min(day, late ? obligation.windowEnd : cycle.end),
          heldCovered: heldCardCovers(profile, ruleSet, day, (c, h) => cardAccepted(cardRule, c, h)),
        };
      }
      obligations.push(obligation);
      previousEnd = cycle.end;
      // The next window follows this cycle's own anchor rule, as the engine lays cycles out.
      const window = nextWindow(policy.cycle, cycle.end);
      const endIso = toIsoDate(window.end);
      const nextPolicy =
        credential.policies.find(
          (p) => p.effectiveFrom <= endIso && (p.effectiveTo === undefined || endIso <= p.effectiveTo),
        ) ?? policyNearest(credential, endIso);
      cycle = {
        index: cycle.index + 1,
        start: window.start,
        end: window.end,
        periodStart: window.periodStart,
        computedEnd: window.end,
        policy: nextPolicy,
        policyInferred: false,
      };
    }
  });

  const keepCardChecks: KeepCardCheck[] = [];
  if (request.goals.keepCardsCurrent) {
    const cards = acceptedKeepCards(profile, ruleSet, obligations);
    // Cards end on a month end or a fixed day; checking the as-of date, every month start and the until
    // date finds any gap for month-end cards, the kind every body in the catalog issues.
    const days = new Set<EpochDay>([asOf, until]);
    for (let d = endOfMonth(asOf) + 1; d <= until; d = endOfMonth(d) + 1) days.add(d);
    for (const day of [...days].sort((a, b) => a - b)) {
      keepCardChecks.push({
        day,
        cards,
        heldCovered: heldCardCovers(profile, ruleSet, day, (c) => cards.includes(c.id)),
      });
    }
  }

  const activities = readActivities(profile, ruleSet, request, asOf, until, held);
  const earn = (request.goals.earn ?? [])
    .filter((id) => !held.has(id))
    .map((id) => ruleSet.credentials.get(id)!)
    .sort((a, b) => a.id.localeCompare(b.id));

  const fixedFees = obligations.reduce((s, o) => s + o.fees.reduce((t, f) => t + f.amount, 0), 0);
  const currency = 'USD';
  const problem: Problem = {
    ruleSet,
    profile,
    asOf,
    until,
    currency,
    obligations,
    keepCardChecks,
    activities,
    earn,
    held,
    expired,
    fixedFees,
  };
  if (constraints.budget !== undefined) problem.budgetCents = Math.round(constraints.budget * 100);
  if (constraints.hoursPerMonth !== undefined) problem.hoursPerMonth = constraints.hoursPerMonth;
  return problem;
}

function acceptedKeepCards(profile: Profile, ruleSet: RuleSet, obligations: Obligation[]): string[] {
  const ids = new Set<string>();
  for (const card of ruleSet.credentials.values()) {
    if (card.kind !== 'card') continue;
    const rules = obligations.map((o) => o.card?.rule).filter((r): r is CardRule => r !== undefined);
    if (
      rules.length > 0
        ? rules.every((r) => cardAccepted(r, card, undefined))
        : profile.holdings.some((h) => h.credential === card.id)
    ) {
      ids.add(card.id);
    }
  }
  if (ids.size === 0)
    for (const card of ruleSet.credentials.values()) if (card.kind === 'card') ids.add(card.id);
  return [...ids].sort();
}

function heldCardCovers(
  profile: Profile,
  ruleSet: RuleSet,
  day: EpochDay,
  accepts: (card: CredentialEntry, handsOn: boolean | undefined) => boolean,
): boolean {
  return profile.holdings.some((h) => {
    const card = ruleSet.credentials.get(h.credential);
    if (card?.kind !== 'card' || !card.validity || !accepts(card, h.handsOn)) return false;
    const renewals = h.renewals.map((r) =>
      typeof r === 'string'
        ? { day: toEpochDay(r), kind: 'renewal' as const }
        : { day: toEpochDay(r.date), kind: r.kind },
    );
    const issues = cardIssues(
      card.validity,
      toEpochDay(h.earned),
      renewals,
      h.expires ? toEpochDay(h.expires) : undefined,
      DAY_MAX,
    );
    return issues.some((i) => i.issued <= day && day <= i.expires);
  });
}

function providerAllowed(provider: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  const p = provider?.toLowerCase();
  return p !== undefined && allowed.some((a) => a.toLowerCase() === p);
}

function readActivities(
  profile: Profile,
  ruleSet: RuleSet,
  request: PlanRequest,
  asOf: EpochDay,
  until: EpochDay,
  held: Set<string>,
): Activity[] {
  const activities: Activity[] = [];
  const constraints = request.constraints ?? {};
  const add = (a: Omit<Activity, 'index'>) => activities.push({ ...a, index: activities.length } as Activity);
  const base = (o: Offering) => ({
    offering: o,
    title: o.title,
    ...(o.provider !== undefined ? { provider: o.provider } : {}),
    type: o.type ?? 'course',
    ...(o.format !== undefined ? { format: o.format } : {}),
    ...(o.grants !== undefined && ruleSet.credentials.get(o.grants)
      ? { grants: ruleSet.credentials.get(o.grants)! }
      : {}),
    credits: o.credits.filter((c) => c.status === 'approved'),
  });

  // What is already done: completions (past or booked in the profile) and held credentials that earn CE.
  profile.completions.forEach((c, i) => {
    const offering = c.activity ? ruleSet.offerings.get(c.activity) : undefined;
    if (offering?.grants && held.has(offering.grants)) return; // the holding carries the credit
    const claimed = new Set(c.credits.map((k) => k.credential));
    const credits = [
      ...c.credits,
      ...(offering?.credits ?? []).filter((k) => !claimed.has(k.credential)),
    ].filter((k) => k.status === 'approved');
    const day = toEpochDay(c.completed);
    const title = c.title ?? offering?.title ?? c.activity ?? `completion ${i + 1}`;
    const provider = c.provider ?? offering?.provider;
    add({
      key: `completion:${i}`,
      kind: 'done',
      title,
      ...(provider !== undefined ? { provider } : {}),
      type: c.type ?? offering?.type ?? (c.college ? 'college' : 'course'),
      price: 0,
      priceCents: 0,
      hours: c.hours ?? offering?.hours ?? 0,
      hoursTenths: 0,
      fixedDay: day,
      availableFrom: day,
      availableTo: day,
      credits,
    });
  });
  profile.holdings.forEach((h) => {
    const credential = ruleSet.credentials.get(h.credential);
    if (!credential || credential.creditsToward.length === 0) return;
    const day = toEpochDay(h.earned);
    add({
      key: `holding:${credential.id}`,
      kind: 'done',
      title: `Earned ${credential.name}`,
      ...(ruleSet.bodies.get(credential.body)?.providerNames[0]
        ? { provider: ruleSet.bodies.get(credential.body)!.providerNames[0]! }
        : {}),
      type: 'credential',
      price: 0,
      priceCents: 0,
      hours: 0,
      hoursTenths: 0,
      fixedDay: day,
      availableFrom: day,
      availableTo: day,
      grants: credential,
      credits: [],
    });
  });

  const bookedIds = new Set<string>();
  for (const [i, b] of (constraints.booked ?? []).entries()) {
    const o = ruleSet.offerings.get(b.activity);
    if (!o)
      throw AppError.invalid(`booked activity "${b.activity}" is not in the catalog`, [
        { field: `booked[${i}]`, message: 'unknown offering' },
      ]);
    const day = toEpochDay(b.date);
    bookedIds.add(o.id);
    add({
      key: o.id,
      kind: 'booked',
      ...base(o),
      price: o.price ?? 0,
      priceCents: Math.round((o.price ?? 0) * 100),
      hours: o.hours ?? 0,
      hoursTenths: Math.round((o.hours ?? 0) * 10),
      fixedDay: day,
      availableFrom: day,
      availableTo: day,
    });
  }

  const offerings = [...ruleSet.offerings.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const o of offerings) {
    const grants = o.grants ? ruleSet.credentials.get(o.grants) : undefined;
    if (grants && held.has(grants.id)) continue;
    if (constraints.formats?.length && (!o.format || !constraints.formats.includes(o.format))) continue;
    // Provider limits are about CE; a CPR/AED card comes from whoever teaches it.
    if (grants?.kind !== 'card' && !providerAllowed(o.provider, constraints.providers)) continue;
    const from = Math.max(asOf, o.availableFrom ? toEpochDay(o.availableFrom) : asOf);
    const to = Math.min(until, o.availableTo ? toEpochDay(o.availableTo) : until);
    if (from > to) continue;
    add({
      key: o.id,
      kind: 'offering',
      ...base(o),
      price: o.price ?? 0,
      priceCents: Math.round((o.price ?? 0) * 100),
      hours: o.hours ?? 0,
      hoursTenths: Math.round((o.hours ?? 0) * 10),
      availableFrom: from,
      availableTo: to,
    });
  }
  return activities;
}

/**
 * What an activity is worth toward one obligation, read the way the engine
 * reads a completion: a credential's own credit for the targets it names
 * (the course that granted it is the same event), else a direct approval,
 * else the policy's acceptance rules; per-activity and per-event caps clip it.
 */
export function worthToward(activity: Activity, obligation: Obligation): Worth | undefined {
  const target = obligation.credential.id;
  // A card course worth units by the card rule is the card itself: the engine counts the card, not the course.
  if (activity.grants?.kind === 'card' && obligation.cardUnits > 0) return undefined;
  let worth: Worth | undefined;
  const toward = activity.grants?.creditsToward.find((t) => t.credential === target);
  if (toward) {
    worth = {
      units: toward.units,
      category: toward.category,
      topic: toward.topic,
      byPetition: false,
      via: `earning ${activity.grants!.id}`,
    };
  } else {
    const direct = activity.credits.find((c) => c.credential === target);
    if (direct) {
      worth = {
        units: direct.units,
        category: direct.category,
        topic: direct.topic,
        byPetition: false,
        via: 'approved',
      };
    } else {
      const foreign: ForeignCredit[] = activity.credits.map((k) => ({
        credential: k.credential,
        units: k.units,
        category: k.category,
        topic: k.topic,
      }));
      const attrs = { type: activity.type, provider: activity.provider };
      const input = {
        credential: target,
        foreign,
        hours: activity.hours > 0 ? activity.hours : undefined,
        college: undefined,
        matches: (filter: CreditFilter | undefined) => matchesFilter(attrs, filter),
        matchesPattern,
      };
      for (const rule of obligation.rules) {
        const resolve = behaviourOf(rule.kind).resolve as
          | ((r: Requirement, i: typeof input) => Resolution | undefined)
          | undefined;
        const r = resolve?.(rule, input);
        if (!r) continue;
        worth = {
          units: r.units,
          category: r.category,
          topic: r.topic,
          byPetition: r.byPetition,
          via: r.via,
        };
        break;
      }
    }
  }
  if (!worth || worth.units <= 0) return undefined;
  const attrs = {
    category: worth.category,
    topic: worth.topic,
    type: activity.type,
    provider: activity.provider,
  };
  for (const cap of obligation.rules.filter(isKind('cap'))) {
    if ((cap.per === 'completion' || cap.per === 'event') && matchesFilter(attrs, cap.where)) {
      worth = { ...worth, units: Math.min(worth.units, cap.units) };
    }
  }
  return worth.units > 0 ? worth : undefined;
}

export function worthAttributes(activity: Activity, worth: Worth) {
  return { category: worth.category, topic: worth.topic, type: activity.type, provider: activity.provider };
}

/** Attributes the engine gives the card's own credit. */
export function cardAttributes(rule: CardRule) {
  return { category: rule.category, topic: rule.topic, type: 'card' as const, provider: undefined };
}
