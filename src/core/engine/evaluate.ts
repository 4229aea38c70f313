/**
 * evaluate(profile, ruleSet, asOf): the status of every holding on a date.
 *
 * Pure and total: it never reads the clock, never mutates its inputs, and
 * reports problems in the data as findings rather than throwing. Each result
 * names the rule version and the sources it relied on.
 */
import { addMonths, type EpochDay, monthsBetween, toEpochDay, toIsoDate, yearOf } from '../dates.ts';
import type { Credit, Offering } from '../offerings/schema.ts';
import type { Completion, Holding, Profile } from '../profile/schema.ts';
import {
  behaviourOf,
  type DescribeContext,
  describeRequirement,
  type ForeignCredit,
  progressOf,
  type Tally,
} from '../rules/registry.ts';
import type {
  ActivityType,
  Confidence,
  PolicyVersion,
  Provenance,
  Requirement,
  RequirementOf,
} from '../rules/schema.ts';
import { type CredentialEntry, matchesPattern, type RuleSet } from '../ruleset.ts';
import { formatUnits, type Milli } from '../units.ts';
import { type AllocationModel, allocate, extraCreditClasses, type Item, matchesFilter } from './allocate.ts';
import { type CardIssue, type Cycle, cardIssues, cyclesOf, type RenewalEvent } from './cycle.ts';
import type {
  Allocation,
  AllocationReason,
  EvaluateOptions,
  Evaluation,
  FeeDue,
  Finding,
  HoldingResult,
  LowConfidenceFact,
  NextAction,
  RequirementResult,
  SourceRef,
} from './result.ts';

const DEFAULT_DUE_SOON_DAYS = 90;

/** A completion prepared once per evaluation, shared by every holding. */
interface PreparedCompletion {
  index: number;
  completion: Completion;
  day: EpochDay;
  offering: Offering | undefined;
  credits: Credit[];
  title: string;
  provider: string | undefined;
  type: ActivityType;
  event: string;
  /** Identifies "the same course" for no-repeat rules. */
  activityKey: string;
  grants: string | undefined;
}

interface PreparedHolding {
  index: number;
  holding: Holding;
  credential: CredentialEntry | undefined;
  earned: EpochDay;
  renewals: RenewalEvent[];
  printed: EpochDay | undefined;
}

interface Context {
  ruleSet: RuleSet;
  asOf: EpochDay;
  dueSoonDays: number;
  completions: PreparedCompletion[];
  holdings: PreparedHolding[];
}

export function evaluate(
  profile: Profile,
  ruleSet: RuleSet,
  asOf: string,
  options: EvaluateOptions = {},
): Evaluation {
  const asOfDay = toEpochDay(asOf);
  const findings: Finding[] = [];
  const completions = profile.completions.map((c, i) => prepareCompletion(c, i, ruleSet, findings));
  const holdings = profile.holdings.map((h, i) => prepareHolding(h, i, ruleSet));
  const ctx: Context = {
    ruleSet,
    asOf: asOfDay,
    dueSoonDays: options.dueSoonDays ?? DEFAULT_DUE_SOON_DAYS,
    completions,
    holdings,
  };

  for (const c of completions) {
    if (c.day > asOfDay) {
      findings.push({
        code: 'future-dated',
        severity: 'info',
        path: ['completions', c.index, 'completed'],
        message: `"${c.title}" is dated ${c.completion.completed}, after ${asOf}; it is not counted yet.`,
      });
    }
  }
  const seen = new Map<string, number>();
  for (const h of holdings) {
    const id = h.holding.credential;
    if (!h.credential) {
      findings.push({
        code: 'unknown-credential',
        severity: 'error',
        path: ['holdings', h.index, 'credential'],
        message: `"${id}" is not a credential in the catalog.`,
      });
    }
    const first = seen.get(id);
    if (first !== undefined) {
      findings.push({
        code: 'duplicate-holding',
        severity: 'warning',
        path: ['holdings', h.index, 'credential'],
        message: `${id} is listed twice (holdings ${first} and ${h.index}); record renewals on one holding instead.`,
      });
    } else seen.set(id, h.index);
  }

  return {
    asOf,
    holdings: holdings.map((h) => evaluateHolding(ctx, h)),
    findings,
  };
}

// ---------------------------------------------------------------------------
// Preparation

