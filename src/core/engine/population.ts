/**
 * A whole population of holdings and completions laid out in columns (typed
 * arrays), for evaluating millions of holdings without an object per record.
 * Strings become small integer codes from a Vocabulary built from the rule
 * set, dates are epoch days and units milli-units. `profileOf` turns one
 * person back into a Profile, so the object engine can check the kernel.
 *
 * What the layout does not carry (so the kernel never meets it): catalog
 * offerings (their credits and `grants`), contact hours and college credit
 * (accept-hours and college-credit conversions), and several credits on one
 * completion; a completion approved for two credentials is two records.
 */
import { type EpochDay, toIsoDate } from '../dates.ts';
import type { Credit } from '../offerings/schema.ts';
import type { Completion, Holding, Profile } from '../profile/schema.ts';
import { ActivityType } from '../rules/schema.ts';
import type { RuleSet } from '../ruleset.ts';

/** Marks an absent date (no printed expiry). */
export const NO_DAY = -2147483648;

export const CREDIT_STATUS = ['approved', 'pending', 'denied'] as const;
export const RENEWAL_KIND = ['renewal', 'reinstatement'] as const;
/** Hands-on flag of a card holding: 0 unknown (use the card's default), 1 yes, 2 no. */
export const HANDS_ON = { unknown: 0, yes: 1, no: 2 } as const;

/**
 * Persons own consecutive holdings; holdings own consecutive completion
 * records and renewals (CSR offsets: the items of i are start[i]..start[i+1]-1).
 * A completion record carries one credit, for its holding's credential; the
 * person's other holdings may still count it through their acceptance rules.
 * Renewals of a holding are sorted by day.
 */
export interface PopulationColumns {
  persons: number;
  holdings: number;
  completions: number;
  personHoldingStart: Int32Array;
  holdingCredential: Int32Array;
  holdingEarned: Int32Array;
  /** Printed expiry, or NO_DAY. */
  holdingPrinted: Int32Array;
  holdingHandsOn: Uint8Array;
  holdingRenewalStart: Int32Array;
  renewalDay: Int32Array;
  renewalKind: Uint8Array;
  holdingCompletionStart: Int32Array;
  completionDay: Int32Array;
  completionUnits: Int32Array;
  /** Vocabulary codes; 0 means none. */
  completionCategory: Uint8Array;
  completionTopic: Uint8Array;
  completionProvider: Uint8Array;
  /** Index into ActivityType.options. */
  completionType: Uint8Array;
  /** Index into CREDIT_STATUS. */
  completionStatus: Uint8Array;
  /** Identifies "the same course" (with the provider) for no-repeat rules. */
  completionActivity: Int32Array;
  /** Completions of one person sharing a non-zero event id form one event. */
  completionEvent: Int32Array;
  /**
   * Bit k set: the person's k-th holding does not take this record through its acceptance rules.
   * The engine resolves a completion once per holding, its own credit first, so a holding with its
   * own record of a completion does not also count the completion's records for other holdings;
   * and credit converted from hours is a holding's alone. Zero for every record of a completion
   * that credits one holding only.
   */
  completionHiddenFrom: Int32Array;
}

