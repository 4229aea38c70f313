/**
 * Stored records laid out as the engine kernel's columns, so re-evaluating a
 * whole population runs the columnar kernel instead of one object engine
 * call per person. The kernel models each completion as one credit under the
 * holding of its credential, plus one under each other held certification
 * that plainly converts its hours into CE (hoursOnlyRate); records of one
 * completion are hidden from the holdings that have their own
 * (completionHiddenFrom). A person whose records say more than that (college
 * credit, credit only for credentials they do not hold, a holding that could
 * take two records of one course, unknown codes…) is left to the object
 * engine, so both paths give the same statuses (tested on demo populations).
 */
import { toEpochDay } from '../core/dates.ts';
import { type CompiledRules, compileRules } from '../core/engine/kernel.ts';
import {
  CREDIT_STATUS,
  HANDS_ON,
  int32Column,
  NO_DAY,
  type PopulationColumns,
  RENEWAL_KIND,
  uint8Column,
  type Vocabulary,
  vocabularyOf,
} from '../core/engine/population.ts';
import type { Credit } from '../core/offerings/schema.ts';
import { matchesPattern, type RuleSet } from '../core/ruleset.ts';
import { type EvaluationRecords, evaluationRecordsOf, type PersonRecords } from '../store/model.ts';

const compiledFor = new WeakMap<RuleSet, KernelRules>();

/**
 * kernelRules, built once per rule set and then shared (roster reads). Its scratch is used only
 * inside columnsOf, which never yields, so concurrent requests cannot interleave on it.
 */
export function sharedKernelRules(ruleSet: RuleSet): KernelRules {
  let rules = compiledFor.get(ruleSet);
  if (rules === undefined) {
    rules = kernelRules(ruleSet);
    compiledFor.set(ruleSet, rules);
  }
  return rules;
}

/** The kernel's compiled form of a rule set, built once per re-evaluation run. */
export function kernelRules(ruleSet: RuleSet): KernelRules {
  const vocab = vocabularyOf(ruleSet);
  const n = vocab.credentials.length;
  const rules: KernelRules = {
    ruleSet,
    vocab,
    compiled: compileRules(ruleSet, vocab),
    accepts: new Uint8Array(n * n),
    certification: Uint8Array.from(vocab.credentials, (id) =>
      ruleSet.credentials.get(id)?.kind === 'certification' ? 1 : 0,
    ),
    held: new Int32Array(n).fill(-1),
    scratch: new RecordScratch(),
    hoursCache: new WeakMap(),
    resolved: new WeakMap(),
  };
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++)
      rules.accepts[a * n + b] = accepts(ruleSet, vocab.credentials[a]!, vocab.credentials[b]!) ? 1 : 0;
  }
  return rules;
}

export interface KernelRules {
  ruleSet: RuleSet;
  vocab: Vocabulary;
  compiled: CompiledRules;
  /** [a · credentials + b]: 1 when a policy of credential a accepts CE approved for b (accepts()). */
  accepts: Uint8Array;
  /** By credential: 1 for a certification. */
  certification: Uint8Array;
  /** Scratch for one person at a time: each held credential's holding position, else -1. */
  held: Int32Array;
  /** Scratch for one person at a time: their kernel records. */
  scratch: RecordScratch;
  /** hoursRule's answers by credit list, then by held credential. */
  hoursCache: WeakMap<readonly Credit[], ({ first: boolean; rate: number | undefined } | undefined)[]>;
  /** resolvedCredits' answers by credit list (stored lists of equal text share one). */
  resolved: WeakMap<readonly Credit[], ResolvedCredits>;
}

/**
 * A credit list with its credentials, categories, topics and statuses as the kernel's codes, in
 * order; credits for credentials the rules do not know are left out. A category or topic the
 * vocabulary lacks is -1.
 */
interface ResolvedCredits {
  n: number;
  ci: number[];
  credit: Credit[];
  category: number[];
  topic: number[];
  status: number[];
}