function prepareCompletion(completion: Completion, index: number, ruleSet: RuleSet, findings: Finding[]) {
  const offering = completion.activity ? ruleSet.offerings.get(completion.activity) : undefined;
  if (completion.activity && !offering) {
    findings.push({
      code: 'unknown-activity',
      severity: completion.credits.length ? 'info' : 'warning',
      path: ['completions', index, 'activity'],
      message: `"${completion.activity}" is not an offering in the catalog; only the credits listed with the completion count.`,
    });
  }
  // Claimed credits override the catalog's approval for the same credential.
  const claimed = new Set(completion.credits.map((c) => c.credential));
  const credits = [
    ...completion.credits,
    ...(offering?.credits ?? []).filter((c) => !claimed.has(c.credential)),
  ];
  for (const [i, credit] of completion.credits.entries()) {
    if (!ruleSet.credentials.has(credit.credential)) {
      findings.push({
        code: 'unknown-credential',
        severity: 'warning',
        path: ['completions', index, 'credits', i, 'credential'],
        message: `"${credit.credential}" is not a credential in the catalog; this credit is ignored.`,
      });
    }
  }
  const title = completion.title ?? offering?.title ?? completion.activity ?? `completion ${index + 1}`;
  const provider = completion.provider ?? offering?.provider;
  const prepared: PreparedCompletion = {
    index,
    completion,
    day: toEpochDay(completion.completed),
    offering,
    credits,
    title,
    provider,
    type: completion.type ?? offering?.type ?? (completion.college ? 'college' : 'course'),
    event: completion.event ?? `completion:${index}`,
    activityKey:
      completion.activity ?? `${title.trim().toLowerCase()}|${(provider ?? '').trim().toLowerCase()}`,
    grants: offering?.grants,
  };
  return prepared;
}

function prepareHolding(holding: Holding, index: number, ruleSet: RuleSet): PreparedHolding {
  return {
    index,
    holding,
    credential: ruleSet.credentials.get(holding.credential),
    earned: toEpochDay(holding.earned),
    renewals: holding.renewals.map((r) =>
      typeof r === 'string'
        ? { day: toEpochDay(r), kind: 'renewal' }
        : { day: toEpochDay(r.date), kind: r.kind },
    ),
    printed: holding.expires ? toEpochDay(holding.expires) : undefined,
  };
}

// ---------------------------------------------------------------------------
// Per holding

function baseResult(h: PreparedHolding, credential: CredentialEntry): HoldingResult {
  return {
    holding: h.index,
    credential: credential.id,
    name: credential.name,
    kind: credential.kind,
    status: 'unknown',
    requirements: [],
    allocations: [],
    fees: [],
    nextActions: [],
    findings: [],
    sources: [],
    lowConfidence: [],
  };
}

function evaluateHolding(ctx: Context, h: PreparedHolding): HoldingResult {
  const credential = h.credential;
  if (!credential) {
    return {
      holding: h.index,
      credential: h.holding.credential,
      name: h.holding.credential,
      kind: 'certification',
      status: 'unknown',
      requirements: [],
      allocations: [],
      fees: [],
      nextActions: [
        { code: 'fix-credential', message: 'Check the credential id against `recert rules list`.' },
      ],
      findings: [
        {
          code: 'unknown-credential',
          severity: 'error',
          path: ['holdings', h.index, 'credential'],
          message: `"${h.holding.credential}" is not a credential in the catalog.`,
        },
      ],
      sources: [],
      lowConfidence: [],
    };
  }
  const facts = new FactLog(ctx.ruleSet);
  let result: HoldingResult;
  if (credential.kind === 'specialization') result = evaluateSpecialization(ctx, h, credential, facts);
  else if (credential.kind === 'card') result = evaluateCard(ctx, h, credential, facts);
  else result = evaluateCertification(ctx, h, credential, facts);
  result.sources = facts.sources();
  result.lowConfidence = facts.lowConfidence();
  const lows = result.lowConfidence.length;
  if (lows > 0) {
    result.findings.push({
      code: 'low-confidence',
      severity: 'info',
      path: ['holdings', h.index],
      message: `This result relies on ${lows === 1 ? 'a fact' : `${lows} facts`} marked low confidence (${result.lowConfidence.map((f) => f.fact).join('; ')}); confirm with the body.`,
    });
  }
  return inReadingOrder(result);
}

