/**
 * Builds the integer program of a planning problem. Pure: the same problem
 * always gives the same model, column for column.
 *
 * Time is not cut into days. A completion date matters only through which
 * windows it falls into (each cycle's CE window, each card check's coverage
 * window, a calendar year under a per-year cap), so the horizon is cut at
 * those windows' edges into segments, and for each activity the segments
 * that look alike to it are merged into one slot. x[activity, slot] = 1 means
 * "take it in that slot". Dominated offerings are pruned first.
 */
import { civilOf, type EpochDay, epochDayOf, yearOf } from '../core/dates.ts';
import { matchesFilter } from '../core/engine/allocate.ts';
import type { CreditFilter } from '../core/rules/schema.ts';
import type { Milli } from '../core/units.ts';
import {
  type Activity,
  cardAccepted,
  cardAttributes,
  cardExpiry,
  earliestIssueCovering,
  isKind,
  type Obligation,
  type Problem,
  type Worth,
  worthAttributes,
  worthToward,
} from './problem.ts';
import { INFINITY, type MipModel, ModelBuilder } from './solver.ts';

export interface Segment {
  start: EpochDay;
  end: EpochDay;
}

export interface Slot {
  activity: number;
  /** Segments merged into this slot (indices into BuiltModel.segments), earliest first. */
  segments: number[];
  /** The day range to show (the first run of contiguous segments, within availability) and the day assumed. */
  from: EpochDay;
  to: EpochDay;
  day: EpochDay;
  /** Obligations this slot's activity counts toward, with what it is worth. */
  credits: { obligation: number; worth: Worth }[];
  /** Obligations whose card check a card taken in this slot satisfies. */
  cardChecks: number[];
  /** --keep-cards-current check days it satisfies (indices into problem.keepCardChecks). */
  keepChecks: number[];
  column: number;
}

export interface Contribution {
  slot: number;
  obligation: number;
  worth: Worth;
  /** Counted units: a column when caps make counting a choice, otherwise worth·x. */
  counted?: number;
  /** Petition decision column (1 = petition and pay the fee). */
  petition?: number;
}

export interface BuiltModel {
  model: MipModel;
  segments: Segment[];
  slots: Slot[];
  contributions: Contribution[];
  /** Card-unit columns per obligation (the card's own credit, counted under caps like any other). */
  cardCounted: Map<number, number>;
  /** Row index of Σ money ≤ …, for the second (hours) stage. */
  moneyTerms: [number, number][];
  hoursTerms: [number, number][];
  offeringsConsidered: number;
  offeringsKept: number;
  /** Requirements no activity can possibly help with, found while building (for the diagnosis). */
  unreachable: string[];
}

export interface BuildOptions {
  /** Skip dominance pruning (the exhaustive reference search wants every candidate). */
  prune?: boolean;
  /** Merge look-alike segments into one slot per activity (default true unless hours per month are limited). */
  merge?: boolean;
  /** Leave out the budget and hours-per-month rows (for the diagnosis). */
  ignoreBudget?: boolean;
  ignoreHours?: boolean;
  /** Only these obligations (for the naive plan and the diagnosis). */
  obligations?: ReadonlySet<number>;
  /** Include the earn goals (default true). */
  earn?: boolean;
  /** Include the --keep-cards-current checks (default true). */
  keepCards?: boolean;
  /** Only these requirement kinds (for the diagnosis); the card check counts as kind "card". */
  kinds?: ReadonlySet<string>;
}

const MAX_DOMINATORS = 50;

function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  const existing = map.get(key);
  if (existing) return existing;
  const list: V[] = [];
  map.set(key, list);
  return list;
}

// ---------------------------------------------------------------------------
// Segments

function cardCredentials(problem: Problem) {
  return [...problem.ruleSet.credentials.values()].filter((c) => c.kind === 'card' && c.validity);
}