function resolvedCredits(rules: KernelRules, codes: Codes, credits: readonly Credit[]): ResolvedCredits {
  let known = rules.resolved.get(credits);
  if (known === undefined) {
    known = { n: 0, ci: [], credit: [], category: [], topic: [], status: [] };
    for (const k of credits) {
      const ci = rules.vocab.credentialIndex.get(k.credential);
      if (ci === undefined) continue;
      known.ci.push(ci);
      known.credit.push(k);
      known.category.push(k.category === undefined ? 0 : (codes.categoryCode.get(k.category) ?? -1));
      known.topic.push(k.topic === undefined ? 0 : (codes.topicCode.get(k.topic) ?? -1));
      known.status.push(CREDIT_STATUS.indexOf(k.status));
      known.n++;
    }
    rules.resolved.set(credits, known);
  }
  return known;
}

const i32 = int32Column;
const u8 = uint8Column;

/** One person's kernel records while they are laid out: column by column, the first n of each. */
class RecordScratch {
  n = 0;
  holding: number[] = [];
  /** Holdings (bits by position) that do not take the record through acceptance. */
  hiddenFrom: number[] = [];
  day: number[] = [];
  units: number[] = [];
  category: number[] = [];
  topic: number[] = [];
  provider: number[] = [];
  type: number[] = [];
  status: number[] = [];
  activity: number[] = [];
  event: number[] = [];
  /** Per completion (the first few of each): held credentials credited directly, with the index of their credit. */
  directCi: number[] = [];
  directAt: number[] = [];
  /** Per completion: known credentials credited that are not held. */
  foreignCi: number[] = [];
  /** Per person: each holding's credential code, in holding order. */
  heldCi: number[] = [];
  /** Per person: held certifications. */
  certifications: number[] = [];
  /** Per completion: held certifications that convert its hours, with the units. */
  byHoursCi: number[] = [];
  byHoursUnits: number[] = [];

  add(
    holding: number,
    hiddenFrom: number,
    day: number,
    units: number,
    category: number,
    topic: number,
    provider: number,
    type: number,
    status: number,
    activity: number,
    event: number,
  ): void {
    const i = this.n++;
    this.holding[i] = holding;
    this.hiddenFrom[i] = hiddenFrom;
    this.day[i] = day;
    this.units[i] = units;
    this.category[i] = category;
    this.topic[i] = topic;
    this.provider[i] = provider;
    this.type[i] = type;
    this.status[i] = status;
    this.activity[i] = activity;
    this.event[i] = event;
  }
}

export interface PopulationBatch {
  columns: PopulationColumns;
  /** The person id of each column person, in order. */
  personIds: string[];
  /** People the kernel cannot represent exactly: evaluate them with the object engine. */
  fallback: string[];
}

/** Full records as the layout reads them (reads made for evaluation come this way: loadFacts). */
export function factsOf(people: ReadonlyMap<string, PersonRecords>): Map<string, EvaluationRecords> {
  const out = new Map<string, EvaluationRecords>();
  for (const [id, records] of people) out.set(id, evaluationRecordsOf(records));
  return out;
}