/** The same result with its keys in the order a reader wants them (JSON keeps insertion order). */
function inReadingOrder(r: HoldingResult): HoldingResult {
  const {
    holding,
    credential,
    name,
    kind,
    status,
    cycle,
    daysLeft,
    unit,
    required,
    counted,
    missing,
    ...rest
  } = r;
  return {
    holding,
    credential,
    name,
    kind,
    status,
    ...(cycle ? { cycle } : {}),
    ...(daysLeft !== undefined ? { daysLeft } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(required !== undefined ? { required } : {}),
    ...(counted !== undefined ? { counted } : {}),
    ...(missing !== undefined ? { missing } : {}),
    ...rest,
  };
}

function evaluateSpecialization(
  ctx: Context,
  h: PreparedHolding,
  credential: CredentialEntry,
  facts: FactLog,
): HoldingResult {
  const result = baseResult(h, credential);
  result.status = 'permanent';
  if (credential.kindProvenance) facts.use(`${credential.name} does not expire`, credential.kindProvenance);
  for (const t of credential.creditsToward) {
    facts.use(`${credential.name} counts ${formatUnits(t.units)} toward ${t.credential}`, t);
  }
  if (h.earned > ctx.asOf) {
    result.findings.push({
      code: 'future-earned',
      severity: 'warning',
      path: ['holdings', h.index, 'earned'],
      message: `Earned date ${h.holding.earned} is after the as-of date.`,
    });
  }
  return result;
}

function evaluateCard(
  ctx: Context,
  h: PreparedHolding,
  credential: CredentialEntry,
  facts: FactLog,
): HoldingResult {
  const result = baseResult(h, credential);
  const validity = credential.validity;
  if (!validity) return result;
  facts.use(`${credential.name} is valid ${validity.months} months`, validity);
  const issues = cardIssues(validity, h.earned, h.renewals, h.printed, ctx.asOf);
  const current = issues.filter((i) => i.issued <= ctx.asOf).at(-1);
  if (!current) {
    // Issued after the as-of date: there is no card yet, which is not the same as an expired one.
    result.status = 'unknown';
    result.findings.push({
      code: 'future-earned',
      severity: 'warning',
      path: ['holdings', h.index, 'earned'],
      message: `Issued ${h.holding.earned}, after the as-of date.`,
    });
    return result;
  }
  const daysLeft = current.expires - ctx.asOf;
  result.cycle = {
    index: issues.indexOf(current),
    start: toIsoDate(current.issued),
    end: toIsoDate(current.expires),
  };
  if (current.expires !== current.computedExpires) {
    result.cycle.computedEnd = toIsoDate(current.computedExpires);
    result.findings.push(expiryMismatch(h, current.expires, current.computedExpires));
  }
  result.daysLeft = daysLeft;
  result.status = daysLeft < 0 ? 'expired' : daysLeft <= ctx.dueSoonDays ? 'due-soon' : 'valid';
  if (result.status !== 'valid') {
    result.nextActions.push({
      code: 'renew-card',
      ...(daysLeft >= 0 ? { by: toIsoDate(current.expires) } : {}),
      message:
        daysLeft >= 0
          ? `Retake the ${credential.name} course before the card expires on ${toIsoDate(current.expires)}.`
          : `The card expired on ${toIsoDate(current.expires)}; retake the course.`,
    });
  }
  return result;
}

function expiryMismatch(h: PreparedHolding, printed: EpochDay, computed: EpochDay): Finding {
  return {
    code: 'expiry-mismatch',
    severity: 'warning',
    path: ['holdings', h.index, 'expires'],
    message: `The printed expiry ${toIsoDate(printed)} differs from the ${toIsoDate(computed)} the rules compute; the printed date is used.`,
  };
}

// ---------------------------------------------------------------------------
// Certifications

interface Candidate extends Item {
  ref: string;
  completion: number | null;
  title: string;
  day: EpochDay;
  offered: Milli;
  reason?: AllocationReason;
  message?: string;
  /** A credit the profile does not have yet (a missing card), counted only to size `missing`. */
  virtual?: boolean;
  /** Identifies the same course for no-repeat rules. */
  activityKey?: string;
}

function applies(rule: Requirement, h: PreparedHolding, cycle: Cycle): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.cycleIndexFrom !== undefined && cycle.index < when.cycleIndexFrom) return false;
  const window = when.earnedMonthsIntoCycle;
  if (window) {
    const months = monthsFrom(cycle.periodStart, h.earned);
    if (window.from !== undefined && months < window.from) return false;
    if (window.to !== undefined && months >= window.to) return false;
  }
  return true;
}

/** Whole months from a to b, rounded down: negative when b is before a (earned before the period began). */
function monthsFrom(a: EpochDay, b: EpochDay): number {
  let months = monthsBetween(a, b);
  if (addMonths(a, months) > b) months--;
  return months;
}

function describeContext(credential: CredentialEntry, policy: PolicyVersion): DescribeContext {
  return {
    unit: credential.unit?.code ?? 'units',
    categoryName: (code) => policy.categories.find((c) => c.code === code)?.name ?? code,
    topicName: (code) => policy.topics.find((t) => t.code === code)?.name ?? code,
  };
}

