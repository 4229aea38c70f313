/**
 * The columnar evaluation kernel: the status, required, counted and missing
 * units of every holding of a population, with the same semantics as
 * evaluate() but without an object per record.
 *
 * Each credential's policy versions are compiled once into flat tables:
 * filters become bit masks over an attribute code (category × topic × type ×
 * provider), acceptance rules a factor per source credential, and each
 * combination of conditional rules (NSCA's proration) a variant compiled on
 * first use. The loop per holding then only reads typed arrays and writes
 * into reused scratch arrays.
 *
 * Allocation uses allocate.ts's own proofs: when no cap binds, counting
 * everything is optimal; when caps bind but form a laminar family that no
 * minimum looks into, the best total is the bottom-up sum of min(cap, …)
 * (each outermost group is then full in every optimum, so its load is
 * unique). `missing` takes the single-extra-class shortcut. Anything else is
 * handed to the exact allocate() and counted in `exactFallbacks`.
 */
import { addMonths, civilOf, type EpochDay, endOfMonth, epochDayOf, toEpochDay } from '../dates.ts';
import type { CreditFilter, PolicyVersion, Requirement, RequirementOf } from '../rules/schema.ts';
import { type CredentialEntry, matchesPattern, type RuleSet } from '../ruleset.ts';
import {
  type AllocationModel,
  type Attributes,
  allocate,
  extraCreditClasses,
  type Item,
  matchesFilter,
} from './allocate.ts';
import { HANDS_ON, NO_DAY, type PopulationColumns, type Vocabulary } from './population.ts';

/** Status codes of the kernel's output, in the words of HoldingResult.status. */
export const STATUS_NAMES = [
  'unknown',
  'permanent',
  'complete',
  'in-progress',
  'due-soon',
  'grace',
  'expired',
  'valid',
] as const;
const UNKNOWN = 0;
const PERMANENT = 1;
const COMPLETE = 2;
const IN_PROGRESS = 3;
const DUE_SOON = 4;
const GRACE = 5;
const EXPIRED = 6;
const VALID = 7;

/** Marks "no value" in the unit and day outputs (not a certification, or missing is unreachable). */
export const NONE = -1;

export interface PopulationResult {
  /** Index into STATUS_NAMES. */
  status: Uint8Array;
  required: Int32Array;
  counted: Int32Array;
  /** Least additional milli-units; NONE when not a certification or when caps make it unreachable. */
  missing: Int32Array;
  cycleStart: Int32Array;
  cycleEnd: Int32Array;
  /** Holdings whose allocation needed the exact solver. */
  exactFallbacks: number;
  /** Holdings whose caps bound and were settled by the laminar shortcut. */
  laminar: number;
}

export interface KernelOptions {
  dueSoonDays?: number;
  /** Arrays from an earlier call on a population of the same size, overwritten instead of allocated. */
  into?: PopulationResult;
}

// ---------------------------------------------------------------------------
// Calendar tables: civil fields of every day from 1900 to 2199, so hot loops
// read a table instead of dividing. Days outside fall back to dates.ts.

const TABLE_FIRST_YEAR = 1900;
const TABLE_YEARS = 300;
const TABLE_FROM = epochDayOf(TABLE_FIRST_YEAR, 1, 1);
const TABLE_TO = epochDayOf(TABLE_FIRST_YEAR + TABLE_YEARS, 1, 1);
const MONTH_START = new Int32Array(TABLE_YEARS * 12 + 1);
const DAY_YEAR = new Int16Array(TABLE_TO - TABLE_FROM);
const DAY_MONTH_INDEX = new Int16Array(TABLE_TO - TABLE_FROM);
const DAY_OF_MONTH = new Uint8Array(TABLE_TO - TABLE_FROM);
for (let i = 0; i <= TABLE_YEARS * 12; i++) {
  MONTH_START[i] = epochDayOf(TABLE_FIRST_YEAR + Math.floor(i / 12), (i % 12) + 1, 1);
}
for (let i = 0; i < TABLE_YEARS * 12; i++) {
  for (let d = MONTH_START[i]!; d < MONTH_START[i + 1]!; d++) {
    DAY_YEAR[d - TABLE_FROM] = TABLE_FIRST_YEAR + Math.floor(i / 12);
    DAY_MONTH_INDEX[d - TABLE_FROM] = i;
    DAY_OF_MONTH[d - TABLE_FROM] = d - MONTH_START[i]! + 1;
  }
}
const inTable = (d: EpochDay) => d >= TABLE_FROM && d < TABLE_TO;

function yearOfDay(d: EpochDay): number {
  return inTable(d) ? DAY_YEAR[d - TABLE_FROM]! : civilOf(d).year;
}

function dayOfMonth(d: EpochDay): number {
  return inTable(d) ? DAY_OF_MONTH[d - TABLE_FROM]! : civilOf(d).day;
}

/** Months since 1900-01 of a day's month. */
function monthIndex(d: EpochDay): number {
  if (inTable(d)) return DAY_MONTH_INDEX[d - TABLE_FROM]!;
  const c = civilOf(d);
  return (c.year - TABLE_FIRST_YEAR) * 12 + c.month - 1;
}

function plusMonths(d: EpochDay, months: number): EpochDay {
  if (inTable(d)) {
    const i = DAY_MONTH_INDEX[d - TABLE_FROM]! + months;
    if (i >= 0 && i < TABLE_YEARS * 12) {
      const start = MONTH_START[i]!;
      const length = MONTH_START[i + 1]! - start;
      const day = DAY_OF_MONTH[d - TABLE_FROM]!;
      return start + Math.min(day, length) - 1;
    }
  }
  return addMonths(d, months);
}

function lastOfMonth(d: EpochDay): EpochDay {
  if (inTable(d)) return MONTH_START[DAY_MONTH_INDEX[d - TABLE_FROM]! + 1]! - 1;
  return endOfMonth(d);
}

/** evaluate.ts's monthsFrom: whole months from a to b, rounded down (negative when b is before a). */
function monthsFrom(a: EpochDay, b: EpochDay): number {
  // dates.ts's monthsBetween, then one less when a plus that many months passes b.
  let months = monthIndex(b) - monthIndex(a);
  const da = dayOfMonth(a);
  const db = dayOfMonth(b);
  if (months > 0 && db < da) months--;
  else if (months < 0 && db > da) months++;
  if (plusMonths(a, months) > b) months--;
  return months;
}

// ---------------------------------------------------------------------------
// Compiled rules

const CYCLE = 0;
const YEAR = 1;
const EVENT = 2;
/** Event keys of the card and of held credentials; completion events are smaller. */
const CARD_EVENT = 0x40000000;
const HELD_EVENT = CARD_EVENT + 1;
/** Printed expiries apply to the first cycle whose computed end is within this many days (cycle.ts). */
const PRINTED_TOLERANCE_DAYS = 183;
const PRINTED_NONE = 0x7fffffff;
/** Slots of the no-repeat table; a holding with more distinct courses than half of it uses scratch. */
const REPEAT_SLOTS = 256;

interface AttributeSpace {
  topics: number;
  types: number;
  providers: number;
  size: number;
}

const attrKey = (s: AttributeSpace, category: number, topic: number, type: number, provider: number) =>
  ((category * s.topics + topic) * s.types + type) * s.providers + provider;

interface CardSpec {
  /** Per vocabulary credential: 1 when a card of that credential satisfies the rule. */
  accepts: Uint8Array;
  handsOn: boolean;
  units: number;
  attr: number;
  validDaysAfterCheck: number;
  onSubmission: boolean;
}

interface ExtraClass {
  category: number;
  minimumMask: number;
  cycleCapMask: number;
  attributes: Attributes;
}

/** One policy version with one set of conditional rules switched on. */
interface Variant {
  rules: Requirement[];
  total: number;
  lateDays: number;
  card: CardSpec | undefined;
  perCompletionCaps: Int32Array;
  /** Per attribute code: bit k set when per-completion cap k applies. */
  perCompletionMask: Uint32Array;
  capUnits: Int32Array;
  capPer: Uint8Array;
  capMask: Uint32Array;
  cycleCapBits: number;
  minimumUnits: Int32Array;
  minimumMask: Uint32Array;
  /** The strictest min-categories count, for the allocation model and for every row (the same number). */
  minCategories: number;
  minCategoriesRequired: number;
  policyCategories: number[];
  noRepeat: boolean;
  /** Per source credential: index into the accept tables, or -1. */
  accept: Int32Array;
  acceptNum: number[];
  acceptDen: number[];
  acceptPetition: boolean[];
  hasAccept: boolean;
  classes: ExtraClass[];
  /** No caps, minimums, categories or repeats: counting is a plain sum. */
  simple: boolean;
  /** Some cap counts per calendar year, so credits need their year. */
  yearCaps: boolean;
  /**
   * When the caps nest by their filters alone — cycle caps with disjoint
   * filters, each year or event cap inside at most one of them, positive
   * units — every holding's groups form a two-level laminar family, and the
   * best total follows from the group sums (see twoLevel). Per cap: its
   * enclosing cycle cap (-1 for none), and whether a binding tree under it
   * is one the sums cannot settle (a minimum or the card inside, or, with a
   * category rule, mixed categories).
   */
  twoLevel: boolean;
  capParent: Int32Array;
  capUnsettled: Uint8Array;
  // For the exact fallback.
  capRules: RequirementOf<'cap'>[];
  minimumRules: RequirementOf<'minimum'>[];
}

interface CompiledPolicy {
  source: PolicyVersion;
  from: EpochDay;
  to: EpochDay;
  anchor: number;
  months: number;
  years: number;
  firstPeriodStart: EpochDay;
  graceDays: number;
  graceMonths: number;
  reinstateRestarts: boolean;
  /** Rules with a `when`, whose on/off pattern picks the variant. */
  conditional: Requirement[];
  usesEarnedMonths: boolean;
  variants: Map<number, Variant>;
  /** The variant of a policy without conditional rules, once compiled. */
  only: Variant | undefined;
  /**
   * Variants of a policy with conditional rules, by cycle index and months
   * from the period start to the earned date, each clamped to the range
   * where the conditions can still tell them apart.
   */
  byCondition: (Variant | undefined)[];
  indexMax: number;
  monthsLow: number;
  monthsSpan: number;
}