/** Code tables shared by a population and the compiled rules. Index 0 of each string table is "none". */
export interface Vocabulary {
  credentials: readonly string[];
  credentialIndex: ReadonlyMap<string, number>;
  categories: readonly string[];
  topics: readonly string[];
  providers: readonly string[];
  types: readonly ActivityType[];
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Every code the rule set mentions, plus extra provider names a population
 * uses. Sorted, so the same catalog always gives the same codes.
 */
export function vocabularyOf(ruleSet: RuleSet, extraProviders: readonly string[] = []): Vocabulary {
  const credentials = [...ruleSet.credentials.keys()].sort();
  const categories = new Set<string>();
  const topics = new Set<string>();
  const providers = new Set<string>(extraProviders);
  for (const body of ruleSet.bodies.values()) for (const p of body.providerNames) providers.add(p);
  for (const c of ruleSet.credentials.values()) {
    for (const t of c.creditsToward) {
      if (t.category !== undefined) categories.add(t.category);
      if (t.topic !== undefined) topics.add(t.topic);
    }
    for (const p of c.policies) {
      for (const k of p.categories) categories.add(k.code);
      for (const t of p.topics) topics.add(t.code);
      for (const r of p.requirements) {
        if ('category' in r && typeof r.category === 'string') categories.add(r.category);
        if ('topic' in r && typeof r.topic === 'string') topics.add(r.topic);
        if ('where' in r && r.where) {
          for (const k of asList(r.where.category)) categories.add(k);
          for (const t of asList(r.where.topic)) topics.add(t);
          for (const name of asList(r.where.provider)) providers.add(name);
        }
      }
    }
  }
  for (const o of ruleSet.offerings.values()) {
    for (const k of o.credits) {
      if (k.category !== undefined) categories.add(k.category);
      if (k.topic !== undefined) topics.add(k.topic);
    }
  }
  return {
    credentials,
    credentialIndex: new Map(credentials.map((id, i) => [id, i])),
    categories: ['', ...[...categories].sort()],
    topics: ['', ...[...topics].sort()],
    providers: ['', ...[...providers].sort()],
    types: ActivityType.options,
  };
}

/** Titles are derived from the activity code, so equal codes are "the same course" for the engine too. */
export function activityTitle(activity: number): string {
  return `Activity ${activity}`;
}

/**
 * One person of the population as a profile document, in column order. Each record becomes a
 * completion of its own, so a record hidden from some holdings (completionHiddenFrom, one completion
 * crediting several) has no profile of its own: such a person is refused rather than mis-stated.
 */
export function profileOf(columns: PopulationColumns, vocab: Vocabulary, person: number): Profile {
  const holdings: Holding[] = [];
  const completions: Completion[] = [];
  const from = columns.personHoldingStart[person]!;
  const to = columns.personHoldingStart[person + 1]!;
  for (let h = from; h < to; h++) {
    const credential = vocab.credentials[columns.holdingCredential[h]!]!;
    const holding: Holding = {
      credential,
      earned: toIsoDate(columns.holdingEarned[h]!),
      renewals: [],
    };
    const printed = columns.holdingPrinted[h]!;
    if (printed !== NO_DAY) holding.expires = toIsoDate(printed);
    const handsOn = columns.holdingHandsOn[h]!;
    if (handsOn !== HANDS_ON.unknown) holding.handsOn = handsOn === HANDS_ON.yes;
    for (let r = columns.holdingRenewalStart[h]!; r < columns.holdingRenewalStart[h + 1]!; r++) {
      holding.renewals.push({
        date: toIsoDate(columns.renewalDay[r]!),
        kind: RENEWAL_KIND[columns.renewalKind[r]!]!,
      });
    }
    holdings.push(holding);
    for (let c = columns.holdingCompletionStart[h]!; c < columns.holdingCompletionStart[h + 1]!; c++) {
      if (columns.completionHiddenFrom[c] !== 0) {
        throw new Error(
          `person ${person}: record ${c} is hidden from other holdings (one completion crediting several), which a profile of one completion per record cannot state`,
        );
      }
      completions.push(completionOf(columns, vocab, credential, c));
    }
  }
  return { holdings, completions };
}

function completionOf(
  columns: PopulationColumns,
  vocab: Vocabulary,
  credential: string,
  c: number,
): Completion {
  const credit: Credit = {
    credential,
    units: columns.completionUnits[c]!,
    status: CREDIT_STATUS[columns.completionStatus[c]!]!,
  };
  const category = columns.completionCategory[c]!;
  if (category !== 0) credit.category = vocab.categories[category]!;
  const topic = columns.completionTopic[c]!;
  if (topic !== 0) credit.topic = vocab.topics[topic]!;
  const completion: Completion = {
    title: activityTitle(columns.completionActivity[c]!),
    completed: toIsoDate(columns.completionDay[c]!),
    type: vocab.types[columns.completionType[c]!]!,
    credits: [credit],
    source: 'self-reported',
    evidence: [],
  };
  const provider = columns.completionProvider[c]!;
  if (provider !== 0) completion.provider = vocab.providers[provider]!;
  const event = columns.completionEvent[c]!;
  if (event !== 0) completion.event = `event-${event}`;
  return completion;
}

/** Sizes in bytes of the columns, for memory reports. */
export function columnBytes(columns: PopulationColumns): number {
  let bytes = 0;
  for (const value of Object.values(columns)) {
    if (ArrayBuffer.isView(value)) bytes += value.byteLength;
  }
  return bytes;
}

export type { EpochDay };

/** A growable typed-array column, so millions of records never sit in JS arrays while a population is built. */
export class Column<T extends Int32Array | Uint8Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  truncate(length: number): void {
    this.length = length;
  }
  /** The filled part: a view on the buffer, or with `copy` a trimmed copy that frees the spare capacity. */
  done(copy = false): T {
    return (copy ? this.data.slice(0, this.length) : this.data.subarray(0, this.length)) as T;
  }
}

export const int32Column = (n = 1024) => new Column(new Int32Array(n), (m) => new Int32Array(m));
export const uint8Column = (n = 1024) => new Column(new Uint8Array(n), (m) => new Uint8Array(m));