function evaluateCertification(
  ctx: Context,
  h: PreparedHolding,
  credential: CredentialEntry,
  facts: FactLog,
): HoldingResult {
  const result = baseResult(h, credential);
  const cycles = cyclesOf(credential, h.earned, h.renewals, h.printed, ctx.asOf);
  const cycle = cycles.at(-1);
  const policy = cycle?.policy;
  if (!cycle || !policy) {
    result.findings.push({
      code: 'no-rule-version',
      severity: 'error',
      path: ['holdings', h.index],
      message: `No renewal policy is on file for ${credential.id}.`,
    });
    return result;
  }
  result.ruleVersion = `${credential.id}@${policy.version}`;
  if (credential.unit) {
    result.unit = credential.unit.code;
    facts.use(`${credential.id} units`, credential.unit);
  }
  facts.use(`${credential.id} cycle`, policy.cycle);
  if (cycle.policyInferred) {
    result.findings.push({
      code: 'no-rule-version',
      severity: 'warning',
      path: ['holdings', h.index],
      message: `No policy version of ${credential.id} covers a cycle ending ${toIsoDate(cycle.end)}; version ${policy.version} was used.`,
    });
  }
  if (h.earned > ctx.asOf) {
    result.findings.push({
      code: 'future-earned',
      severity: 'warning',
      path: ['holdings', h.index, 'earned'],
      message: `Earned date ${h.holding.earned} is after the as-of date ${toIsoDate(ctx.asOf)}.`,
    });
  }
  const printedCycle = cycles.find((c) => c.printedEnd !== undefined);
  if (printedCycle && printedCycle.printedEnd !== printedCycle.computedEnd) {
    result.findings.push(expiryMismatch(h, printedCycle.printedEnd!, printedCycle.computedEnd));
  }

  const rules = policy.requirements.filter((r) => applies(r, h, cycle));
  const describe = describeContext(credential, policy);
  const late = policy.lateRenewal;
  const graceEnd = late ? graceEndOf(cycle.end, late) : cycle.end;
  const lateDays = Math.max(0, ...rules.filter(isKind('late-credit')).map((r) => r.days));
  const pastEnd = ctx.asOf > cycle.end;
  const windowEnd = pastEnd && lateDays > 0 ? cycle.end + lateDays : cycle.end;

  result.cycle = { index: cycle.index, start: toIsoDate(cycle.start), end: toIsoDate(cycle.end) };
  if (cycle.printedEnd !== undefined && cycle.printedEnd !== cycle.computedEnd) {
    result.cycle.computedEnd = toIsoDate(cycle.computedEnd);
  }
  if (graceEnd > cycle.end) result.cycle.graceEnd = toIsoDate(graceEnd);
  if (lateDays > 0) result.cycle.lateCreditEnd = toIsoDate(cycle.end + lateDays);
  result.daysLeft = cycle.end - ctx.asOf;

  // Candidates: completions, held credentials that earn CE, and the card.
  const candidates = [
    ...ctx.completions.map((c) => completionCandidate(ctx, h, credential, rules, cycle, windowEnd, c)),
    ...heldCredentialCandidates(ctx, h, credential, cycle, windowEnd, facts),
  ];
  applyNoRepeat(rules, candidates);
  applyPerCompletionCaps(rules, candidates, describe);

  const cardRule = rules.find(isKind('card'));
  const card = cardRule ? checkCard(ctx, cardRule, cycle) : undefined;
  if (cardRule && card) {
    facts.use('CPR/AED card requirement', cardRule);
    if (card.credential) facts.use(`${card.credential.name} validity`, card.credential.validity);
    if (cardRule.units && cardRule.units > 0) {
      candidates.push({
        ref: card.credential ? `card:${card.credential.id}` : 'card:missing',
        completion: null,
        title: card.credential ? `${card.credential.name} card` : 'CPR/AED card (not on file)',
        day: card.issue?.issued ?? cycle.end,
        offered: cardRule.units,
        units: cardRule.units,
        category: cardRule.category,
        topic: cardRule.topic,
        provider: undefined,
        type: 'card',
        year: yearOf(card.issue?.issued ?? cycle.end),
        event: 'card',
        ...(card.ok ? {} : { virtual: true }),
      });
    }
  }

  // The allocation model: eligible candidates under caps and minimums.
  const eligible = candidates.filter((c) => c.reason === undefined);
  const caps = rules.filter(isKind('cap')).filter((r) => r.per !== 'completion');
  const minimums = rules.filter(isKind('minimum'));
  const totals = rules.filter(isKind('total'));
  const minCategories = rules.filter(isKind('min-categories')).sort((a, b) => b.count - a.count)[0];
  const total = Math.max(0, ...totals.map((t) => t.units));
  const model: AllocationModel = {
    items: eligible,
    caps: caps.map((r, id) => ({
      id,
      units: r.units,
      per: r.per as 'cycle' | 'year' | 'event',
      where: r.where,
    })),
    minimums: minimums.map((r, id) => ({ id, units: r.units, where: r.where })),
    total,
    ...(minCategories
      ? { minCategories: { count: minCategories.count, categories: policy.categories.map((c) => c.code) } }
      : {}),
    classes: extraCreditClasses(policy, minimums),
  };
  const outcome = allocate(model);
  eligible.forEach((cand, i) => {
    const counted = outcome.counted[i]!;
    cand.units = counted;
    if (counted < cand.offered) {
      const cap = caps.find((r) => matchesFilter(cand, r.where));
      cand.reason = counted === 0 ? 'over-cap' : 'partly-counted-over-cap';
      cand.message = cap
        ? `${describeRequirement(cap, describe)} ${formatUnits(counted)} of ${formatUnits(cand.offered)} count.`
        : `${formatUnits(counted)} of ${formatUnits(cand.offered)} count.`;
    } else if (cand.message === undefined) {
      cand.reason = 'counted';
      cand.message = 'Counts in full.';
    } else cand.reason = 'counted';
  });

  const virtualCounted = eligible.filter((c) => c.virtual).reduce((s, c) => s + c.units, 0);
  const counted = outcome.countedTotal - virtualCounted;
  const virtualOffered = eligible.filter((c) => c.virtual).reduce((s, c) => s + c.offered, 0);
  const missing = outcome.missing === null ? null : outcome.missing + virtualOffered;

  // Requirement rows, in the policy's order; each kind reports its own progress.
  const real = eligible.filter((c) => !c.virtual);
  const tally: Tally = {
    counted: (filter) => real.reduce((s, c) => (matchesFilter(c, filter) ? s + c.units : s), 0),
    categoriesUsed: () => new Set(real.filter((c) => c.units > 0 && c.category).map((c) => c.category)).size,
    card: () => card,
  };
  const rows: RequirementResult[] = [];
  let allMet = true;
  for (const rule of rules) {
    facts.use(`${credential.id}: ${behaviourOf(rule.kind).title}`, rule);
    const progress = progressOf(rule, tally);
    allMet &&= progress.met;
    const description = describeRequirement(rule, describe);
    rows.push({
      kind: rule.kind,
      description: progress.detail ? `${description} ${progress.detail}` : description,
      confidence: rule.confidence,
      ...(progress.required !== undefined ? { required: progress.required } : {}),
      ...(progress.counted !== undefined ? { counted: progress.counted } : {}),
      ...(progress.missing !== undefined ? { missing: progress.missing } : {}),
      met: progress.met,
    });
  }
  if (missing === null) allMet = false;
  result.requirements = rows;
  result.required = u(total);
  result.counted = u(counted);
  if (missing !== null) result.missing = u(allMet ? 0 : Math.max(missing, 0));
  else {
    result.findings.push({
      code: 'requirement-unreachable',
      severity: 'error',
      path: ['holdings', h.index],
      message: 'The caps leave no room to meet every requirement in this cycle.',
    });
  }

  result.allocations = candidates.filter((c) => !c.virtual).map((c) => toAllocation(c));
  for (const c of candidates) {
    if (c.reason === 'pending-petition') {
      result.nextActions.push({
        code: 'petition-pending',
        message: `The petition for "${c.title}" is pending; it will count once approved.`,
      });
    }
  }

  // Status.
  const renewed = cycle.closedBy !== undefined;
  if (pastEnd && !renewed) {
    result.status = ctx.asOf <= graceEnd ? 'grace' : 'expired';
  } else if (allMet) result.status = 'complete';
  else result.status = cycle.end - ctx.asOf <= ctx.dueSoonDays ? 'due-soon' : 'in-progress';

  result.fees = feesDue(ctx, h, credential, policy, cycle, graceEnd, result.status, eligible, facts);
  result.nextActions.unshift(
    ...nextActions(ctx, credential, cycle, graceEnd, result, rows, missing, card, policy),
  );
  return result;
}