const ROLLING = 0;
const END_OF_MONTH = 1;
const FIXED_PERIOD = 2;
const YEAR_END = 3;
const ANCHOR_CODES = {
  rolling: ROLLING,
  'end-of-month': END_OF_MONTH,
  'fixed-period': FIXED_PERIOD,
  'year-end': YEAR_END,
};

const CERTIFICATION = 0;
const SPECIALIZATION = 1;
const CARD = 2;

interface CompiledCredential {
  entry: CredentialEntry;
  kind: number;
  /** In the order of credential.policies (exact lookups), and sorted by start (nearest lookups). */
  policies: CompiledPolicy[];
  sorted: CompiledPolicy[];
  validityMonths: number;
  validityEndOfMonth: boolean;
  handsOnDefault: boolean | undefined;
  /** Per target credential: units this one credits toward it when held, or -1. */
  towardUnits: Int32Array;
  towardCategory: Uint8Array;
  towardTopic: Uint8Array;
  provider: number;
  /** Some credential credits toward this one when held. */
  creditedBy: boolean;
}

export interface CompiledRules {
  ruleSet: RuleSet;
  vocab: Vocabulary;
  space: AttributeSpace;
  credentials: CompiledCredential[];
  /** Provider names lowercased, by code, for filter matching. */
  providerLower: string[];
}

const TYPE_CARD = 6;
const TYPE_CREDENTIAL = 5;
const TYPE_COURSE = 0;

export function compileRules(ruleSet: RuleSet, vocab: Vocabulary): CompiledRules {
  const space: AttributeSpace = {
    topics: vocab.topics.length,
    types: vocab.types.length,
    providers: vocab.providers.length,
    size: vocab.categories.length * vocab.topics.length * vocab.types.length * vocab.providers.length,
  };
  if (vocab.types[TYPE_CARD] !== 'card' || vocab.types[TYPE_CREDENTIAL] !== 'credential') {
    throw new Error('activity type codes changed; update the kernel constants');
  }
  const code = (table: readonly string[], value: string | undefined) => {
    if (value === undefined) return 0;
    const i = table.indexOf(value);
    if (i < 0) throw new Error(`"${value}" is not in the vocabulary`);
    return i;
  };
  const n = vocab.credentials.length;
  const credentials = vocab.credentials.map((id): CompiledCredential => {
    const entry = ruleSet.credentials.get(id)!;
    const towardUnits = new Int32Array(n).fill(-1);
    const towardCategory = new Uint8Array(n);
    const towardTopic = new Uint8Array(n);
    for (const t of entry.creditsToward) {
      const target = vocab.credentialIndex.get(t.credential);
      if (target === undefined || towardUnits[target]! >= 0) continue;
      towardUnits[target] = t.units;
      towardCategory[target] = code(vocab.categories, t.category);
      towardTopic[target] = code(vocab.topics, t.topic);
    }
    const policies = entry.policies.map((p) => compilePolicy(p));
    return {
      entry,
      kind: entry.kind === 'card' ? CARD : entry.kind === 'specialization' ? SPECIALIZATION : CERTIFICATION,
      policies,
      sorted: [...policies].sort((a, b) => a.from - b.from),
      validityMonths: entry.validity?.months ?? 0,
      validityEndOfMonth: entry.validity?.anchor === 'end-of-month',
      handsOnDefault: entry.handsOn,
      towardUnits,
      towardCategory,
      towardTopic,
      provider: code(vocab.providers, ruleSet.bodies.get(entry.body)?.providerNames[0]),
      creditedBy: [...ruleSet.credentials.values()].some((other) =>
        other.creditsToward.some((t) => t.credential === id),
      ),
    };
  });
  return {
    ruleSet,
    vocab,
    space,
    credentials,
    providerLower: vocab.providers.map((p) => p.toLowerCase()),
  };
}

function compilePolicy(p: PolicyVersion): CompiledPolicy {
  const c = p.cycle;
  const conditional = p.requirements.filter((r) => r.when !== undefined);
  const thresholds = conditional.flatMap((r) => {
    const m = r.when?.earnedMonthsIntoCycle;
    return m ? [m.from, m.to].filter((x): x is number => x !== undefined) : [];
  });
  const monthsLow = thresholds.length ? Math.min(...thresholds) - 1 : 0;
  const monthsHigh = thresholds.length ? Math.max(...thresholds) : 0;
  const indexMax = Math.max(0, ...conditional.map((r) => r.when?.cycleIndexFrom ?? 0));
  return {
    source: p,
    from: toEpochDay(p.effectiveFrom),
    to: p.effectiveTo === undefined ? PRINTED_NONE : toEpochDay(p.effectiveTo),
    anchor: ANCHOR_CODES[c.anchor],
    months: c.anchor === 'year-end' ? 0 : c.months,
    years: c.anchor === 'year-end' ? c.years : 0,
    firstPeriodStart: c.anchor === 'fixed-period' ? toEpochDay(c.firstPeriodStart) : 0,
    graceDays: p.lateRenewal?.graceDays ?? -1,
    graceMonths: p.lateRenewal?.graceMonths ?? -1,
    reinstateRestarts: p.lateRenewal?.reinstatement?.newCycleFromApproval === true,
    conditional,
    usesEarnedMonths: conditional.some((r) => r.when?.earnedMonthsIntoCycle !== undefined),
    variants: new Map(),
    only: undefined,
    byCondition: [],
    indexMax,
    monthsLow,
    monthsSpan: monthsHigh - monthsLow + 1,
  };
}

function isKind<K extends Requirement['kind']>(kind: K) {
  return (rule: Requirement): rule is RequirementOf<K> => rule.kind === kind;
}

/** Per attribute code, whether the filter matches: the same test as allocate.ts's matchesFilter. */
function filterTable(compiled: CompiledRules, filter: CreditFilter | undefined): Uint8Array {
  const { vocab, space } = compiled;
  const table = new Uint8Array(space.size);
  for (let c = 0; c < vocab.categories.length; c++) {
    for (let t = 0; t < vocab.topics.length; t++) {
      for (let y = 0; y < vocab.types.length; y++) {
        for (let p = 0; p < vocab.providers.length; p++) {
          const attrs: Attributes = { type: vocab.types[y]! };
          if (c > 0) attrs.category = vocab.categories[c]!;
          if (t > 0) attrs.topic = vocab.topics[t]!;
          if (p > 0) attrs.provider = vocab.providers[p]!;
          table[attrKey(space, c, t, y, p)] = matchesFilter(attrs, filter) ? 1 : 0;
        }
      }
    }
  }
  return table;
}

function variantOf(compiled: CompiledRules, policy: CompiledPolicy, rules: Requirement[]): Variant {
  const { vocab, space } = compiled;
  const code = (table: readonly string[], v: string | undefined) => (v === undefined ? 0 : table.indexOf(v));
  const totals = rules.filter(isKind('total'));
  const lates = rules.filter(isKind('late-credit'));
  const cardRule = rules.find(isKind('card'));
  let card: CardSpec | undefined;
  if (cardRule) {
    const accepts = new Uint8Array(vocab.credentials.length);
    vocab.credentials.forEach((id, i) => {
      const c = compiled.ruleSet.credentials.get(id)!;
      if (c.kind !== 'card' || !c.validity) return;
      const ok = cardRule.accepts
        ? cardRule.accepts.includes(c.id)
        : cardRule.covers.every((x) => c.covers.includes(x));
      accepts[i] = ok ? 1 : 0;
    });
    card = {
      accepts,
      handsOn: cardRule.handsOn,
      units: cardRule.units ?? 0,
      attr: attrKey(
        space,
        code(vocab.categories, cardRule.category),
        code(vocab.topics, cardRule.topic),
        TYPE_CARD,
        0,
      ),
      validDaysAfterCheck: cardRule.validDaysAfterCheck,
      onSubmission: cardRule.checkOn === 'submission',
    };
  }
  const allCaps = rules.filter(isKind('cap'));
  const perCompletion = allCaps.filter((r) => r.per === 'completion');
  const capRules = allCaps.filter((r) => r.per !== 'completion');
  const minimumRules = rules.filter(isKind('minimum'));
  if (perCompletion.length > 32 || capRules.length > 32 || minimumRules.length > 32) {
    throw new Error('the kernel handles at most 32 caps and 32 minimums per policy');
  }
  const maskOf = (filters: (CreditFilter | undefined)[]) => {
    const mask = new Uint32Array(space.size);
    filters.forEach((f, k) => {
      const table = filterTable(compiled, f);
      for (let a = 0; a < space.size; a++) if (table[a]) mask[a]! |= 1 << k;
    });
    return mask;
  };
  const capPer = new Uint8Array(
    capRules.map((r) => (r.per === 'cycle' ? CYCLE : r.per === 'year' ? YEAR : EVENT)),
  );
  let cycleCapBits = 0;
  capPer.forEach((per, k) => {
    if (per === CYCLE) cycleCapBits |= 1 << k;
  });
  const capMask = maskOf(capRules.map((r) => r.where));
  const minimumMask = maskOf(minimumRules.map((r) => r.where));
  const structure = capStructure(
    space.size,
    capRules.map((r) => r.units),
    capPer,
    capMask,
    minimumMask,
    cardRule && (cardRule.units ?? 0) > 0
      ? attrKey(
          space,
          code(vocab.categories, cardRule.category),
          code(vocab.topics, cardRule.topic),
          TYPE_CARD,
          0,
        )
      : -1,
    rules.some((r) => r.kind === 'min-categories'),
    (a) => Math.floor(a / (space.topics * space.types * space.providers)),
  );

  const accept = new Int32Array(vocab.credentials.length).fill(-1);
  const acceptNum: number[] = [];
  const acceptDen: number[] = [];
  const acceptPetition: boolean[] = [];
  // A foreign credit resolves through the first resolving rule; without hours or college data only
  // acceptance rules can resolve, so the first accept rule whose pattern matches wins.
  const acceptRules = rules.filter(isKind('accept'));
  vocab.credentials.forEach((id, i) => {
    const rule = acceptRules.find((r) => r.from.some((p) => matchesPattern(p, id)));
    if (!rule) return;
    accept[i] = acceptNum.length;
    acceptNum.push(rule.factor?.num ?? 1);
    acceptDen.push(rule.factor?.den ?? 1);
    acceptPetition.push(rule.byPetition);
  });

  const minCategoryRules = rules.filter(isKind('min-categories'));
  const policyCategories = policy.source.categories.map((c) => code(vocab.categories, c.code));
  const classes = extraCreditClasses(policy.source, minimumRules).map((attributes): ExtraClass => {
    const a = attrKey(
      space,
      code(vocab.categories, attributes.category),
      code(vocab.topics, attributes.topic),
      TYPE_COURSE,
      code(vocab.providers, attributes.provider),
    );
    return {
      category: code(vocab.categories, attributes.category),
      minimumMask: minimumMask[a]!,
      cycleCapMask: capMask[a]! & cycleCapBits,
      attributes,
    };
  });
  const noRepeat = rules.some((r) => r.kind === 'no-repeat');
  return {
    rules,
    total: Math.max(0, ...totals.map((t) => t.units)),
    lateDays: Math.max(0, ...lates.map((r) => r.days)),
    card,
    perCompletionCaps: new Int32Array(perCompletion.map((r) => r.units)),
    perCompletionMask: maskOf(perCompletion.map((r) => r.where)),
    capUnits: new Int32Array(capRules.map((r) => r.units)),
    capPer,
    capMask,
    cycleCapBits,
    minimumUnits: new Int32Array(minimumRules.map((r) => r.units)),
    minimumMask,
    minCategories: Math.max(0, ...minCategoryRules.map((r) => r.count)),
    minCategoriesRequired: Math.max(0, ...minCategoryRules.map((r) => r.count)),
    policyCategories,
    noRepeat,
    accept,
    acceptNum,
    acceptDen,
    acceptPetition,
    hasAccept: acceptNum.length > 0,
    classes,
    yearCaps: capRules.some((r) => r.per === 'year'),
    simple:
      capRules.length === 0 &&
      perCompletion.length === 0 &&
      minimumRules.length === 0 &&
      minCategoryRules.length === 0 &&
      !noRepeat,
    ...structure,
    capRules,
    minimumRules,
  };
}