export function segmentsOf(problem: Problem, obligations: Obligation[]): Segment[] {
  const cuts = new Set<EpochDay>([problem.asOf, problem.until + 1]);
  const cards = cardCredentials(problem);
  const checkDays = [
    ...obligations.flatMap((o) => (o.card ? [o.card.day] : [])),
    ...problem.keepCardChecks.map((k) => k.day),
  ];
  for (const o of obligations) {
    cuts.add(o.windowStart);
    cuts.add(o.windowEnd + 1);
    if (o.rules.some((r) => r.kind === 'cap' && r.per === 'year')) {
      for (let y = yearOf(o.windowStart) + 1; y <= yearOf(o.windowEnd); y++) cuts.add(epochDayOf(y, 1, 1));
    }
  }
  for (const day of checkDays) {
    cuts.add(day + 1);
    for (const card of cards) cuts.add(earliestIssueCovering(card, day));
  }
  const sorted = [...cuts].filter((d) => d >= problem.asOf && d <= problem.until + 1).sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) segments.push({ start: sorted[i]!, end: sorted[i + 1]! - 1 });
  return segments;
}

// ---------------------------------------------------------------------------
// Dominance pruning

function filterSensitivity(obligations: Obligation[]) {
  let type = false;
  let provider = false;
  const filters: CreditFilter[] = obligations.flatMap((o) =>
    o.rules.flatMap((r) => ('where' in r && r.where ? [r.where] : [])),
  );
  for (const f of filters) {
    if (f.activityType !== undefined) type = true;
    if (f.provider !== undefined) provider = true;
  }
  return { type, provider };
}

/**
 * Drops an offering when at least K others are as good in every respect:
 * available whenever it is, no dearer, no longer, and worth at least as much
 * toward every cycle in the same category, topic and petition terms. K is
 * how many such offerings a plan could need at once (enough of them to cover
 * every cycle the offering counts toward), so a pruned offering can always
 * be swapped for an unused dominator at no extra cost.
 */
function prune(obligations: Obligation[], candidates: Activity[]): Set<number> {
  const sensitive = filterSensitivity(obligations);
  const groups = new Map<string, { a: Activity; units: Milli[]; k: number }[]>();
  for (const a of candidates) {
    const dims: string[] = [];
    const units: Milli[] = [];
    let k = 1;
    for (const o of obligations) {
      const w = worthToward(a, o);
      if (!w) continue;
      dims.push(`${o.id}:${w.category ?? ''}:${w.topic ?? ''}:${w.byPetition ? 'p' : ''}`);
      units.push(w.units);
      k += Math.ceil(Math.max(o.total, 1) / w.units);
    }
    if (dims.length === 0 && !a.grants) continue;
    const key = [
      dims.join('|'),
      sensitive.type ? a.type : '',
      sensitive.provider ? (a.provider ?? '').toLowerCase() : '',
    ].join('#');
    listIn(groups, key).push({ a, units, k: Math.min(k, MAX_DOMINATORS) });
  }
  const kept = new Set<number>();
  for (const group of groups.values()) {
    group.sort(
      (x, y) =>
        x.a.priceCents - y.a.priceCents || x.a.hoursTenths - y.a.hoursTenths || (x.a.key < y.a.key ? -1 : 1),
    );
    for (let i = 0; i < group.length; i++) {
      const me = group[i]!;
      let dominators = 0;
      for (let j = 0; j < i && dominators < me.k; j++) {
        const other = group[j]!;
        if (other.a.hoursTenths > me.a.hoursTenths) continue;
        if (other.a.availableFrom > me.a.availableFrom || other.a.availableTo < me.a.availableTo) continue;
        if (other.units.every((u, d) => u >= me.units[d]!)) dominators++;
      }
      if (dominators < me.k) kept.add(me.a.index);
    }
  }
  return kept;
}

// ---------------------------------------------------------------------------
// The model

function monthsTouched(s: Segment): number {
  const a = civilOf(s.start);
  const b = civilOf(s.end);
  return (b.year - a.year) * 12 + (b.month - a.month) + 1;
}