/** Lays out the people it can; the rest are listed in `fallback`. */
export function columnsOf(
  people: ReadonlyMap<string, EvaluationRecords>,
  rules: KernelRules,
): PopulationBatch {
  const { vocab } = rules;
  const categoryCode = new Map(vocab.categories.map((c, i) => [c, i]));
  const topicCode = new Map(vocab.topics.map((t, i) => [t, i]));
  const providerCode = new Map(vocab.providers.map((p, i) => [p, i]));
  const typeCode = new Map(vocab.types.map((t, i) => [t as string, i]));
  const codes: Codes = {
    sameCourse: new Map(),
    categoryCode,
    topicCode,
    providerCode,
    typeCode,
    activityCode: new Map(),
    eventCode: new Map(),
    activityLimit: Math.floor(KEY_LIMIT / Math.max(1, vocab.providers.length)) - 1,
  };

  const personHoldingStart = i32();
  const holdingCredential = i32();
  const holdingEarned = i32();
  const holdingPrinted = i32();
  const holdingHandsOn = u8();
  const holdingRenewalStart = i32();
  const renewalDay = i32();
  const renewalKind = u8();
  const holdingCompletionStart = i32();
  const c = {
    day: i32(),
    units: i32(),
    category: u8(),
    topic: u8(),
    provider: u8(),
    type: u8(),
    status: u8(),
    activity: i32(),
    event: i32(),
    hiddenFrom: i32(),
  };
  const personIds: string[] = [];
  const fallback: string[] = [];
  let holdingsSoFar = 0;

  for (const [personId, records] of people) {
    if (!planPerson(records, rules, codes)) {
      fallback.push(personId);
      continue;
    }
    const plan = rules.scratch;
    personIds.push(personId);
    personHoldingStart.push(holdingsSoFar);
    for (const [h, stored] of records.holdings.entries()) {
      const holding = stored.holding;
      holdingCredential.push(plan.heldCi[h]!);
      holdingEarned.push(toEpochDay(holding.earned));
      holdingPrinted.push(holding.expires ? toEpochDay(holding.expires) : NO_DAY);
      holdingHandsOn.push(
        holding.handsOn === undefined ? HANDS_ON.unknown : holding.handsOn ? HANDS_ON.yes : HANDS_ON.no,
      );
      holdingRenewalStart.push(renewalDay.length);
      // Most holdings have no renewal on record.
      if (holding.renewals.length > 0) {
        const renewals = holding.renewals
          .map((r) =>
            typeof r === 'string'
              ? { day: toEpochDay(r), kind: 0 }
              : { day: toEpochDay(r.date), kind: RENEWAL_KIND.indexOf(r.kind) },
          )
          .sort((a, b) => a.day - b.day);
        for (const r of renewals) {
          renewalDay.push(r.day);
          renewalKind.push(r.kind);
        }
      }
      holdingCompletionStart.push(c.day.length);
      for (let r = 0; r < plan.n; r++) {
        if (plan.holding[r] !== h) continue;
        c.day.push(plan.day[r]!);
        c.units.push(plan.units[r]!);
        c.category.push(plan.category[r]!);
        c.topic.push(plan.topic[r]!);
        c.provider.push(plan.provider[r]!);
        c.type.push(plan.type[r]!);
        c.status.push(plan.status[r]!);
        c.activity.push(plan.activity[r]!);
        c.event.push(plan.event[r]!);
        c.hiddenFrom.push(plan.hiddenFrom[r]!);
      }
    }
    holdingsSoFar += records.holdings.length;
  }
  personHoldingStart.push(holdingsSoFar);
  holdingRenewalStart.push(renewalDay.length);
  holdingCompletionStart.push(c.day.length);

  return {
    columns: {
      persons: personIds.length,
      holdings: holdingsSoFar,
      completions: c.day.length,
      personHoldingStart: personHoldingStart.done(),
      holdingCredential: holdingCredential.done(),
      holdingEarned: holdingEarned.done(),
      holdingPrinted: holdingPrinted.done(),
      holdingHandsOn: holdingHandsOn.done(),
      holdingRenewalStart: holdingRenewalStart.done(),
      renewalDay: renewalDay.done(),
      renewalKind: renewalKind.done(),
      holdingCompletionStart: holdingCompletionStart.done(),
      completionDay: c.day.done(),
      completionUnits: c.units.done(),
      completionCategory: c.category.done(),
      completionTopic: c.topic.done(),
      completionProvider: c.provider.done(),
      completionType: c.type.done(),
      completionStatus: c.status.done(),
      completionActivity: c.activity.done(),
      completionEvent: c.event.done(),
      completionHiddenFrom: c.hiddenFrom.done(),
    },
    personIds,
    fallback,
  };
}