/** Whether a policy's caps nest by their filters, and which of them a binding tree's sums cannot settle. */
function capStructure(
  size: number,
  units: number[],
  per: Uint8Array,
  capMask: Uint32Array,
  minimumMask: Uint32Array,
  cardAttr: number,
  categoryRule: boolean,
  categoryOf: (attr: number) => number,
): { twoLevel: boolean; capParent: Int32Array; capUnsettled: Uint8Array } {
  const n = units.length;
  const capParent = new Int32Array(n).fill(-1);
  const capUnsettled = new Uint8Array(n);
  let twoLevel = units.every((u) => u > 0);
  const category = new Int32Array(n).fill(-2);
  for (let a = 0; a < size && twoLevel; a++) {
    const mask = capMask[a]!;
    if (mask === 0) continue;
    let cycles = 0;
    let others = 0;
    for (let k = 0; k < n; k++) {
      if ((mask & (1 << k)) === 0) continue;
      if (per[k] === CYCLE) cycles++;
      else others++;
      if (minimumMask[a] !== 0 || a === cardAttr) capUnsettled[k] = 1;
      const c = categoryOf(a);
      category[k] = category[k] === -2 || category[k] === c ? c : -1;
    }
    if (cycles > 1 || others > 1) twoLevel = false;
  }
  // A year or event cap nests in the cycle cap that every credit it holds falls under.
  for (let k = 0; k < n && twoLevel; k++) {
    if (per[k] === CYCLE) continue;
    let parent = -2;
    for (let a = 0; a < size; a++) {
      const mask = capMask[a]!;
      if ((mask & (1 << k)) === 0) continue;
      let p = -1;
      for (let q = 0; q < n; q++) if (per[q] === CYCLE && mask & (1 << q)) p = q;
      parent = parent === -2 || parent === p ? p : -3;
    }
    if (parent === -3) twoLevel = false;
    capParent[k] = parent < 0 ? -1 : parent;
  }
  if (categoryRule) for (let k = 0; k < n; k++) if (category[k] === -1) capUnsettled[k] = 1;
  for (let k = 0; k < n; k++) {
    if (capParent[k]! >= 0 && capUnsettled[k]) capUnsettled[capParent[k]!] = 1;
  }
  return { twoLevel, capParent, capUnsettled };
}

// ---------------------------------------------------------------------------
// The kernel

export function evaluatePopulation(
  columns: PopulationColumns,
  compiled: CompiledRules,
  asOf: EpochDay,
  options: KernelOptions = {},
): PopulationResult {
  return new Kernel(columns, compiled, asOf, options.dueSoonDays ?? 90, options).run();
}

class Kernel {
  readonly result: PopulationResult;
  // Scratch for one holding's eligible credits, reused across holdings.
  cap = 64;
  units = new Int32Array(64);
  attr = new Int32Array(64);
  category = new Uint8Array(64);
  year = new Int32Array(64);
  event = new Int32Array(64);
  key = new Int32Array(64);
  virtual = new Uint8Array(64);
  n = 0;
  // Cap groups of one holding.
  groupCap = new Int32Array(64);
  groupKey = new Int32Array(64);
  groupSum = new Float64Array(64);
  groups = 0;
  minimumSum = new Float64Array(32);
  cycleLoad = new Float64Array(32);
  // The current cycle, set by cycleOf.
  start = 0;
  end = 0;
  periodStart = 0;
  index = 0;
  policy: CompiledPolicy | undefined;
  // The issue that satisfied the card check, set by checkCard.
  cardIssued = 0;

  constructor(
    readonly columns: PopulationColumns,
    readonly compiled: CompiledRules,
    readonly asOf: EpochDay,
    readonly dueSoonDays: number,
    options: KernelOptions,
  ) {
    const h = columns.holdings;
    const into = options.into;
    if (into && into.status.length === h) {
      into.status.fill(UNKNOWN);
      for (const a of [into.required, into.counted, into.missing, into.cycleStart, into.cycleEnd])
        a.fill(NONE);
      into.exactFallbacks = 0;
      into.laminar = 0;
      this.result = into;
    } else {
      this.result = {
        status: new Uint8Array(h),
        required: new Int32Array(h).fill(NONE),
        counted: new Int32Array(h).fill(NONE),
        missing: new Int32Array(h).fill(NONE),
        cycleStart: new Int32Array(h).fill(NONE),
        cycleEnd: new Int32Array(h).fill(NONE),
        exactFallbacks: 0,
        laminar: 0,
      };
    }
  }

  run(): PopulationResult {
    const { columns, compiled } = this;
    const creds = compiled.credentials;
    for (let p = 0; p < columns.persons; p++) {
      const first = columns.personHoldingStart[p]!;
      const last = columns.personHoldingStart[p + 1]!;
      this.issueCount = 0;
      for (let h = first; h < last; h++) {
        const cred = creds[columns.holdingCredential[h]!]!;
        if (cred.kind === CARD && cred.validityMonths > 0) this.addIssues(h, cred);
      }
      for (let h = first; h < last; h++) {
        const cred = creds[columns.holdingCredential[h]!]!;
        if (cred.kind === CERTIFICATION) this.certification(h, cred, first, last);
        else if (cred.kind === SPECIALIZATION) this.result.status[h] = PERMANENT;
        else this.card(h);
      }
    }
    return this.result;
  }

  // Every issue of the person's cards (the original and each retake), computed once per person.
  issueCount = 0;
  issueHolding = new Int32Array(16);
  issueStart = new Int32Array(16);
  issueEnd = new Int32Array(16);

  /**
   * A card's issues: the earned date and each renewal up to the as-of date,
   * sorted, each valid for the card's months, with the printed expiry on the
   * first issue it fits (cycle.ts's cardIssues).
   */
  addIssues(h: number, cred: CompiledCredential): void {
    const c = this.columns;
    const earned = c.holdingEarned[h]!;
    const rEnd = c.holdingRenewalStart[h + 1]!;
    let r = c.holdingRenewalStart[h]!;
    let printed = c.holdingPrinted[h] === NO_DAY ? PRINTED_NONE : c.holdingPrinted[h]!;
    let earnedDone = false;
    for (;;) {
      let issued: number;
      const renewal = r < rEnd && c.renewalDay[r]! <= this.asOf ? c.renewalDay[r]! : PRINTED_NONE;
      if (!earnedDone && earned <= renewal) {
        issued = earned;
        earnedDone = true;
      } else if (renewal !== PRINTED_NONE) {
        issued = renewal;
        r++;
      } else break;
      const after = plusMonths(issued, cred.validityMonths);
      let expires = cred.validityEndOfMonth ? lastOfMonth(after) : after;
      if (printed !== PRINTED_NONE && expires + PRINTED_TOLERANCE_DAYS >= printed) {
        expires = printed;
        printed = PRINTED_NONE;
      }
      if (this.issueCount === this.issueHolding.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.issueHolding = grow(this.issueHolding);
        this.issueStart = grow(this.issueStart);
        this.issueEnd = grow(this.issueEnd);
      }
      this.issueHolding[this.issueCount] = h;
      this.issueStart[this.issueCount] = issued;
      this.issueEnd[this.issueCount] = expires;
      this.issueCount++;
    }
  }

  /** A card's status: its last issue by the as-of date, or unknown when none is issued yet. */
  card(h: number): void {
    let current = -1;
    for (let i = 0; i < this.issueCount; i++) {
      if (this.issueHolding[i] === h && this.issueStart[i]! <= this.asOf) current = i;
    }
    if (current < 0) return;
    const expires = this.issueEnd[current]!;
    const daysLeft = expires - this.asOf;
    this.result.cycleStart[h] = this.issueStart[current]!;
    this.result.cycleEnd[h] = expires;
    this.result.status[h] = daysLeft < 0 ? EXPIRED : daysLeft <= this.dueSoonDays ? DUE_SOON : VALID;
  }

