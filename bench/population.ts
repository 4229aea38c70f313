/**
 * A synthetic population for the benchmarks and the kernel's differential
 * test: people holding mixed certifications (with specializations and
 * CPR/AED cards), about ten completions per holding, dated around their
 * deadlines, with pending and denied petitions, credit outside the window,
 * repeats and credit over caps. Deterministic for a seed (sfc32 PRNG), and
 * built only from credential ids present in the rule set it is given.
 */

import type { EpochDay } from '../src/core/dates.ts';
import { toIsoDate } from '../src/core/dates.ts';
import { firstWindow, nextWindow } from '../src/core/engine/cycle.ts';
import {
  HANDS_ON,
  int32Column,
  NO_DAY,
  type PopulationColumns,
  uint8Column,
  type Vocabulary,
} from '../src/core/engine/population.ts';
import type { ActivityType } from '../src/core/rules/schema.ts';
import { type CredentialEntry, policyNearest, type RuleSet } from '../src/core/ruleset.ts';

/** Providers that are no body's own, for independent CE. */
export const INDEPENDENT_PROVIDERS = ['Local Workshop Co', 'Online CE Hub', 'City College'];

export interface SyntheticOptions {
  seed: number;
  /** Holdings to generate (whole persons, so the last person may add a few). */
  holdings: number;
  /** The day the population is current around. */
  asOf: EpochDay;
  /** Mean completion records per certification holding. */
  completionsPerCertification?: number;
  pendingRate?: number;
  deniedRate?: number;
  /** Share of credits that are volunteering, presenting or large events, which run into caps. */
  capPressure?: number;
  printedRate?: number;
  renewalRate?: number;
  /** Activity codes per body: fewer means more repeats of the same course. */
  activities?: number;
  /** Who holds what, with weights; CARD_HOLDING stands for one of `cards`. Defaults to the fitness bodies. */
  templates?: [number, string[]][];
  cards?: string[];
}

/** sfc32: small, fast, and good enough for synthetic data. */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed | 0;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** In a template, stands for a CPR/AED card of the person's choosing. */
export const CARD_HOLDING = '<card>';
const CARD = CARD_HOLDING;

/** Who holds what, with weights: the major bodies, their specializations, and multi-body trainers. */
const TEMPLATES: [number, string[]][] = [
  [20, ['nasm.cpt', CARD]],
  [8, ['nasm.cpt', 'nasm.ces', CARD]],
  [4, ['nasm.cpt', 'nasm.ces', 'nasm.pes', CARD]],
  [3, ['nasm.cpt', 'nasm.csnc', CARD]],
  [12, ['ace.cpt', CARD]],
  [4, ['ace.cpt', 'ace.gfi', CARD]],
  [7, ['nsca.cscs', CARD]],
  [5, ['nsca.cpt', CARD]],
  [6, ['acsm.cpt', CARD]],
  [2, ['acsm.ep', CARD]],
  [8, ['issa.cpt', CARD]],
  [5, ['afaa.cgfi', CARD]],
  [3, ['afaa.cgfi', 'nasm.cpt', CARD]],
  [2, ['neta.pt', 'nasm.cpt', CARD]],
  [2, ['neta.pt', CARD]],
  [4, ['ncsf.cpt', CARD]],
  [2, ['nfpt.cpt', 'ace.cpt', CARD]],
  [2, ['nfpt.cpt', CARD]],
  [2, ['nccpt.cpt', 'issa.cpt', CARD]],
  [1, ['nccpt.cpt', CARD]],
];
const CARDS = ['aha.bls', 'aha.heartsaver', 'redcross.cpr-aed'];

const TYPES: [number, ActivityType][] = [
  [55, 'course'],
  [15, 'webinar'],
  [10, 'workshop'],
  [8, 'conference'],
  [4, 'quiz'],
  [2, 'college'],
];
const PRESSURE_TYPES: ActivityType[] = ['volunteering', 'presenting', 'publishing', 'conference', 'card'];

const i32 = int32Column;
const u8 = uint8Column;

interface Prepared {
  entry: CredentialEntry;
  index: number;
  /** A typical credit, in milli-units: a tenth of the requirement. */
  typical: number;
  categories: number[];
  topics: number[];
  own: number[];
}