export function buildModel(problem: Problem, options: BuildOptions = {}): BuiltModel {
  const obligations = problem.obligations.filter(
    (o) => !options.obligations || options.obligations.has(o.id),
  );
  const kinds = options.kinds;
  const wants = (kind: string) => !kinds || kinds.has(kind);
  const useEarn = options.earn ?? true;
  const useKeep = (options.keepCards ?? true) && problem.keepCardChecks.length > 0;
  const hoursLimited = problem.hoursPerMonth !== undefined && !options.ignoreHours;
  const merge = options.merge ?? !hoursLimited;
  const earnIds = new Set(useEarn ? problem.earn.map((c) => c.id) : []);
  const segments = segmentsOf(problem, obligations);
  const unreachable: string[] = [];

  // Which planned offerings survive pruning (activities already done or booked always stay).
  const planned = problem.activities.filter((a) => a.kind === 'offering' && !a.grants);
  const keptPlanned =
    options.prune === false ? new Set(planned.map((a) => a.index)) : prune(obligations, planned);
  const activities = problem.activities.filter(
    (a) => a.kind !== 'offering' || a.grants || keptPlanned.has(a.index),
  );

  const b = new ModelBuilder();
  const slots: Slot[] = [];
  const segmentOf = (day: EpochDay) => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.start <= day) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  let hoursWeightBase = 1;
  for (const a of activities) hoursWeightBase += a.hoursTenths;

  for (const a of activities) {
    const worths = new Map<number, Worth>();
    for (const o of obligations) {
      const w = worthToward(a, o);
      if (w) worths.set(o.id, w);
    }
    const isCard = a.grants?.kind === 'card';
    const grantsGoal = a.grants !== undefined && earnIds.has(a.grants.id);
    const describe = (day: EpochDay) => {
      const credits = obligations
        .filter((o) => worths.has(o.id) && o.windowStart <= day && day <= o.windowEnd)
        .map((o) => ({ obligation: o.id, worth: worths.get(o.id)! }));
      const cardChecks: number[] = [];
      const keepChecks: number[] = [];
      if (isCard) {
        const card = a.grants!;
        const expires = cardExpiry(card, day);
        for (const o of obligations) {
          if (
            o.card &&
            wants('card') &&
            cardAccepted(o.card.rule, card, a.offering?.handsOn) &&
            day <= o.card.day &&
            o.card.day <= expires
          ) {
            cardChecks.push(o.id);
          }
        }
        if (useKeep) {
          problem.keepCardChecks.forEach((k, i) => {
            if (k.cards.includes(card.id) && day <= k.day && k.day <= expires) keepChecks.push(i);
          });
        }
      }
      const years = credits
        .filter((c) =>
          problem.obligations[c.obligation]!.rules.some((r) => r.kind === 'cap' && r.per === 'year'),
        )
        .map(() => yearOf(day));
      return { credits, cardChecks, keepChecks, years };
    };

    if (a.fixedDay !== undefined) {
      const d = describe(a.fixedDay);
      const column = b.addColumn(0, 1, 1, false);
      const seg = a.fixedDay >= problem.asOf && a.fixedDay <= problem.until ? [segmentOf(a.fixedDay)] : [];
      slots.push({
        activity: a.index,
        segments: seg,
        from: a.fixedDay,
        to: a.fixedDay,
        day: a.fixedDay,
        ...d,
        column,
      });
      continue;
    }

    const groups = new Map<string, { segs: number[]; d: ReturnType<typeof describe>; day: EpochDay }>();
    segments.forEach((s, si) => {
      const from = Math.max(s.start, a.availableFrom);
      const to = Math.min(s.end, a.availableTo);
      if (from > to) return;
      const d = describe(from);
      if (d.credits.length === 0 && d.cardChecks.length === 0 && d.keepChecks.length === 0 && !grantsGoal)
        return;
      const sig = [
        d.credits.map((c) => c.obligation).join(','),
        d.cardChecks.join(','),
        d.keepChecks.join(','),
        d.years.join(','),
        merge ? '' : String(si),
      ].join('/');
      const g = groups.get(sig);
      if (g) g.segs.push(si);
      else groups.set(sig, { segs: [si], d, day: from });
    });
    for (const g of groups.values()) {
      let last = g.segs[0]!;
      for (const si of g.segs.slice(1)) {
        if (si === last + 1) last = si;
        else break;
      }
      const cost = a.priceCents + a.hoursTenths / hoursWeightBase;
      const column = b.addColumn(cost, 0, 1, true);
      slots.push({
        activity: a.index,
        segments: g.segs,
        from: g.day,
        to: Math.min(segments[last]!.end, a.availableTo),
        day: g.day,
        ...g.d,
        column,
      });
    }
  }

  const moneyTerms: [number, number][] = [];
  const hoursTerms: [number, number][] = [];
  for (const s of slots) {
    const a = problem.activities[s.activity]!;
    if (a.kind !== 'done') {
      moneyTerms.push([s.column, a.priceCents]);
      hoursTerms.push([s.column, a.hoursTenths]);
    }
  }

  // Counted-unit columns only where caps make counting a choice.
  const capped = (o: Obligation) =>
    o.rules.some((r) => r.kind === 'cap' && (r.per === 'cycle' || r.per === 'year'));
  const contributions: Contribution[] = [];
  slots.forEach((s, si) => {
    for (const c of s.credits) {
      const o = problem.obligations[c.obligation]!;
      const contribution: Contribution = { slot: si, obligation: c.obligation, worth: c.worth };
      if (c.worth.byPetition) {
        const fee = Math.round(o.petitionFee * 100);
        contribution.petition = b.addColumn(fee + 0, 0, 1, true);
        b.addRow(
          [
            [contribution.petition, 1],
            [s.column, -1],
          ],
          -INFINITY,
          0,
        );
        moneyTerms.push([contribution.petition, fee]);
      }
      if (capped(o)) {
        contribution.counted = b.addColumn(0, 0, c.worth.units, false);
        b.addRow(
          [
            [contribution.counted, 1],
            [contribution.petition ?? s.column, -c.worth.units],
          ],
          -INFINITY,
          0,
        );
      }
      contributions.push(contribution);
    }
  });
  // Σ counted units of contributions matching a filter, as row terms.
  const byObligation = new Map<number, Contribution[]>();
  for (const c of contributions) {
    listIn(byObligation, c.obligation).push(c);
  }
  const termOf = (c: Contribution): [number, number] =>
    c.counted !== undefined ? [c.counted, 1] : [c.petition ?? slots[c.slot]!.column, c.worth.units];

  const cardCounted = new Map<number, number>();
  for (const o of obligations) {
    const list = byObligation.get(o.id) ?? [];
    const attrs = (c: Contribution) => worthAttributes(problem.activities[slots[c.slot]!.activity]!, c.worth);
    const cardCol =
      o.card && o.cardUnits > 0 ? b.addColumn(0, capped(o) ? 0 : o.cardUnits, o.cardUnits, false) : undefined;
    if (cardCol !== undefined) cardCounted.set(o.id, cardCol);
    const cardMatches = (f: CreditFilter | undefined) =>
      o.card !== undefined && matchesFilter(cardAttributes(o.card.rule), f);
    const sum = (f: CreditFilter | undefined, year?: number): [number, number][] => {
      const terms = list
        .filter(
          (c) => matchesFilter(attrs(c), f) && (year === undefined || yearOf(slots[c.slot]!.day) === year),
        )
        .map(termOf);
      if (cardCol !== undefined && year === undefined && cardMatches(f)) terms.push([cardCol, 1]);
      return terms;
    };
    const label = `${o.credential.id} cycle ending ${o.end}`;

    if (wants('total') && o.total > 0) {
      const terms = sum(undefined);
      if (terms.length === 0) unreachable.push(`${label}: total`);
      b.addRow(terms, o.total, INFINITY);
    }
    for (const rule of o.rules.filter(isKind('minimum'))) {
      if (!wants('minimum')) break;
      b.addRow(sum(rule.where), rule.units, INFINITY);
    }
    for (const rule of o.rules.filter(isKind('cap'))) {
      if (rule.per === 'cycle') b.addRow(sum(rule.where), -INFINITY, rule.units);
      if (rule.per === 'year') {
        const years = new Set(list.map((c) => yearOf(slots[c.slot]!.day)));
        for (const y of [...years].sort()) b.addRow(sum(rule.where, y), -INFINITY, rule.units);
      }
    }
    const minCats = o.rules.find(isKind('min-categories'));
    if (minCats && wants('min-categories')) {
      const used: [number, number][] = [];
      for (const cat of o.policy.categories) {
        const y = b.addColumn(0, 0, 1, true);
        const terms = sum({ category: cat.code });
        // A category is used when at least a thousandth of a unit in it counts.
        b.addRow([...terms, [y, -1]], 0, INFINITY);
        used.push([y, 1]);
      }
      b.addRow(used, minCats.count, INFINITY);
    }
    if (o.card && wants('card') && !o.card.heldCovered) {
      const terms = slots.flatMap((s) =>
        s.cardChecks.includes(o.id) ? [[s.column, 1] as [number, number]] : [],
      );
      b.addRow(terms, 1, INFINITY);
    }
    // One course counts once per cycle: never plan the same offering twice inside one window.
    const perActivity = new Map<number, [number, number][]>();
    for (const c of list) {
      const s = slots[c.slot]!;
      if (problem.activities[s.activity]!.kind !== 'offering') continue;
      listIn(perActivity, s.activity).push([s.column, 1]);
    }
    for (const t of perActivity.values()) if (t.length > 1) b.addRow(t, -INFINITY, 1);
  }

  if (useKeep) {
    problem.keepCardChecks.forEach((k, i) => {
      if (k.heldCovered) return;
      const terms = slots.flatMap((s) =>
        s.keepChecks.includes(i) ? [[s.column, 1] as [number, number]] : [],
      );
      b.addRow(terms, 1, INFINITY);
    });
  }

  // A credential is earned once: all slots of all courses granting it, at most one (exactly one for a goal).
  const byGrant = new Map<string, [number, number][]>();
  for (const s of slots) {
    const a = problem.activities[s.activity]!;
    if (a.kind !== 'offering' || !a.grants || a.grants.kind === 'card') continue;
    listIn(byGrant, a.grants.id).push([s.column, 1]);
  }
  for (const [id, t] of [...byGrant].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    b.addRow(t, earnIds.has(id) ? 1 : 0, 1);
  }
  for (const id of earnIds)
    if (!byGrant.has(id)) {
      unreachable.push(`earn ${id}`);
      b.addRow([], 1, INFINITY);
    }

  if (problem.budgetCents !== undefined && !options.ignoreBudget) {
    b.addRow(moneyTerms, -INFINITY, problem.budgetCents - Math.round(problem.fixedFees * 100));
  }
  if (hoursLimited) {
    segments.forEach((seg, si) => {
      const terms = slots.flatMap((s) => {
        const a = problem.activities[s.activity]!;
        return s.segments[0] === si && a.kind !== 'done' && a.hoursTenths > 0
          ? [[s.column, a.hoursTenths] as [number, number]]
          : [];
      });
      if (terms.length)
        b.addRow(terms, -INFINITY, Math.round(problem.hoursPerMonth! * 10) * monthsTouched(seg));
    });
  }

  const offeringIds = new Set(problem.activities.filter((a) => a.kind === 'offering').map((a) => a.index));
  return {
    model: b.model,
    segments,
    slots,
    contributions,
    cardCounted,
    moneyTerms,
    hoursTerms,
    offeringsConsidered: offeringIds.size,
    offeringsKept: new Set(slots.filter((s) => offeringIds.has(s.activity)).map((s) => s.activity)).size,
    unreachable,
  };
}