  /** checkCard: whether some accepted card of the person is valid on the check day (the first one found). */
  checkCard(spec: CardSpec): boolean {
    const c = this.columns;
    const creds = this.compiled.credentials;
    const base = spec.onSubmission ? Math.min(this.asOf, this.end) : this.end;
    const checkDay = base + spec.validDaysAfterCheck;
    let holding = -1;
    let usable = false;
    for (let i = 0; i < this.issueCount; i++) {
      const g = this.issueHolding[i]!;
      if (g !== holding) {
        holding = g;
        const ci = c.holdingCredential[g]!;
        usable = spec.accepts[ci] === 1 && c.holdingEarned[g]! <= this.asOf;
        if (usable && spec.handsOn) {
          const flag = c.holdingHandsOn[g]!;
          const handsOn = flag === HANDS_ON.unknown ? creds[ci]!.handsOnDefault : flag === HANDS_ON.yes;
          if (handsOn === false) usable = false;
        }
      }
      if (usable && this.issueStart[i]! <= checkDay && checkDay <= this.issueEnd[i]!) {
        this.cardIssued = this.issueStart[i]!;
        return true;
      }
    }
    return false;
  }

  /** The policy for a cycle ending on `day`: the version in force, else the nearest (ruleset.ts). */
  policyFor(cred: CompiledCredential, day: EpochDay): CompiledPolicy | undefined {
    // One version is both the exact and the nearest answer for every day.
    if (cred.policies.length === 1) return cred.policies[0];
    const policies = cred.policies;
    for (let i = 0; i < policies.length; i++) {
      const p = policies[i]!;
      if (p.from <= day && day <= p.to) return p;
    }
    const sorted = cred.sorted;
    if (sorted.length === 0) return undefined;
    if (day < sorted[0]!.from) return sorted[0];
    return sorted[sorted.length - 1];
  }

  /** Sets start/end/periodStart of the first window under a policy's anchor. */
  firstWindow(p: CompiledPolicy, earned: EpochDay): void {
    switch (p.anchor) {
      case ROLLING:
        this.start = earned;
        this.end = plusMonths(earned, p.months);
        this.periodStart = earned;
        return;
      case END_OF_MONTH:
        this.start = earned;
        this.end = lastOfMonth(plusMonths(earned, p.months));
        this.periodStart = earned;
        return;
      case FIXED_PERIOD: {
        const k = Math.max(0, periodIndex(p.firstPeriodStart, p.months, earned));
        const periodStart = plusMonths(p.firstPeriodStart, k * p.months);
        this.start = periodStart > earned ? periodStart : earned;
        this.end = plusMonths(p.firstPeriodStart, (k + 1) * p.months) - 1;
        this.periodStart = periodStart;
        return;
      }
      default:
        this.start = earned;
        this.end = epochDayOf(yearOfDay(earned) + p.years, 12, 31);
        this.periodStart = earned;
    }
  }

  nextWindow(p: CompiledPolicy, prevEnd: EpochDay): void {
    switch (p.anchor) {
      case ROLLING:
        this.start = prevEnd;
        this.end = plusMonths(prevEnd, p.months);
        this.periodStart = prevEnd;
        return;
      case END_OF_MONTH:
        this.start = prevEnd;
        this.end = lastOfMonth(plusMonths(prevEnd, p.months));
        this.periodStart = prevEnd;
        return;
      case FIXED_PERIOD: {
        const k = periodIndex(p.firstPeriodStart, p.months, prevEnd + 1);
        this.start = plusMonths(p.firstPeriodStart, k * p.months);
        this.end = plusMonths(p.firstPeriodStart, (k + 1) * p.months) - 1;
        this.periodStart = this.start;
        return;
      }
      default:
        this.start = prevEnd + 1;
        this.end = epochDayOf(yearOfDay(prevEnd) + p.years, 12, 31);
        this.periodStart = prevEnd + 1;
    }
  }

  /** The cycle current on the as-of date, as cycle.ts's cyclesOf lays it out. */
  cycleOf(h: number, cred: CompiledCredential): void {
    const c = this.columns;
    const earned = c.holdingEarned[h]!;
    let printed = c.holdingPrinted[h] === NO_DAY ? PRINTED_NONE : c.holdingPrinted[h]!;
    let policy = this.policyFor(cred, earned);
    const rFirst = c.holdingRenewalStart[h]!;
    const rEnd = c.holdingRenewalStart[h + 1]!;
    let r = rFirst;
    let index = 0;
    this.policy = undefined;
    for (;;) {
      if (!policy) return;
      if (index === 0) this.firstWindow(policy, earned);
      else if (c.renewalKind[r - 1] === 1 && this.policy?.reinstateRestarts) {
        this.firstWindow(policy, c.renewalDay[r - 1]!);
      } else this.nextWindow(policy, this.end);
      if (printed !== PRINTED_NONE && this.end + PRINTED_TOLERANCE_DAYS >= printed) {
        this.end = printed;
        printed = PRINTED_NONE;
      }
      policy = this.policyFor(cred, this.end);
      this.policy = policy;
      this.index = index;
      if (r >= rEnd || c.renewalDay[r]! > this.asOf) return;
      r++;
      index++;
    }
  }

  variantFor(policy: CompiledPolicy, earned: EpochDay): Variant {
    if (policy.only) return policy.only;
    let mask = 0;
    const conditional = policy.conditional;
    let slot = -1;
    if (conditional.length > 0) {
      const months = policy.usesEarnedMonths ? monthsFrom(this.periodStart, earned) : 0;
      const m = Math.min(Math.max(months, policy.monthsLow), policy.monthsLow + policy.monthsSpan - 1);
      slot = Math.min(this.index, policy.indexMax) * policy.monthsSpan + (m - policy.monthsLow);
      const known = policy.byCondition[slot];
      if (known) return known;
      for (let k = 0; k < conditional.length; k++) {
        const when = conditional[k]!.when!;
        let on = true;
        if (when.cycleIndexFrom !== undefined && this.index < when.cycleIndexFrom) on = false;
        const w = when.earnedMonthsIntoCycle;
        if (on && w) {
          if (w.from !== undefined && months < w.from) on = false;
          if (w.to !== undefined && months >= w.to) on = false;
        }
        if (on) mask |= 1 << k;
      }
    }
    let variant = policy.variants.get(mask);
    if (!variant) {
      const rules = policy.source.requirements.filter((r) => {
        const k = conditional.indexOf(r);
        return k < 0 || (mask & (1 << k)) !== 0;
      });
      variant = variantOf(this.compiled, policy, rules);
      policy.variants.set(mask, variant);
      if (conditional.length === 0) policy.only = variant;
    }
    if (slot >= 0) policy.byCondition[slot] = variant;
    return variant;
  }

  push(units: number, attr: number, category: number, year: number, event: number, key: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.units[i] = units;
    this.attr[i] = attr;
    this.category[i] = category;
    this.year[i] = year;
    this.event[i] = event;
    this.key[i] = key;
    this.virtual[i] = 0;
  }

  grow(): void {
    const cap = this.cap * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.units = grow32(this.units);
    this.attr = grow32(this.attr);
    this.year = grow32(this.year);
    this.event = grow32(this.event);
    this.key = grow32(this.key);
    const c = new Uint8Array(cap);
    c.set(this.category);
    this.category = c;
    const v = new Uint8Array(cap);
    v.set(this.virtual);
    this.virtual = v;
    this.cap = cap;
  }

  certification(h: number, cred: CompiledCredential, first: number, last: number): void {
    const c = this.columns;
    const res = this.result;
    const asOf = this.asOf;
    this.cycleOf(h, cred);
    const policy = this.policy;
    if (!policy) return;
    const earned = c.holdingEarned[h]!;
    const v = this.variantFor(policy, earned);
    const start = this.start;
    const end = this.end;
    res.cycleStart[h] = start;
    res.cycleEnd[h] = end;
    const pastEnd = asOf > end;
    const windowEnd = pastEnd && v.lateDays > 0 ? end + v.lateDays : end;
    // Every eligibility test in one range: not future, not before earned, inside the window.
    const lo = Math.max(earned, start);
    const hi = Math.min(windowEnd, asOf);
    const card = v.card;
    const cardOk = card ? this.checkCard(card) : true;
    const virtualOffered = card && card.units > 0 && !cardOk ? card.units : 0;

    let counted: number;
    let missing: number;
    let allMet: boolean;
    if (v.simple) {
      // Nothing but totals: the sum of eligible credits is the allocation.
      let sum = this.plainSum(v, h, first, last, lo, hi);
      if (cred.creditedBy) sum += this.heldSum(h, first, last, lo, hi);
      if (card && card.units > 0) sum += card.units;
      counted = sum - virtualOffered;
      const short = v.total - sum;
      missing = Math.max(short, 0) + virtualOffered;
      allMet = counted >= v.total && cardOk;
    } else {
      this.at(h, first, last, lo, hi, end, cardOk);
      this.resetTally(v);
      if (!this.stream(v)) {
        // Repeats with a category rule (or a holding with very many credits) go through scratch.
        this.resetTally(v);
        this.fillScratch(v);
        for (let i = 0; i < this.n; i++) {
          this.tally(
            v,
            this.units[i]!,
            this.attr[i]!,
            this.category[i]!,
            this.year[i]!,
            this.event[i]!,
            this.virtual[i] === 1,
          );
        }
      }
      this.finish(v);
      counted = this.aCounted;
      missing = this.aMissing;
      allMet = this.aAllMet;
    }
    res.required[h] = v.total;
    res.counted[h] = counted;
    if (missing === NONE) {
      res.missing[h] = NONE;
      allMet = false;
    } else res.missing[h] = allMet ? 0 : Math.max(missing, 0);
    res.status[h] = statusOf(pastEnd, asOf, end, this.graceEnd(policy, end), allMet, this.dueSoonDays);
  }

  /** takes()' answer for the holding it last accepted: the factor (num/den) and the hidden-from bit. */
  private takenNum = 1;
  private takenDen = 1;
  private takenHide = 0;