interface Codes {
  /** sameCourseKey's answers by title, then provider (for one batch). */
  sameCourse: Map<string, Map<string, string>>;
  categoryCode: Map<string, number>;
  topicCode: Map<string, number>;
  providerCode: Map<string, number>;
  typeCode: Map<string, number>;
  /**
   * Codes of courses (the engine's "same course" key) and of events, for the whole batch: the
   * kernel only compares them within a person, and one map for the batch is cheaper than one
   * cleared per person. Course codes stay below activityLimit, so that the kernel's course key
   * (code × providers + provider) is a 32-bit integer; events below the kernel's own event keys.
   */
  activityCode: Map<string, number>;
  eventCode: Map<string, number>;
  activityLimit: number;
}

/** The kernel's course keys and event keys are below this. */
const KEY_LIMIT = 0x40000000;

/** Lays one person's kernel records out in rules.scratch; false when the kernel cannot represent them exactly. */
function planPerson(records: EvaluationRecords, rules: KernelRules, codes: Codes): boolean {
  const { held } = rules;
  // Hidden-from masks have a bit per holding.
  if (records.holdings.length > 31) return false;
  // Each holding's credential code, in the scratch (columnsOf reads them back).
  const heldList = rules.scratch.heldCi;
  let n = 0;
  try {
    const holdings = records.holdings;
    for (let i = 0; i < holdings.length; i++) {
      const ci = rules.vocab.credentialIndex.get(holdings[i]!.holding.credential);
      if (ci === undefined || held[ci] !== -1) return false;
      held[ci] = i;
      heldList[n++] = ci;
    }
    return recordsOf(records, rules, codes, heldList, n);
  } finally {
    for (let i = 0; i < n; i++) held[heldList[i]!] = -1;
  }
}

const NO_CREDITS: readonly Credit[] = [];