const u = formatUnits;

function isKind<K extends Requirement['kind']>(kind: K) {
  return (rule: Requirement): rule is RequirementOf<K> => rule.kind === kind;
}

function graceEndOf(end: EpochDay, late: NonNullable<PolicyVersion['lateRenewal']>): EpochDay {
  let grace = end;
  if (late.graceDays !== undefined) grace = Math.max(grace, end + late.graceDays);
  if (late.graceMonths !== undefined) grace = Math.max(grace, addMonths(end, late.graceMonths));
  return grace;
}

function completionCandidate(
  ctx: Context,
  h: PreparedHolding,
  credential: CredentialEntry,
  rules: Requirement[],
  cycle: Cycle,
  windowEnd: EpochDay,
  c: PreparedCompletion,
): Candidate {
  const cand: Candidate = {
    ref: `completion:${c.index}`,
    completion: c.index,
    title: c.title,
    day: c.day,
    offered: 0,
    units: 0,
    provider: c.provider,
    type: c.type,
    year: yearOf(c.day),
    event: c.event,
    activityKey: c.activityKey,
  };
  const reject = (reason: AllocationReason, message: string) => {
    cand.reason = reason;
    cand.message = message;
    return cand;
  };

  const direct = c.credits.find((k) => k.credential === credential.id);
  let status = direct?.status ?? 'approved';
  let byPetition = false;
  if (direct) {
    cand.offered = direct.units;
    cand.category = direct.category;
    cand.topic = direct.topic;
  } else {
    const foreign: ForeignCredit[] = c.credits
      .filter((k) => ctx.ruleSet.credentials.has(k.credential))
      .map((k) => ({ credential: k.credential, units: k.units, category: k.category, topic: k.topic }));
    const input = {
      credential: credential.id,
      foreign,
      hours: c.completion.hours ?? c.offering?.hours,
      college: c.completion.college,
      matches: (filter: Parameters<typeof matchesFilter>[1]) => matchesFilter(cand, filter),
      matchesPattern,
    };
    for (const rule of rules) {
      const resolve = behaviourOf(rule.kind).resolve as
        | ((
            r: Requirement,
            i: typeof input,
          ) => ReturnType<NonNullable<ReturnType<typeof behaviourOf>['resolve']>>)
        | undefined;
      const resolution = resolve?.(rule, input);
      if (!resolution) continue;
      cand.offered = resolution.units;
      cand.category = resolution.category;
      cand.topic = resolution.topic;
      byPetition = resolution.byPetition;
      cand.message = `Counts via ${resolution.via}.`;
      const via = foreign.find((f) => resolution.via.includes(f.credential));
      if (via) status = c.credits.find((k) => k.credential === via.credential)?.status ?? status;
      break;
    }
    if (cand.offered === 0 && cand.message === undefined) {
      return reject(
        'not-approved',
        `Not approved for ${credential.id}; petition the body to have it counted.`,
      );
    }
  }
  cand.units = cand.offered;

  if (c.day > ctx.asOf)
    return reject('future-dated', `Dated ${c.completion.completed}, after the as-of date.`);
  if (c.grants && grantsCountFor(ctx, c.grants, credential.id, rules)) {
    return reject(
      'same-event',
      `This course earned ${c.grants}, which is credited toward ${credential.id} as a credential.`,
    );
  }
  if (c.day < h.earned) return reject('before-earned', `Completed before ${credential.id} was earned.`);
  if (c.day < cycle.start || c.day > windowEnd) {
    return reject(
      'outside-window',
      `Completed ${c.completion.completed}, outside this cycle (${toIsoDate(cycle.start)} to ${toIsoDate(windowEnd)}); CE does not carry over.`,
    );
  }
  if (status === 'denied') return reject('petition-denied', 'The petition was denied; it never counts.');
  if (status === 'pending')
    return reject('pending-petition', 'The petition is pending; it counts once approved.');
  if (byPetition) {
    return reject(
      'petition-required',
      `${credential.id} accepts this only by petition; record the approved petition to count it.`,
    );
  }
  if (c.day > cycle.end) cand.message = `Completed after the cycle ended, within the late-CE window.`;
  return cand;
}