  /**
   * Whether holding h (of credential `self`) counts the records of holding g, the person's holdings
   * starting at `first`: its own and those of its credential, or another credential's through an
   * acceptance rule (not by petition). Through acceptance the factor is the rule's, and the records
   * that name h in completionHiddenFrom (h has its own credit for the completion) are left out.
   */
  private takes(v: Variant, h: number, g: number, first: number, self: number): boolean {
    this.takenNum = 1;
    this.takenDen = 1;
    this.takenHide = 0;
    const credential = this.columns.holdingCredential[g]!;
    if (g === h || credential === self) return true;
    if (!v.hasAccept) return false;
    const a = v.accept[credential]!;
    if (a < 0 || v.acceptPetition[a]) return false;
    this.takenNum = v.acceptNum[a]!;
    this.takenDen = v.acceptDen[a]!;
    this.takenHide = 1 << (h - first);
    return true;
  }

  /** Eligible units of the holding's own credits and those its acceptance rules take from the person's others. */
  plainSum(v: Variant, h: number, first: number, last: number, lo: number, hi: number): number {
    const c = this.columns;
    const cs = c.holdingCompletionStart;
    const day = c.completionDay;
    const status = c.completionStatus;
    const units = c.completionUnits;
    const hidden = c.completionHiddenFrom;
    const self = c.holdingCredential[h]!;
    let sum = 0;
    for (let g = first; g < last; g++) {
      if (!this.takes(v, h, g, first, self)) continue;
      const num = this.takenNum;
      const den = this.takenDen;
      const hide = this.takenHide;
      const to = cs[g + 1]!;
      if (num === den) {
        // Without branches: the mask is all ones only inside [lo, hi] with the credit approved (status 0).
        for (let r = cs[g]!; r < to; r++) {
          const d = day[r]!;
          sum += units[r]! & ~(((d - lo) | (hi - d) | -status[r]! | -(hidden[r]! & hide)) >> 31);
        }
      } else {
        for (let r = cs[g]!; r < to; r++) {
          const d = day[r]!;
          if (d >= lo && d <= hi && status[r] === 0 && (hidden[r]! & hide) === 0)
            sum += Math.floor((units[r]! * num) / den);
        }
      }
    }
    return sum;
  }

  graceEnd(policy: CompiledPolicy, end: EpochDay): EpochDay {
    let grace = end;
    if (policy.graceDays >= 0 && end + policy.graceDays > grace) grace = end + policy.graceDays;
    if (policy.graceMonths >= 0) {
      const g = plusMonths(end, policy.graceMonths);
      if (g > grace) grace = g;
    }
    return grace;
  }

  categoryOfAttr(attr: number): number {
    const s = this.compiled.space;
    return Math.floor(attr / (s.topics * s.types * s.providers));
  }

  /** Units credited by the person's other held credentials (credential as CE), eligible ones only. */
  heldSum(h: number, first: number, last: number, lo: number, hi: number): number {
    const c = this.columns;
    const creds = this.compiled.credentials;
    const target = c.holdingCredential[h]!;
    let sum = 0;
    for (let g = first; g < last; g++) {
      if (g === h) continue;
      const ci = c.holdingCredential[g]!;
      const units = creds[ci]!.towardUnits[target]!;
      if (units < 0 || this.seenBefore(g, first, ci)) continue;
      const d = c.holdingEarned[g]!;
      if (d >= lo && d <= hi) sum += units;
    }
    return sum;
  }

  /** Only the first holding of a credential credits as CE (evaluate.ts's `seen`). */
  seenBefore(g: number, first: number, ci: number): boolean {
    for (let k = first; k < g; k++) if (this.columns.holdingCredential[k] === ci) return true;
    return false;
  }

  /** Eligible credits into scratch, in evaluate's candidate order, with repeats and per-completion caps applied. */
  collect(h: number, v: Variant, first: number, last: number, lo: number, hi: number): void {
    const c = this.columns;
    const s = this.compiled.space;
    const cs = c.holdingCompletionStart;
    const self = c.holdingCredential[h]!;
    for (let g = first; g < last; g++) {
      if (!this.takes(v, h, g, first, self)) continue;
      const num = this.takenNum;
      const den = this.takenDen;
      const hide = this.takenHide;
      const to = cs[g + 1]!;
      for (let r = cs[g]!; r < to; r++) {
        const d = c.completionDay[r]!;
        if (((d - lo) | (hi - d) | -c.completionStatus[r]! | -(c.completionHiddenFrom[r]! & hide)) < 0)
          continue;
        const units = num === den ? c.completionUnits[r]! : Math.floor((c.completionUnits[r]! * num) / den);
        const cat = c.completionCategory[r]!;
        const provider = c.completionProvider[r]!;
        const attr = attrKey(s, cat, c.completionTopic[r]!, c.completionType[r]!, provider);
        const event = c.completionEvent[r]! !== 0 ? c.completionEvent[r]! : -(r + 1);
        const key = c.completionActivity[r]! * s.providers + provider;
        if (v.noRepeat && this.repeats(units, key)) continue;
        this.push(units, attr, cat, yearOfDay(d), event, key);
      }
    }
    const creds = this.compiled.credentials;
    for (let g = first; g < last; g++) {
      if (g === h) continue;
      const ci = c.holdingCredential[g]!;
      const other = creds[ci]!;
      const units = other.towardUnits[self]!;
      if (units < 0 || this.seenBefore(g, first, ci)) continue;
      const d = c.holdingEarned[g]!;
      if (d < lo || d > hi) continue;
      const cat = other.towardCategory[self]!;
      const attr = attrKey(s, cat, other.towardTopic[self]!, TYPE_CREDENTIAL, other.provider);
      this.push(units, attr, cat, yearOfDay(d), HELD_EVENT + ci, -1);
    }
    const caps = v.perCompletionCaps;
    if (caps.length > 0) {
      for (let i = 0; i < this.n; i++) {
        const mask = v.perCompletionMask[this.attr[i]!]!;
        if (mask === 0) continue;
        for (let k = 0; k < caps.length; k++) {
          if (mask & (1 << k) && this.units[i]! > caps[k]!) this.units[i] = caps[k]!;
        }
      }
    }
  }

  /**
   * No-repeat: the same course counts once, the larger credit kept, the
   * earlier on a tie. Returns true when the new credit is the repeat;
   * otherwise the earlier, smaller one is dropped from scratch.
   */
  repeats(units: number, key: number): boolean {
    for (let i = 0; i < this.n; i++) {
      if (this.key[i] !== key) continue;
      if (units <= this.units[i]!) return true;
      this.remove(i);
      return false;
    }
    return false;
  }

  remove(i: number): void {
    this.units.copyWithin(i, i + 1, this.n);
    this.attr.copyWithin(i, i + 1, this.n);
    this.category.copyWithin(i, i + 1, this.n);
    this.year.copyWithin(i, i + 1, this.n);
    this.event.copyWithin(i, i + 1, this.n);
    this.key.copyWithin(i, i + 1, this.n);
    this.virtual.copyWithin(i, i + 1, this.n);
    this.n--;
  }

  // The holding being allocated, for a second pass over its credits when a cap binds.
  atH = 0;
  atFirst = 0;
  atLast = 0;
  atLo = 0;
  atHi = 0;
  atEnd = 0;
  cardOk = true;
  scratchReady = false;

  at(h: number, first: number, last: number, lo: number, hi: number, end: number, cardOk: boolean): void {
    this.atH = h;
    this.atFirst = first;
    this.atLast = last;
    this.atLo = lo;
    this.atHi = hi;
    this.atEnd = end;
    this.cardOk = cardOk;
    this.scratchReady = false;
  }

  /** The holding's eligible credits, the card last, into scratch (evaluate's candidate order). */
  fillScratch(v: Variant): void {
    this.n = 0;
    this.collect(this.atH, v, this.atFirst, this.atLast, this.atLo, this.atHi);
    const card = v.card;
    if (card && card.units > 0) {
      const year = yearOfDay(this.cardOk ? this.cardIssued : this.atEnd);
      this.push(card.units, card.attr, this.categoryOfAttr(card.attr), year, CARD_EVENT, -1);
      if (!this.cardOk) this.virtual[this.n - 1] = 1;
    }
    this.scratchReady = true;
  }

  // Running sums of the allocation when everything counts in full.
  tCounted = 0;
  tVirtual = 0;
  tUsedAll = 0;
  tUsedReal = 0;
  virtualMinimumSum = new Float64Array(32);

  resetTally(v: Variant): void {
    // Each cycle cap has one group, created up front so credits add to it without a search.
    this.groups = 0;
    for (let k = 0; k < v.capUnits.length; k++) {
      if (v.capPer[k] !== CYCLE) continue;
      this.cycleGroup[k] = this.groups;
      this.groupCap[this.groups] = k;
      this.groupKey[this.groups] = 0;
      this.groupSum[this.groups] = 0;
      this.groups++;
    }
    this.tCounted = 0;
    this.tVirtual = 0;
    this.tUsedAll = 0;
    this.tUsedReal = 0;
    for (let j = 0; j < v.minimumUnits.length; j++) {
      this.minimumSum[j] = 0;
      this.virtualMinimumSum[j] = 0;
    }
  }

  addMinimums(mask: number, minimums: number, u: number): void {
    for (let j = 0; j < minimums; j++) if (mask & (1 << j)) this.minimumSum[j]! += u;
  }

  cycleGroup = new Int32Array(32);

  addCaps(v: Variant, mask: number, u: number, year: number, event: number): void {
    const caps = v.capUnits.length;
    for (let k = 0; k < caps; k++) {
      if ((mask & (1 << k)) === 0) continue;
      const per = v.capPer[k]!;
      if (per === CYCLE) this.groupSum[this.cycleGroup[k]!]! += u;
      else if (per === EVENT && event < 0 && u >= 0) this.newGroup(k, event, u);
      else this.addToGroup(k, per === YEAR ? year : event, u);
    }
  }

  tally(
    v: Variant,
    u: number,
    a: number,
    category: number,
    year: number,
    event: number,
    isVirtual: boolean,
  ): void {
    this.tCounted += u;
    if (isVirtual) this.tVirtual += u;
    if (u > 0 && category !== 0) {
      this.tUsedAll |= 1 << category;
      if (!isVirtual) this.tUsedReal |= 1 << category;
    }
    const mm = v.minimumMask[a]!;
    if (mm !== 0) {
      const minimums = v.minimumUnits.length;
      for (let j = 0; j < minimums; j++) {
        if ((mm & (1 << j)) === 0) continue;
        this.minimumSum[j]! += u;
        if (isVirtual) this.virtualMinimumSum[j]! += u;
      }
    }
    const cm = v.capMask[a]!;
    if (cm !== 0) this.addCaps(v, cm, u, year, event);
  }