/** planPerson's body, with `rules.held` giving each held credential's holding position. */
function recordsOf(
  records: EvaluationRecords,
  rules: KernelRules,
  codes: Codes,
  heldList: readonly number[],
  heldCount: number,
): boolean {
  const { ruleSet, held, vocab } = rules;
  const n = vocab.credentials.length;
  const acceptsFrom = rules.accepts;
  // The person's held certifications, in the scratch (no array per person).
  const certifications = rules.scratch.certifications;
  let nc = 0;
  for (let i = 0; i < heldCount; i++) {
    const ci = heldList[i]!;
    if (rules.certification[ci] === 1) certifications[nc++] = ci;
  }
  const out = rules.scratch;
  out.n = 0;
  const { directCi, directAt, foreignCi, byHoursCi, byHoursUnits } = out;
  const { activityCode, eventCode } = codes;
  let total = 0;
  for (const completion of records.completions) {
    if (completion.college) return false;
    const offering = completion.activity ? ruleSet.offerings.get(completion.activity) : undefined;
    if (completion.activity && (!offering || offering.grants || completion.provider !== undefined))
      return false;
    const credits =
      completion.credits.length === 0
        ? (offering?.credits ?? NO_CREDITS)
        : offering === undefined
          ? completion.credits
          : creditsOf(completion.credits, offering.credits);
    const resolved = resolvedCredits(rules, codes, credits);
    let nd = 0;
    let nf = 0;
    for (let k = 0; k < resolved.n; k++) {
      const ci = resolved.ci[k]!;
      // Two credits for one credential: the engine takes the first, or the best through acceptance.
      for (let i = 0; i < nd; i++) if (directCi[i] === ci) return false;
      for (let i = 0; i < nf; i++) if (foreignCi[i] === ci) return false;
      if (held[ci] !== -1) {
        directCi[nd] = ci;
        directAt[nd++] = k;
      } else foreignCi[nf++] = ci;
    }
    const hours = completion.hours ?? offering?.hours;
    // The kernel gives each held credential its own record and lets a holding count other holdings'
    // records through acceptance rules, without knowing they are one completion; the engine resolves
    // a completion once per holding, its own credit first. Each record therefore names the holdings
    // that must not take it (hiddenFrom): those with a record of their own from this completion.
    // They agree unless a holding without its own record could take two records of the completion,
    // or credit the kernel does not have (foreign credits).
    // Held certifications this completion counts for through its hours, with the units.
    let nh = 0;
    for (let j = 0; j < nc; j++) {
      const b = certifications[j]!;
      let seen = 0;
      let own = false;
      for (let i = 0; i < nd; i++) {
        if (directCi[i] === b) own = true;
        seen += acceptsFrom[b * n + directCi[i]!]!;
      }
      if (own) continue;
      if (seen > 1) return false;
      for (let i = 0; i < nf; i++) if (acceptsFrom[b * n + foreignCi[i]!] === 1) return false;
      if (hours === undefined) continue;
      const viaHours = hoursRule(rules, b, credits);
      if (!viaHours.first) continue;
      // The engine resolves it through the hours rule. The kernel carries that as b's own record when
      // the rule is plain (hoursOnlyRate); no other holding takes it (the hours credit is not a
      // claimed one, so the engine's acceptance rules never see it).
      const rate = viaHours.rate;
      if (rate === undefined) return false;
      byHoursCi[nh] = b;
      byHoursUnits[nh++] = Math.floor((Math.round(hours * 1000) * rate) / 1000);
    }
    if (nd === 0 && nh === 0) continue;
    let own = 0;
    for (let i = 0; i < nd; i++) own |= 1 << held[directCi[i]!]!;
    for (let i = 0; i < nh; i++) own |= 1 << held[byHoursCi[i]!]!;
    const providerName = completion.provider ?? offering?.provider;
    const provider = providerName === undefined ? 0 : (codes.providerCode.get(providerName) ?? 0);
    const type = codes.typeCode.get(completion.type ?? offering?.type ?? 'course');
    if (type === undefined) return false;
    // The engine's "same course" key: the activity id, or the title and provider.
    const activityKey =
      completion.activity ?? sameCourseKey(codes, completion.title ?? '', providerName ?? '');
    let activity = activityCode.get(activityKey);
    if (activity === undefined) {
      // Past the limit (a batch of more than about fifty million distinct courses), the object engine.
      if (activityCode.size >= codes.activityLimit) return false;
      activity = activityCode.size + 1;
      activityCode.set(activityKey, activity);
    }
    let event = 0;
    if (completion.event !== undefined) {
      const known = eventCode.get(completion.event);
      if (known !== undefined) event = known;
      else {
        if (eventCode.size + 1 >= KEY_LIMIT) return false;
        event = eventCode.size + 1;
        eventCode.set(completion.event, event);
      }
    }
    const day = completion.day;
    for (let i = 0; i < nd; i++) total += resolved.credit[directAt[i]!]!.units;
    for (let i = 0; i < nh; i++) total += byHoursUnits[i]!;
    // The kernel counts in 32-bit integers of milli-units, and a conversion may multiply credit:
    // a person with more than this much CE in the window (none real) is left to the object engine.
    if (total > KERNEL_MAX_MILLI) return false;
    for (let i = 0; i < nd; i++) {
      const k = directAt[i]!;
      const category = resolved.category[k]!;
      const topic = resolved.topic[k]!;
      if (category === -1 || topic === -1) return false;
      const holding = held[directCi[i]!]!;
      out.add(
        holding,
        own & ~(1 << holding),
        day,
        resolved.credit[k]!.units,
        category,
        topic,
        provider,
        type,
        resolved.status[k]!,
        activity,
        event,
      );
    }
    for (let i = 0; i < nh; i++) {
      const holding = held[byHoursCi[i]!]!;
      // Hidden from every other holding: converted hours are this holding's credit alone.
      out.add(
        holding,
        ~(1 << holding),
        day,
        byHoursUnits[i]!,
        0,
        0,
        provider,
        type,
        APPROVED,
        activity,
        event,
      );
    }
  }
  return true;
}

const APPROVED = CREDIT_STATUS.indexOf('approved');

/** The most milli-units of credit the kernel takes for one person: 2^31 / 64, room for conversions. */
const KERNEL_MAX_MILLI = 2 ** 25;

/** Whether a policy of `credential` accepts CE approved for `from` (any version: the cautious answer). */
function accepts(ruleSet: RuleSet, credential: string, from: string): boolean {
  if (credential === from) return false;
  const entry = ruleSet.credentials.get(credential);
  return (
    entry?.policies.some((p) =>
      p.requirements.some(
        (r) => r.kind === 'accept' && r.from.some((pattern) => matchesPattern(pattern, from)),
      ),
    ) ?? false
  );
}