/** A course that granted a held credential is the same event as that credential's own credit. */
function grantsCountFor(ctx: Context, granted: string, target: string, rules: Requirement[]): boolean {
  const held = ctx.holdings.some((h) => h.holding.credential === granted && h.earned <= ctx.asOf);
  if (!held) return false;
  const grantedCredential = ctx.ruleSet.credentials.get(granted);
  if (!grantedCredential) return false;
  if (grantedCredential.creditsToward.some((t) => t.credential === target)) return true;
  // A card course: the card itself carries the credit when the body values it.
  return grantedCredential.kind === 'card' && rules.some((r) => r.kind === 'card' && (r.units ?? 0) > 0);
}

function heldCredentialCandidates(
  ctx: Context,
  h: PreparedHolding,
  credential: CredentialEntry,
  cycle: Cycle,
  windowEnd: EpochDay,
  facts: FactLog,
): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const other of ctx.holdings) {
    if (other === h || !other.credential || seen.has(other.credential.id)) continue;
    const toward = other.credential.creditsToward.find((t) => t.credential === credential.id);
    if (!toward) continue;
    seen.add(other.credential.id);
    facts.use(`${other.credential.name} counts toward ${credential.id}`, toward);
    const cand: Candidate = {
      ref: `holding:${other.credential.id}`,
      completion: null,
      title: `Earned ${other.credential.name}`,
      day: other.earned,
      offered: toward.units,
      units: toward.units,
      category: toward.category,
      topic: toward.topic,
      provider: ctx.ruleSet.bodies.get(other.credential.body)?.providerNames[0],
      type: 'credential',
      year: yearOf(other.earned),
      event: `holding:${other.credential.id}`,
      message: `Earning ${other.credential.name} counts ${u(toward.units)} ${credential.unit?.code ?? 'units'} toward ${credential.id}.`,
    };
    if (other.earned > ctx.asOf) {
      cand.reason = 'future-dated';
      cand.message = `Earned ${other.holding.earned}, after the as-of date.`;
    } else if (other.earned < h.earned) {
      cand.reason = 'before-earned';
      cand.message = `Earned before ${credential.id}.`;
    } else if (other.earned < cycle.start || other.earned > windowEnd) {
      cand.reason = 'outside-window';
      cand.message = `Earned ${other.holding.earned}, outside this cycle (${toIsoDate(cycle.start)} to ${toIsoDate(windowEnd)}); CE does not carry over.`;
    }
    out.push(cand);
  }
  return out;
}

function applyNoRepeat(rules: Requirement[], candidates: Candidate[]): void {
  if (!rules.some((r) => r.kind === 'no-repeat')) return;
  const byKey = new Map<string, Candidate>();
  for (const cand of candidates) {
    if (cand.reason !== undefined || cand.activityKey === undefined) continue;
    const key = cand.activityKey;
    const kept = byKey.get(key);
    // Keep the larger credit; on a tie, the earlier one.
    if (!kept) byKey.set(key, cand);
    else if (cand.offered > kept.offered) {
      kept.reason = 'repeat';
      kept.message = `"${kept.title}" was repeated in this cycle; it counts once.`;
      byKey.set(key, cand);
    } else {
      cand.reason = 'repeat';
      cand.message = `"${cand.title}" was repeated in this cycle; it counts once.`;
    }
  }
}

function applyPerCompletionCaps(
  rules: Requirement[],
  candidates: Candidate[],
  describe: DescribeContext,
): void {
  for (const rule of rules.filter(isKind('cap')).filter((r) => r.per === 'completion')) {
    for (const cand of candidates) {
      if (cand.reason !== undefined || !matchesFilter(cand, rule.where) || cand.units <= rule.units) continue;
      cand.message = `${describeRequirement(rule, describe)} ${u(rule.units)} of ${u(cand.offered)} count.`;
      cand.units = rule.units;
    }
  }
}