  // No-repeat while streaming: the credit kept so far for each course, in an open-addressing table.
  kept = new Int32Array(REPEAT_SLOTS * 8);
  stamp = 0;

  /**
   * Tallies the holding's credits straight from the columns, without
   * scratch: the common path. No-repeat is settled on the fly (a larger
   * repeat replaces the credit kept so far, whose tally is taken back),
   * which needs no category rule, since a category's use cannot be taken
   * back from a bit mask. Returns false when the holding needs scratch.
   */
  stream(v: Variant): boolean {
    const repeat = v.noRepeat;
    if (repeat && v.minCategories + v.minCategoriesRequired > 0) return false;
    this.stamp++;
    let distinct = 0;
    const c = this.columns;
    const s = this.compiled.space;
    const cs = c.holdingCompletionStart;
    const h = this.atH;
    const lo = this.atLo;
    const hi = this.atHi;
    const self = c.holdingCredential[h]!;
    const pcCaps = v.perCompletionCaps.length;
    const minimums = v.minimumUnits.length;
    const minimumMask = v.minimumMask;
    const capCount = v.capUnits.length;
    const capMask = v.capMask;
    const pcMask = v.perCompletionMask;
    const yearCaps = v.yearCaps;
    // Columns and sizes in locals: the calls below would otherwise make V8 reload them per credit.
    const day = c.completionDay;
    const status = c.completionStatus;
    const unitsOf = c.completionUnits;
    const categoryOf = c.completionCategory;
    const topicOf = c.completionTopic;
    const typeOf = c.completionType;
    const providerOf = c.completionProvider;
    const eventOf = c.completionEvent;
    const activityOf = c.completionActivity;
    const hidden = c.completionHiddenFrom;
    const capPer = v.capPer;
    const cycleGroup = this.cycleGroup;
    const topics = s.topics;
    const types = s.types;
    const providers = s.providers;
    for (let g = this.atFirst; g < this.atLast; g++) {
      if (!this.takes(v, h, g, this.atFirst, self)) continue;
      const num = this.takenNum;
      const den = this.takenDen;
      const hide = this.takenHide;
      const to = cs[g + 1]!;
      if (repeat) {
        // One row of eight per slot: stamp, course key, offered, counted, attributes, year, event.
        const kept = this.kept;
        const stamp = this.stamp;
        let counted = 0;
        let used = 0;
        let m0 = 0;
        let m1 = 0;
        const fewMinimums = minimums <= 2;
        for (let r = cs[g]!; r < to; r++) {
          const d = day[r]!;
          // One test: negative when outside [lo, hi], not approved, or hidden from this holding.
          if (((d - lo) | (hi - d) | -status[r]! | -(hidden[r]! & hide)) < 0) continue;
          const offered = num === den ? unitsOf[r]! : Math.floor((unitsOf[r]! * num) / den);
          const provider = providerOf[r]!;
          const key = activityOf[r]! * providers + provider;
          let row = ((Math.imul(key, 0x9e3779b1) >>> 24) & (REPEAT_SLOTS - 1)) << 3;
          while (kept[row] === stamp && kept[row + 1] !== key) row = (row + 8) & (REPEAT_SLOTS * 8 - 1);
          const again = kept[row] === stamp;
          // The same course again: keep the larger credit, the earlier on a tie.
          if (again && offered <= kept[row + 2]!) continue;
          const cat = categoryOf[r]!;
          const a = ((cat * topics + topicOf[r]!) * types + typeOf[r]!) * providers + provider;
          const u = pcCaps > 0 && pcMask[a] !== 0 ? this.perCompletion(v, a, offered) : offered;
          if (again) {
            // Take back the credit kept so far (no category rule here, so the used categories stand).
            const back = kept[row + 3]!;
            const backAttr = kept[row + 4]!;
            counted -= back;
            if (minimums > 0) {
              const mm = minimumMask[backAttr]!;
              if (fewMinimums) {
                m0 -= back & -(mm & 1);
                m1 -= back & -((mm >> 1) & 1);
              } else if (mm !== 0) this.addMinimums(mm, minimums, -back);
            }
            if (capCount > 0 && capMask[backAttr] !== 0) {
              this.addCaps(v, capMask[backAttr]!, -back, kept[row + 5]!, kept[row + 6]!);
            }
          } else {
            if (++distinct > REPEAT_SLOTS / 2) return false;
            kept[row] = stamp;
            kept[row + 1] = key;
          }
          kept[row + 2] = offered;
          kept[row + 3] = u;
          kept[row + 4] = a;
          counted += u;
          if (u > 0 && cat !== 0) used |= 1 << cat;
          if (minimums > 0) {
            const mm = minimumMask[a]!;
            if (fewMinimums) {
              m0 += u & -(mm & 1);
              m1 += u & -((mm >> 1) & 1);
            } else if (mm !== 0) this.addMinimums(mm, minimums, u);
          }
          if (capCount > 0 && capMask[a] !== 0) {
            const year = yearCaps ? yearOfDay(d) : 0;
            const event = eventOf[r]! !== 0 ? eventOf[r]! : -(r + 1);
            kept[row + 5] = year;
            kept[row + 6] = event;
            this.addCaps(v, capMask[a]!, u, year, event);
          }
        }
        this.tCounted += counted;
        this.tUsedAll |= used;
        this.tUsedReal |= used;
        if (minimums > 0 && fewMinimums) {
          this.minimumSum[0]! += m0;
          if (minimums === 2) this.minimumSum[1]! += m1;
        }
        continue;
      }
      // The common case, with the running sums in locals.
      let counted = 0;
      let used = 0;
      // Up to two minimums (every shipped policy) add up in locals too.
      let m0 = 0;
      let m1 = 0;
      const fewMinimums = minimums <= 2;
      for (let r = cs[g]!; r < to; r++) {
        const d = day[r]!;
        if (((d - lo) | (hi - d) | -status[r]! | -(hidden[r]! & hide)) < 0) continue;
        let u = num === den ? unitsOf[r]! : Math.floor((unitsOf[r]! * num) / den);
        const cat = categoryOf[r]!;
        const a = ((cat * topics + topicOf[r]!) * types + typeOf[r]!) * providers + providerOf[r]!;
        if (pcCaps > 0 && pcMask[a] !== 0) u = this.perCompletion(v, a, u);
        counted += u;
        if (u > 0 && cat !== 0) used |= 1 << cat;
        if (minimums > 0) {
          const mm = minimumMask[a]!;
          if (fewMinimums) {
            m0 += u & -(mm & 1);
            m1 += u & -((mm >> 1) & 1);
          } else if (mm !== 0) this.addMinimums(mm, minimums, u);
        }
        if (capCount > 0) {
          const cm = capMask[a]!;
          if (cm !== 0) {
            // The usual case, one cycle cap (NSCA's category caps), adds to that cap's group directly.
            const k = 31 - Math.clz32(cm);
            // (this.groupSum, not a local: a new event group may have grown it.)
            if (cm === 1 << k && capPer[k] === CYCLE) this.groupSum[cycleGroup[k]!]! += u;
            else {
              const event = eventOf[r]! !== 0 ? eventOf[r]! : -(r + 1);
              this.addCaps(v, cm, u, yearCaps ? yearOfDay(d) : 0, event);
            }
          }
        }
      }
      this.tCounted += counted;
      this.tUsedAll |= used;
      this.tUsedReal |= used;
      if (minimums > 0 && fewMinimums) {
        this.minimumSum[0]! += m0;
        if (minimums === 2) this.minimumSum[1]! += m1;
      }
    }
    const creds = this.compiled.credentials;
    const target = this.compiled.credentials[self]!;
    if (target.creditedBy) {
      for (let g = this.atFirst; g < this.atLast; g++) {
        if (g === h) continue;
        const ci = c.holdingCredential[g]!;
        const other = creds[ci]!;
        let u = other.towardUnits[self]!;
        if (u < 0 || this.seenBefore(g, this.atFirst, ci)) continue;
        const d = c.holdingEarned[g]!;
        if (d < lo || d > hi) continue;
        const cat = other.towardCategory[self]!;
        const a = attrKey(s, cat, other.towardTopic[self]!, TYPE_CREDENTIAL, other.provider);
        if (pcCaps > 0) u = this.perCompletion(v, a, u);
        this.tally(v, u, a, cat, yearOfDay(d), HELD_EVENT + ci, false);
      }
    }
    const card = v.card;
    if (card && card.units > 0) {
      const year = yearOfDay(this.cardOk ? this.cardIssued : this.atEnd);
      this.tally(v, card.units, card.attr, this.categoryOfAttr(card.attr), year, CARD_EVENT, !this.cardOk);
    }
    return true;
  }

  /** Per-completion caps: a credit counts at most the smallest cap that applies to it. */
  perCompletion(v: Variant, a: number, units: number): number {
    const mask = v.perCompletionMask[a]!;
    if (mask === 0) return units;
    const caps = v.perCompletionCaps;
    let u = units;
    for (let k = 0; k < caps.length; k++) if (mask & (1 << k) && u > caps[k]!) u = caps[k]!;
    return u;
  }

  // Allocation outputs of one holding: counted (real), missing before the allMet rule (or NONE), allMet.
  aCounted = 0;
  aMissing = 0;
  aAllMet = false;