/**
 * hoursMayResolveFirst and hoursOnlyRate for held credential `b` and a completion's credit list,
 * remembered by list (catalog offerings and equal stored texts share theirs): they run for every
 * completion and held certification.
 */
function hoursRule(
  rules: KernelRules,
  b: number,
  credits: readonly Credit[],
): { first: boolean; rate: number | undefined } {
  let byCredential = rules.hoursCache.get(credits);
  if (byCredential === undefined) {
    byCredential = [];
    rules.hoursCache.set(credits, byCredential);
  }
  let known = byCredential[b];
  if (known === undefined) {
    const credential = rules.vocab.credentials[b]!;
    const named = credits.filter((k) => rules.vocab.credentialIndex.has(k.credential));
    known = {
      first: hoursMayResolveFirst(rules, credential, named),
      rate: hoursOnlyRate(rules, credential, named),
    };
    byCredential[b] = known;
  }
  return known;
}

/** The engine's "same course" key of a completion without an activity: its title and provider, normalised. */
function sameCourseKey(codes: Codes, title: string, provider: string): string {
  let byProvider = codes.sameCourse.get(title);
  if (byProvider === undefined) {
    byProvider = new Map();
    codes.sameCourse.set(title, byProvider);
  }
  let key = byProvider.get(provider);
  if (key === undefined) {
    key = `${title.trim().toLowerCase()}|${provider.trim().toLowerCase()}`;
    byProvider.set(provider, key);
  }
  return key;
}

/**
 * Whether, in some policy version of `credential`, a rule turning hours into CE comes before every
 * acceptance rule that would take one of these credits: the engine then resolves the completion
 * through hours. College-credit rules are passed over: they resolve only completions with college
 * credit, and those never reach this (planPerson leaves them to the object engine).
 */
function hoursMayResolveFirst(rules: KernelRules, credential: string, credits: readonly Credit[]): boolean {
  const entry = rules.ruleSet.credentials.get(credential);
  if (!entry) return false;
  return entry.policies.some((p) => {
    for (const r of p.requirements) {
      if (r.kind === 'accept-hours') return true;
      if (
        r.kind === 'accept' &&
        credits.some(
          (k) =>
            k.credential !== credential && r.from.some((pattern) => matchesPattern(pattern, k.credential)),
        )
      ) {
        return false;
      }
    }
    return false;
  });
}

/**
 * The units per hour at which `credential` turns a completion's hours into CE, when that is all its
 * policies can do with it: in every version, no acceptance rule takes one of these credits, and the
 * first hours rule has no filter and no condition, at the same rate. Undefined otherwise (the object
 * engine then evaluates the person).
 */
function hoursOnlyRate(
  rules: KernelRules,
  credential: string,
  credits: readonly Credit[],
): number | undefined {
  const entry = rules.ruleSet.credentials.get(credential);
  if (!entry || entry.policies.length === 0) return undefined;
  let rate: number | undefined;
  for (const policy of entry.policies) {
    const takes = policy.requirements.some(
      (r) =>
        r.kind === 'accept' &&
        credits.some((k) => r.from.some((pattern) => matchesPattern(pattern, k.credential))),
    );
    if (takes) return undefined;
    const first = policy.requirements.find((r) => r.kind === 'accept-hours');
    if (first?.kind !== 'accept-hours' || first.where !== undefined || first.when !== undefined)
      return undefined;
    if (rate !== undefined && rate !== first.unitsPerHour) return undefined;
    rate = first.unitsPerHour;
  }
  return rate;
}

/** Claimed credits override the catalog's for the same credential (as the engine reads them). */
function creditsOf(claimed: readonly Credit[], catalog: readonly Credit[]): Credit[] {
  const ids = new Set(claimed.map((k) => k.credential));
  return [...claimed, ...catalog.filter((k) => !ids.has(k.credential))];
}