interface CardCheck {
  ok: boolean;
  message: string;
  credential?: CredentialEntry;
  issue?: CardIssue;
  checkDay: EpochDay;
  expiresBeforeCheck?: EpochDay;
}

function checkCard(ctx: Context, rule: RequirementOf<'card'>, cycle: Cycle): CardCheck {
  const base =
    rule.checkOn === 'submission' ? (cycle.closedBy?.day ?? Math.min(ctx.asOf, cycle.end)) : cycle.end;
  const checkDay = base + rule.validDaysAfterCheck;
  let bestExpiry: { credential: CredentialEntry; issue: CardIssue } | undefined;
  let handsOnMissing = false;
  for (const other of ctx.holdings) {
    const card = other.credential;
    if (card?.kind !== 'card' || !card.validity || other.earned > ctx.asOf) continue;
    const accepted = rule.accepts
      ? rule.accepts.includes(card.id)
      : rule.covers.every((c) => card.covers.includes(c));
    if (!accepted) continue;
    if (rule.handsOn && (other.holding.handsOn ?? card.handsOn) === false) {
      handsOnMissing = true;
      continue;
    }
    for (const issue of cardIssues(card.validity, other.earned, other.renewals, other.printed, ctx.asOf)) {
      if (issue.issued <= checkDay && checkDay <= issue.expires) {
        return {
          ok: true,
          credential: card,
          issue,
          checkDay,
          message: `${card.name}, valid through ${toIsoDate(issue.expires)}, covers ${toIsoDate(checkDay)}.`,
        };
      }
      if (!bestExpiry || issue.expires > bestExpiry.issue.expires) bestExpiry = { credential: card, issue };
    }
  }
  if (bestExpiry) {
    return {
      ok: false,
      checkDay,
      credential: bestExpiry.credential,
      expiresBeforeCheck: bestExpiry.issue.expires,
      message: `Your ${bestExpiry.credential.name} card expires ${toIsoDate(bestExpiry.issue.expires)}, before ${toIsoDate(checkDay)} when it is checked.`,
    };
  }
  return {
    ok: false,
    checkDay,
    message: handsOnMissing
      ? 'Your card has no hands-on skills check, which this body requires.'
      : 'No CPR/AED card on file.',
  };
}

function toAllocation(c: Candidate): Allocation {
  const allocation: Allocation = {
    completion: c.completion,
    ref: c.ref,
    title: c.title,
    date: toIsoDate(c.day),
    offered: u(c.offered),
    counted: u(c.reason === 'counted' || c.reason === 'partly-counted-over-cap' ? c.units : 0),
    reason: c.reason ?? 'counted',
    message: c.message ?? '',
  };
  if (c.category !== undefined) allocation.category = c.category;
  if (c.topic !== undefined) allocation.topic = c.topic;
  return allocation;
}

// ---------------------------------------------------------------------------
// Fees and next actions

function feesDue(
  ctx: Context,
  h: PreparedHolding,
  credential: CredentialEntry,
  policy: PolicyVersion,
  cycle: Cycle,
  graceEnd: EpochDay,
  status: HoldingResult['status'],
  eligible: Candidate[],
  facts: FactLog,
): FeeDue[] {
  const fees: FeeDue[] = [];
  if (cycle.closedBy) return fees;
  const audience = h.holding.member === true ? 'member' : 'non-member';
  const renewalFees = policy.fees.filter(
    (f) => f.kind === 'renewal' && (f.audience === 'all' || f.audience === audience),
  );
  const lifetime = policy.fees.find((f) => f.kind === 'lifetime' && f.waives?.includes('renewal'));
  const own = new Set(
    (ctx.ruleSet.bodies.get(credential.body)?.providerNames ?? []).map((p) => p.toLowerCase()),
  );
  const countedCredits = eligible.filter((c) => c.units > 0 && !c.virtual && c.type !== 'card');
  const allOwn =
    countedCredits.length > 0 && countedCredits.every((c) => c.provider && own.has(c.provider.toLowerCase()));
  if (status === 'expired') {
    const reinstatement = policy.lateRenewal?.reinstatement;
    if (reinstatement?.fee !== undefined) {
      facts.use(`${credential.id} reinstatement`, reinstatement);
      fees.push({
        kind: 'reinstatement',
        amount: reinstatement.fee,
        currency: 'USD',
        description: 'Reinstatement',
        confidence: reinstatement.confidence,
        sources: reinstatement.sources,
      });
    }
    return fees;
  }
  if (h.holding.lifetimePlan && lifetime) {
    facts.use(`${credential.id} lifetime plan`, lifetime);
  } else {
    const conditional = renewalFees.find((f) => f.condition === 'all-credits-from-own-provider');
    const fee = conditional && allOwn ? conditional : renewalFees.find((f) => f.condition === undefined);
    if (fee) {
      facts.use(`${credential.id} renewal fee`, fee);
      fees.push({
        kind: 'renewal',
        amount: fee.amount,
        currency: fee.currency,
        description: fee.condition ? 'Renewal (waived: all CE from the body itself)' : 'Renewal',
        confidence: fee.confidence,
        sources: fee.sources,
      });
    }
  }
  if (ctx.asOf > cycle.end && ctx.asOf <= graceEnd) {
    const daysLate = ctx.asOf - cycle.end;
    const band = policy.lateRenewal?.bands.find((b) => b.fromDay <= daysLate && daysLate <= b.toDay);
    if (band) {
      facts.use(`${credential.id} late fee`, band);
      fees.push({
        kind: 'late',
        amount: band.fee,
        currency: 'USD',
        description: `Late fee (${daysLate} days after expiry)`,
        confidence: band.confidence,
        sources: band.sources,
      });
    }
  }
  return fees;
}