  /** From the tallies to counted, missing and allMet, as allocate() and evaluate() would. */
  finish(v: Variant): void {
    const cardOk = this.cardOk;
    const caps = v.capUnits.length;
    const minimums = v.minimumUnits.length;
    let countedTotal = this.tCounted;
    const virtualUnits = this.tVirtual;
    let usedAll = this.tUsedAll;
    let usedReal = this.tUsedReal;
    for (let k = 0; k < caps; k++) this.cycleLoad[k] = 0;
    let binding = false;
    for (let gi = 0; gi < this.groups; gi++) {
      const k = this.groupCap[gi]!;
      if (this.groupSum[gi]! > v.capUnits[k]!) binding = true;
      if (v.capPer[k] === CYCLE) this.cycleLoad[k] = this.groupSum[gi]!;
    }
    const settled = binding && v.twoLevel ? this.twoLevel(v) : -1;
    if (settled >= 0) {
      countedTotal = settled;
      this.result.laminar++;
    } else if (binding) {
      if (!this.scratchReady) this.fillScratch(v);
      const total = this.laminarTotal(v);
      if (total < 0) {
        this.exact(v, cardOk);
        return;
      }
      this.result.laminar++;
      countedTotal = total;
      usedAll = this.laminarAll;
      usedReal = this.laminarReal;
    }
    // computeMissing's shortcut, on the outcome that still includes a virtual (missing) card.
    let bound = v.total - countedTotal;
    if (bound < 0) bound = 0;
    let shortMask = 0;
    for (let j = 0; j < minimums; j++) {
      const gap = v.minimumUnits[j]! - this.minimumSum[j]!;
      if (gap > bound) bound = gap;
      if (gap > 0) shortMask |= 1 << j;
    }
    const short = v.minCategories > 0 ? v.minCategories - popcount(usedAll) : 0;
    let outcomeMissing = 0;
    if (bound !== 0 || short > 0) {
      const amount = short > 0 && bound < 1 ? 1 : bound;
      outcomeMissing = -1;
      if (short <= 1) {
        for (let c = 0; c < v.classes.length; c++) {
          const cls = v.classes[c]!;
          if ((cls.minimumMask & shortMask) !== shortMask) continue;
          if (short === 1 && (cls.category === 0 || usedAll & (1 << cls.category))) continue;
          let fits = true;
          for (let k = 0; k < caps; k++) {
            if ((cls.cycleCapMask & (1 << k)) === 0) continue;
            const load = this.cycleLoad[k]!;
            if (load < 0) {
              // A cycle cap's load inside a binding tree is not unique: only the exact model can say.
              this.exact(v, cardOk);
              return;
            }
            if (load + amount > v.capUnits[k]!) {
              fits = false;
              break;
            }
          }
          if (fits) {
            outcomeMissing = amount;
            break;
          }
        }
      }
      if (outcomeMissing < 0 && shortMask === 0) outcomeMissing = this.spread(v, short, bound, usedAll);
      if (outcomeMissing < 0) {
        this.exact(v, cardOk);
        return;
      }
    }
    const counted = countedTotal - virtualUnits;
    let allMet = counted >= v.total && cardOk;
    for (let j = 0; j < minimums && allMet; j++) {
      // Virtual credits count toward a minimum in the model but not in its row.
      if (this.minimumSum[j]! - this.virtualMinimumSum[j]! < v.minimumUnits[j]!) allMet = false;
    }
    if (v.minCategoriesRequired > 0 && popcount(usedReal) < v.minCategoriesRequired) allMet = false;
    this.aCounted = counted;
    this.aMissing = outcomeMissing + virtualUnits;
    this.aAllMet = allMet;
  }

  childSum = new Float64Array(32);
  childValue = new Float64Array(32);

  /**
   * The best total from the group sums alone, for caps that nest by filter
   * (Variant.twoLevel): each year or event group counts min(cap, its sum)
   * toward its cycle cap, which counts min(cap, its direct credits + those)
   * — every outermost group is full in any optimum, so its load is that
   * value. Returns -1 when a binding tree holds what the sums cannot settle.
   */
  twoLevel(v: Variant): number {
    const caps = v.capUnits.length;
    const childSum = this.childSum;
    const childValue = this.childValue;
    for (let k = 0; k < caps; k++) {
      childSum[k] = 0;
      childValue[k] = 0;
    }
    let raw = 0;
    let settled = 0;
    for (let g = 0; g < this.groups; g++) {
      const k = this.groupCap[g]!;
      if (v.capPer[k] === CYCLE) continue;
      const sum = this.groupSum[g]!;
      const cap = v.capUnits[k]!;
      const value = Math.min(sum, cap);
      const parent = v.capParent[k]!;
      if (parent >= 0) {
        childSum[parent]! += sum;
        childValue[parent]! += value;
      } else {
        if (sum > cap && v.capUnsettled[k]) return -1;
        raw += sum;
        settled += value;
      }
    }
    for (let k = 0; k < caps; k++) {
      if (v.capPer[k] !== CYCLE) continue;
      const sum = this.groupSum[this.cycleGroup[k]!]!;
      const offered = sum - childSum[k]! + childValue[k]!;
      const cap = v.capUnits[k]!;
      const value = Math.min(offered, cap);
      if ((offered > cap || childValue[k]! < childSum[k]!) && v.capUnsettled[k]) return -1;
      raw += sum;
      settled += value;
      this.cycleLoad[k] = value;
    }
    return this.tCounted - raw + settled;
  }

  /**
   * `missing` when no single class of extra credit closes every gap (NSCA:
   * categories near their caps, or several categories still needed), for
   * policies without a short minimum. Every credit already counts as much as
   * the caps allow, and an unused category has no credit that could count
   * (all count in full, or sit in a binding tree of their own category), so
   * nothing less than max(bound, short) can do: `bound` for the total, one
   * thousandth in each missing category. That much is reachable when each
   * class falls under at most one cycle cap, one thousandth fits in each of
   * `short` distinct unused categories, and the caps' remaining room (or a
   * class without a cap) takes the rest. Returns -1 when that is not shown.
   */
  spread(v: Variant, short: number, bound: number, used: number): number {
    const need = Math.max(short, 0);
    const amount = Math.max(bound, need);
    const room = this.room;
    const caps = v.capUnits.length;
    for (let k = 0; k < caps; k++) {
      const load = this.cycleLoad[k]!;
      room[k] = v.capUnits[k]! - load;
    }
    let unlimited = false;
    let total = 0;
    let seen = 0;
    for (let c = 0; c < v.classes.length; c++) {
      const cls = v.classes[c]!;
      const mask = cls.cycleCapMask;
      if (mask === 0) {
        unlimited = true;
        continue;
      }
      if ((mask & (mask - 1)) !== 0) return -1;
      const k = 31 - Math.clz32(mask);
      if (this.cycleLoad[k]! < 0) return -1;
      if (seen & mask) continue;
      seen |= mask;
      total += Math.max(0, room[k]!);
    }
    let categories = used;
    let picked = 0;
    for (let c = 0; c < v.classes.length; c++) {
      const cls = v.classes[c]!;
      if (picked === need) break;
      if (cls.category === 0 || categories & (1 << cls.category)) continue;
      const mask = cls.cycleCapMask;
      if (mask !== 0) {
        const k = 31 - Math.clz32(mask);
        if (room[k]! < 1) continue;
        room[k]!--;
      }
      categories |= 1 << cls.category;
      picked++;
    }
    if (picked < need) return -1;
    return unlimited || total >= amount ? amount : -1;
  }

  room = new Float64Array(32);

  addToGroup(cap: number, key: number, units: number): void {
    for (let gi = 0; gi < this.groups; gi++) {
      if (this.groupCap[gi] === cap && this.groupKey[gi] === key) {
        this.groupSum[gi]! += units;
        return;
      }
    }
    this.newGroup(cap, key, units);
  }

  /** A group for a key no other credit has: a completion that is its own event. */
  newGroup(cap: number, key: number, units: number): void {
    if (this.groups === this.groupCap.length) {
      const size = this.groups * 2;
      const a = new Int32Array(size);
      a.set(this.groupCap);
      this.groupCap = a;
      const b = new Int32Array(size);
      b.set(this.groupKey);
      this.groupKey = b;
      const s = new Float64Array(size);
      s.set(this.groupSum);
      this.groupSum = s;
    }
    this.groupCap[this.groups] = cap;
    this.groupKey[this.groups] = key;
    this.groupSum[this.groups] = units;
    this.groups++;
  }

  // Categories used after the laminar shortcut, all and real (without a virtual card).
  laminarAll = 0;
  laminarReal = 0;

  /**
   * The best total when the cap groups form a laminar family (any two are
   * disjoint or nested): bottom-up, each group counts min(cap, what its
   * items and subgroups offer), and in every optimum each outermost group
   * holds exactly that. Returns -1 when the shortcut does not apply:
   * overlapping groups, or a virtual credit, a credit a minimum looks at, or
   * (with a category rule) mixed categories inside a tree where a cap binds.
   * Sets cycleLoad of cycle caps inside binding trees (-1 when not unique).
   * Runs only for holdings whose caps bind, so it may allocate.
   */
  laminarTotal(v: Variant): number {
    return this.n <= 31 ? this.laminarBits(v) : this.laminarBytes(v);
  }

  /** laminarTotal with each group's members as a bit mask (up to 31 credits): the usual case. */
  laminarBits(v: Variant): number {
    const n = this.n;
    const G = this.groups;
    if (this.groupScratch.length < G) this.growGroupScratch(G);
    if (this.innermost.length < n) this.innermost = new Int32Array(2 * n);
    const members = this.groupMembers;
    const sizes = this.groupScratch;
    const order = this.groupOrder;
    const parent = this.groupParent;
    const value = this.groupValue;
    const binds = this.groupBinds;
    const innermost = this.innermost;
    for (let g = 0; g < G; g++) {
      const k = this.groupCap[g]!;
      const bit = 1 << k;
      const per = v.capPer[k]!;
      const key = this.groupKey[g]!;
      let m = 0;
      for (let i = 0; i < n; i++) {
        if ((v.capMask[this.attr[i]!]! & bit) === 0) continue;
        if (per === CYCLE || (per === YEAR ? this.year[i] : this.event[i]) === key) m |= 1 << i;
      }
      members[g] = m;
      const size = popcount(m);
      sizes[g] = size;
      let x = g;
      while (x > 0 && sizes[order[x - 1]!]! > size) {
        order[x] = order[x - 1]!;
        x--;
      }
      order[x] = g;
      parent[g] = -1;
      value[g] = 0;
      binds[g] = 0;
    }
    for (let x = 0; x < G; x++) {
      const gx = order[x]!;
      const inner = members[gx]!;
      // A group of one credit can only nest; it cannot cross another group.
      for (let y = x + 1; y < G; y++) {
        const outer = members[order[y]!]!;
        if ((inner & outer) === 0) continue;
        if ((inner & ~outer) !== 0) return -1;
        if (parent[gx] === -1) {
          parent[gx] = order[y]!;
          if (sizes[gx]! <= 1) break;
        }
      }
    }
    let inAnyGroup = 0;
    for (let x = 0; x < G; x++) inAnyGroup |= members[order[x]!]!;
    for (let i = 0; i < n; i++) {
      innermost[i] = -1;
      if ((inAnyGroup & (1 << i)) === 0) continue;
      for (let x = 0; x < G; x++) {
        if (members[order[x]!]! & (1 << i)) {
          innermost[i] = order[x]!;
          break;
        }
      }
      value[innermost[i]!]! += this.units[i]!;
    }
    return this.laminarValues(v, (g, i) => (this.groupMembers[g]! & (1 << i)) !== 0);
  }