export function syntheticPopulation(
  ruleSet: RuleSet,
  vocab: Vocabulary,
  options: SyntheticOptions,
): PopulationColumns {
  const random = prng(options.seed);
  const perCert = options.completionsPerCertification ?? 12;
  const pendingRate = options.pendingRate ?? 0.04;
  const deniedRate = options.deniedRate ?? 0.02;
  const capPressure = options.capPressure ?? 0.05;
  const printedRate = options.printedRate ?? 0.08;
  const renewalRate = options.renewalRate ?? 0.85;
  const activities = options.activities ?? 40;
  const asOf = options.asOf;
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const weighted = <T>(xs: readonly [number, T][]) => {
    let total = 0;
    for (const [w] of xs) total += w;
    let r = random() * total;
    for (const [w, x] of xs) {
      r -= w;
      if (r < 0) return x;
    }
    return xs[xs.length - 1]![1];
  };

  const prepared = new Map<string, Prepared>();
  for (const id of vocab.credentials) {
    const entry = ruleSet.credentials.get(id)!;
    const policy = policyNearest(entry, toIsoDate(asOf));
    const total = Math.max(0, ...(policy?.requirements ?? []).map((r) => (r.kind === 'total' ? r.units : 0)));
    const typical = Math.max(100, Math.round(total / 10 / 50) * 50);
    const own = (ruleSet.bodies.get(entry.body)?.providerNames ?? []).map((p) => vocab.providers.indexOf(p));
    prepared.set(id, {
      entry,
      index: vocab.credentialIndex.get(id)!,
      typical: total > 0 ? typical : 200,
      categories: (policy?.categories ?? []).map((c) => vocab.categories.indexOf(c.code)),
      topics: (policy?.topics ?? []).map((t) => vocab.topics.indexOf(t.code)),
      own: own.filter((i) => i > 0),
    });
  }
  const templates = (options.templates ?? TEMPLATES)
    .map(([w, ids]): [number, string[]] => [w, ids.filter((id) => id === CARD || prepared.has(id))])
    .filter(([, ids]) => ids.some((id) => id !== CARD && prepared.get(id)?.entry.kind === 'certification'));
  const cards = (options.cards ?? CARDS).filter((id) => prepared.has(id));
  const independent = INDEPENDENT_PROVIDERS.map((p) => vocab.providers.indexOf(p)).filter((i) => i > 0);
  const typeCode = (t: ActivityType) => vocab.types.indexOf(t);

  const estimate = options.holdings + 8;
  const personHoldingStart = i32(estimate);
  const holdingCredential = i32(estimate);
  const holdingEarned = i32(estimate);
  const holdingPrinted = i32(estimate);
  const holdingHandsOn = u8(estimate);
  const holdingRenewalStart = i32(estimate);
  const renewalDay = i32(estimate);
  const renewalKind = u8(estimate);
  const holdingCompletionStart = i32(estimate);
  const records = estimate * 10;
  const completionDay = i32(records);
  const completionUnits = i32(records);
  const completionCategory = u8(records);
  const completionTopic = u8(records);
  const completionProvider = u8(records);
  const completionType = u8(records);
  const completionStatus = u8(records);
  const completionActivity = i32(records);
  const completionEvent = i32(records);

  let holdings = 0;
  let persons = 0;
  personHoldingStart.push(0);
  holdingRenewalStart.push(0);
  holdingCompletionStart.push(0);

  const addCompletions = (p: Prepared, start: EpochDay, end: EpochDay, earned: EpochDay) => {
    const count = Math.max(0, Math.round(perCert * (0.5 + random())));
    const length = Math.max(1, end - start);
    const events = 1 + int(3);
    for (let k = 0; k < count; k++) {
      const where = random();
      let day: number;
      // Most CE lands in the months before the deadline; some before the cycle, after it, or before earning.
      if (where < 0.78) day = end - Math.floor(length * random() * random());
      else if (where < 0.88) day = start - 1 - int(365);
      else if (where < 0.96) day = end + 1 + int(120);
      else day = earned - 1 - int(200);
      let type = weighted(TYPES);
      if (random() < capPressure) type = pick(PRESSURE_TYPES);
      const big = type === 'volunteering' || type === 'presenting' || type === 'publishing';
      let units = Math.max(50, Math.round((p.typical * (0.25 + 1.5 * random())) / 50) * 50);
      if (big) units *= 2 + int(3);
      let category = p.categories.length ? pick(p.categories) : 0;
      // Category A conference sessions pile up in one event (NSCA's per-event cap).
      if (type === 'conference' && p.categories.length && random() < 0.6) category = p.categories[0]!;
      let topic = 0;
      if (p.topics.length && random() < 0.2) topic = pick(p.topics);
      const providerDraw = random();
      const provider =
        providerDraw < 0.4 && p.own.length
          ? pick(p.own)
          : providerDraw < 0.9 && independent.length
            ? pick(independent)
            : 0;
      const statusDraw = random();
      completionDay.push(day);
      completionUnits.push(units);
      completionCategory.push(category);
      completionTopic.push(topic);
      completionProvider.push(provider);
      completionType.push(typeCode(type));
      completionStatus.push(statusDraw < pendingRate ? 1 : statusDraw < pendingRate + deniedRate ? 2 : 0);
      completionActivity.push(p.index * 1000 + int(activities));
      completionEvent.push(type === 'conference' ? persons * 4 + 1 + int(events) : 0);
    }
  };

  const addHolding = (p: Prepared, earned: EpochDay) => {
    holdingCredential.push(p.index);
    holdingEarned.push(earned);
    let printed = NO_DAY;
    let handsOn: number = HANDS_ON.unknown;
    const entry = p.entry;
    if (entry.kind === 'certification') {
      let policy = policyNearest(entry, toIsoDate(earned));
      let window = policy ? firstWindow(policy.cycle, earned) : { start: earned, end: earned + 730 };
      if (policy && random() < printedRate) {
        printed = window.end + (random() < 0.5 ? 0 : int(121) - 60);
      }
      // Renew at each deadline that has passed, a little before it, until one lapses.
      while (policy && window.end < asOf && random() < renewalRate) {
        const reinstate = random() < 0.05 && policy.lateRenewal?.reinstatement?.newCycleFromApproval;
        const day = reinstate ? window.end + 30 + int(300) : window.end - int(60);
        if (day > asOf) break;
        renewalDay.push(day);
        renewalKind.push(reinstate ? 1 : 0);
        const next = policyNearest(entry, toIsoDate(window.end)) ?? policy;
        window = reinstate ? firstWindow(next.cycle, day) : nextWindow(next.cycle, window.end);
        policy = next;
      }
      addCompletions(p, window.start, window.end, earned);
    } else if (entry.kind === 'card') {
      const draw = random();
      handsOn = draw < 0.8 ? HANDS_ON.unknown : draw < 0.92 ? HANDS_ON.yes : HANDS_ON.no;
      if (random() < 0.15) {
        const day = earned + 700 + int(60);
        if (day <= asOf) {
          renewalDay.push(day);
          renewalKind.push(0);
        }
      }
      if (random() < printedRate / 2) printed = earned + 730 + int(61) - 30;
    }
    holdingPrinted.push(printed);
    holdingHandsOn.push(handsOn);
    holdingRenewalStart.push(renewalDay.length);
    holdingCompletionStart.push(completionDay.length);
    holdings++;
  };

  while (holdings < options.holdings) {
    const ids = weighted(templates);
    let main: EpochDay | undefined;
    for (const id of ids) {
      if (id === CARD) {
        if (cards.length && random() < 0.9) addHolding(prepared.get(pick(cards))!, asOf - int(900));
        continue;
      }
      const p = prepared.get(id)!;
      if (p.entry.kind === 'specialization') {
        // Earned during the certification's life, now and then after the as-of date.
        const from = main ?? asOf - 1500;
        addHolding(p, from - 60 + int(Math.max(1, asOf - from + 120)));
        continue;
      }
      const earned = asOf - 30 - int(365 * 7);
      main ??= earned;
      addHolding(p, earned);
    }
    persons++;
    personHoldingStart.push(holdings);
  }

  return {
    persons,
    holdings,
    completions: completionDay.length,
    personHoldingStart: personHoldingStart.done(true),
    holdingCredential: holdingCredential.done(true),
    holdingEarned: holdingEarned.done(true),
    holdingPrinted: holdingPrinted.done(true),
    holdingHandsOn: holdingHandsOn.done(true),
    holdingRenewalStart: holdingRenewalStart.done(true),
    renewalDay: renewalDay.done(true),
    renewalKind: renewalKind.done(true),
    holdingCompletionStart: holdingCompletionStart.done(true),
    completionDay: completionDay.done(true),
    completionUnits: completionUnits.done(true),
    completionCategory: completionCategory.done(true),
    completionTopic: completionTopic.done(true),
    completionProvider: completionProvider.done(true),
    completionType: completionType.done(true),
    completionStatus: completionStatus.done(true),
    completionActivity: completionActivity.done(true),
    completionEvent: completionEvent.done(true),
    // Every generated record is a completion of its own.
    completionHiddenFrom: new Int32Array(completionEvent.length),
  };
}