function nextActions(
  ctx: Context,
  credential: CredentialEntry,
  cycle: Cycle,
  graceEnd: EpochDay,
  result: HoldingResult,
  rows: RequirementResult[],
  missing: Milli | null,
  card: CardCheck | undefined,
  policy: PolicyVersion,
): NextAction[] {
  const actions: NextAction[] = [];
  const end = toIsoDate(cycle.end);
  const unit = credential.unit?.code ?? 'units';
  const feeText = result.fees.length
    ? ` (fees: ${result.fees.map((f) => `$${f.amount} ${f.kind}`).join(', ')})`
    : '';
  if (result.status === 'expired') {
    const after = policy.lateRenewal?.afterLapse ?? 'unknown';
    const text = {
      'retake-exam': 'The renewal window has closed: retake the certification exam.',
      reinstate: 'The renewal window has closed: apply for reinstatement, or retake the exam.',
      'retake-course': 'The renewal window has closed: retake the course and exam.',
      unknown: 'The renewal window has closed: contact the body about reinstatement or re-examination.',
    }[after];
    actions.push({ code: after === 'reinstate' ? 'reinstate' : 'retake-exam', message: text });
    return actions;
  }
  const deadline = result.status === 'grace' ? toIsoDate(graceEnd) : end;
  if (card && !card.ok) {
    const by =
      card.expiresBeforeCheck !== undefined
        ? Math.min(card.checkDay, card.expiresBeforeCheck)
        : card.checkDay;
    actions.push({
      code: 'renew-card',
      by: toIsoDate(Math.max(by, ctx.asOf)),
      message:
        card.expiresBeforeCheck !== undefined
          ? `Renew your CPR/AED card before ${toIsoDate(card.expiresBeforeCheck)} so it is valid on ${toIsoDate(card.checkDay)}.`
          : `Get a current CPR/AED card${rows.some((r) => r.kind === 'card' && r.description.includes('hands-on')) ? ' with a hands-on skills check' : ''}, valid on ${toIsoDate(card.checkDay)}.`,
    });
  }
  for (const row of rows) {
    if (row.met || row.kind === 'card' || row.kind === 'total') continue;
    actions.push({
      code: `meet-${row.kind}`,
      by: deadline,
      message: `${row.description} (${row.counted ?? '0'} of ${row.required} so far)`,
    });
  }
  if (missing !== null && missing > 0) {
    actions.push({
      code: 'earn-ce',
      by: deadline,
      message: `Earn ${u(missing)} more ${unit} by ${deadline}${result.status === 'grace' ? ' (late renewal)' : ''}.`,
    });
  }
  if (result.status === 'complete') {
    actions.push({
      code: 'submit-renewal',
      by: end,
      message: `Requirements met: submit the renewal by ${end}${feeText}.`,
    });
  } else if (result.status === 'grace') {
    actions.push({
      code: 'submit-late-renewal',
      by: toIsoDate(graceEnd),
      message: `The cycle ended ${end}; a late renewal is accepted until ${toIsoDate(graceEnd)}${feeText}.`,
    });
  }
  return actions;
}

// ---------------------------------------------------------------------------
// Sources and confidence

class FactLog {
  private readonly ids = new Set<string>();
  private readonly low: LowConfidenceFact[] = [];
  private readonly lowKeys = new Set<string>();

  constructor(private readonly ruleSet: RuleSet) {}

  use(fact: string, provenance: Provenance | undefined): void {
    if (!provenance) return;
    for (const id of provenance.sources) this.ids.add(id);
    if (provenance.confidence === 'low' && !this.lowKeys.has(fact)) {
      this.lowKeys.add(fact);
      this.low.push({
        fact,
        ...(provenance.note ? { note: provenance.note } : {}),
        sources: provenance.sources,
      });
    }
  }

  sources(): SourceRef[] {
    return [...this.ids].sort().map((id) => {
      const s = this.ruleSet.sources.get(id);
      return s
        ? { id, title: s.title, kind: s.kind, ...(s.url ? { url: s.url } : {}) }
        : { id, title: id, kind: 'unknown' };
    });
  }

  lowConfidence(): LowConfidenceFact[] {
    return this.low;
  }
}

export type { Confidence };