  growGroupScratch(G: number): void {
    this.groupScratch = new Int32Array(2 * G);
    this.groupOrder = new Int32Array(2 * G);
    this.groupParent = new Int32Array(2 * G);
    this.groupValue = new Float64Array(2 * G);
    this.groupBinds = new Uint8Array(2 * G);
    this.groupMembers = new Int32Array(2 * G);
  }

  groupMembers = new Int32Array(32);

  /** laminarTotal with membership as a byte matrix, for holdings with many credits. */
  laminarBytes(v: Variant): number {
    const n = this.n;
    const G = this.groups;
    // Membership as a flat G×n byte matrix in a reused buffer.
    if (this.memberBuffer.length < G * n) this.memberBuffer = new Uint8Array(2 * G * n);
    if (this.groupScratch.length < G) this.growGroupScratch(G);
    if (this.innermost.length < n) this.innermost = new Int32Array(2 * n);
    const members = this.memberBuffer;
    const sizes = this.groupScratch;
    const order = this.groupOrder;
    const parent = this.groupParent;
    const value = this.groupValue;
    const binds = this.groupBinds;
    const innermost = this.innermost;
    for (let g = 0; g < G; g++) {
      const k = this.groupCap[g]!;
      const per = v.capPer[k]!;
      let size = 0;
      for (let i = 0; i < n; i++) {
        let m = 0;
        if (v.capMask[this.attr[i]!]! & (1 << k)) {
          const key = per === CYCLE ? 0 : per === YEAR ? this.year[i]! : this.event[i]!;
          if (key === this.groupKey[g]) m = 1;
        }
        members[g * n + i] = m;
        size += m;
      }
      sizes[g] = size;
      // Insertion by size, so a group's container comes after it; equal sets nest in index order.
      let x = g;
      while (x > 0 && sizes[order[x - 1]!]! > size) {
        order[x] = order[x - 1]!;
        x--;
      }
      order[x] = g;
      parent[g] = -1;
      value[g] = 0;
      binds[g] = 0;
    }
    for (let x = 0; x < G; x++) {
      const inner = order[x]! * n;
      for (let y = x + 1; y < G; y++) {
        const outer = order[y]! * n;
        let overlap = false;
        let contained = true;
        for (let i = 0; i < n; i++) {
          if (members[inner + i]) {
            if (members[outer + i]) overlap = true;
            else contained = false;
          }
        }
        if (!overlap) continue;
        if (!contained) return -1;
        if (parent[order[x]!] === -1) parent[order[x]!] = order[y]!;
      }
    }
    for (let i = 0; i < n; i++) {
      innermost[i] = -1;
      for (let x = 0; x < G; x++) {
        if (members[order[x]! * n + i]) {
          innermost[i] = order[x]!;
          break;
        }
      }
      if (innermost[i]! >= 0) value[innermost[i]!]! += this.units[i]!;
    }
    const members3 = members;
    return this.laminarValues(v, (g, i) => members3[g * n + i] === 1);
  }

  /**
   * The second half of laminarTotal, once innermost groups and their direct
   * values are known: values bottom-up, binding trees, their categories, and
   * the loads of cycle caps.
   */
  laminarValues(v: Variant, isMember: (g: number, i: number) => boolean): number {
    const n = this.n;
    const G = this.groups;
    const sizes = this.groupScratch;
    const order = this.groupOrder;
    const parent = this.groupParent;
    const value = this.groupValue;
    const binds = this.groupBinds;
    const innermost = this.innermost;
    for (let x = 0; x < G; x++) {
      const g = order[x]!;
      const cap = v.capUnits[this.groupCap[g]!]!;
      if (value[g]! > cap) {
        binds[this.rootOf(g)] = 1;
        value[g] = cap;
      }
      if (parent[g]! >= 0) value[parent[g]!]! += value[g]!;
    }
    let total = 0;
    let usedAll = 0;
    let usedReal = 0;
    for (let i = 0; i < n; i++) {
      const g = innermost[i]!;
      if (g >= 0 && binds[this.rootOf(g)]) continue;
      total += this.units[i]!;
      if (this.units[i]! > 0 && this.category[i] !== 0) {
        usedAll |= 1 << this.category[i]!;
        if (!this.virtual[i]) usedReal |= 1 << this.category[i]!;
      }
    }
    const categoryRule = v.minCategories + v.minCategoriesRequired > 0;
    for (let g = 0; g < G; g++) {
      if (parent[g]! >= 0 || !binds[g]) continue;
      total += value[g]!;
      let category = -2;
      for (let i = 0; i < n; i++) {
        if (!isMember(g, i)) continue;
        if (this.virtual[i] || v.minimumMask[this.attr[i]!]! !== 0) return -1;
        const c = this.category[i]!;
        category = category === -2 || category === c ? c : -1;
      }
      if (category === -1 && categoryRule) return -1;
      if (category > 0 && value[g]! > 0) {
        usedAll |= 1 << category;
        usedReal |= 1 << category;
      }
    }
    for (let g = 0; g < G; g++) {
      const k = this.groupCap[g]!;
      if (v.capPer[k] !== CYCLE) continue;
      const r = this.rootOf(g);
      if (!binds[r]) continue;
      // A group with the same members as its container holds what the container holds.
      let up = g;
      while (parent[up]! >= 0 && sizes[parent[up]!] === sizes[up]) up = parent[up]!;
      this.cycleLoad[k] = up === r ? value[r]! : -1;
    }
    this.laminarAll = usedAll;
    this.laminarReal = usedReal;
    return total;
  }

  memberBuffer = new Uint8Array(1024);
  groupScratch = new Int32Array(32);
  groupOrder = new Int32Array(32);
  groupParent = new Int32Array(32);
  groupValue = new Float64Array(32);
  groupBinds = new Uint8Array(32);
  innermost = new Int32Array(64);

  rootOf(g: number): number {
    let r = g;
    while (this.groupParent[r]! >= 0) r = this.groupParent[r]!;
    return r;
  }

  /** The exact path: the same model evaluate() builds, solved by allocate(). */
  exact(v: Variant, cardOk: boolean): void {
    this.result.exactFallbacks++;
    if (!this.scratchReady) this.fillScratch(v);
    const { vocab, space } = this.compiled;
    const items: Item[] = [];
    const virtual: boolean[] = [];
    for (let i = 0; i < this.n; i++) {
      const a = this.attr[i]!;
      const provider = a % space.providers;
      const type = Math.floor(a / space.providers) % space.types;
      const topic = Math.floor(a / (space.providers * space.types)) % space.topics;
      const category = this.category[i]!;
      const item: Item = {
        units: this.units[i]!,
        year: this.year[i]!,
        event: String(this.event[i]!),
        type: vocab.types[type]!,
      };
      if (category) item.category = vocab.categories[category]!;
      if (topic) item.topic = vocab.topics[topic]!;
      if (provider) item.provider = vocab.providers[provider]!;
      items.push(item);
      virtual.push(this.virtual[i] === 1);
    }
    const minCategories = v.rules.filter(isKind('min-categories')).sort((a, b) => b.count - a.count)[0];
    const model: AllocationModel = {
      items,
      caps: v.capRules.map((r, id) => ({
        id,
        units: r.units,
        per: r.per as 'cycle' | 'year' | 'event',
        where: r.where,
      })),
      minimums: v.minimumRules.map((r, id) => ({ id, units: r.units, where: r.where })),
      total: v.total,
      ...(minCategories
        ? {
            minCategories: {
              count: minCategories.count,
              categories: v.policyCategories.map((c) => vocab.categories[c]!),
            },
          }
        : {}),
      classes: v.classes.map((c) => c.attributes),
    };
    const outcome = allocate(model);
    let virtualCounted = 0;
    let virtualOffered = 0;
    items.forEach((item, i) => {
      if (!virtual[i]) return;
      virtualCounted += outcome.counted[i]!;
      virtualOffered += item.units;
    });
    const counted = outcome.countedTotal - virtualCounted;
    let allMet = counted >= v.total && cardOk;
    v.minimumRules.forEach((rule, j) => {
      let real = outcome.minimumCounted[j]!;
      items.forEach((item, i) => {
        if (virtual[i] && matchesFilter(item, rule.where)) real -= outcome.counted[i]!;
      });
      if (real < rule.units) allMet = false;
    });
    const used = new Set<string>();
    items.forEach((item, i) => {
      if (!virtual[i] && outcome.counted[i]! > 0 && item.category) used.add(item.category);
    });
    if (used.size < v.minCategoriesRequired) allMet = false;
    this.aCounted = counted;
    this.aMissing = outcome.missing === null ? NONE : outcome.missing + virtualOffered;
    this.aAllMet = allMet;
  }
}

function statusOf(
  pastEnd: boolean,
  asOf: EpochDay,
  end: EpochDay,
  graceEnd: EpochDay,
  allMet: boolean,
  dueSoonDays: number,
): number {
  // The current cycle is never closed by a renewal: a renewal on file starts the next cycle.
  if (pastEnd) return asOf <= graceEnd ? GRACE : EXPIRED;
  if (allMet) return COMPLETE;
  return end - asOf <= dueSoonDays ? DUE_SOON : IN_PROGRESS;
}

function periodIndex(first: EpochDay, months: number, day: EpochDay): number {
  let k = Math.floor((monthIndex(day) - monthIndex(first)) / months);
  while (k > 0 && plusMonths(first, k * months) > day) k--;
  while (plusMonths(first, (k + 1) * months) <= day) k++;
  return k;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
