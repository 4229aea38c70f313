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
import { INFINITY, lexicographicObjective, type MipModel, ModelBuilder, tightenRows } from './solver.ts';

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
  /** The decision column, or -1 for a member of a bundle (decided by the bundle's column). */
  column: number;
}

/**
 * The cheapest way to get a given number of units toward one cycle from the
 * offerings that count toward that cycle's credential and nothing else (same
 * category and topic): a point on the exact knapsack frontier of that class.
 * Choosing at most one point per class replaces choosing among its offerings
 * one by one, with the same optimum and a far tighter relaxation.
 */
export interface Bundle {
  /** The class it belongs to: at most one bundle per class is chosen. */
  classKey: string;
  /** The cycles it counts toward, and its units toward each (same order). */
  obligations: number[];
  column: number;
  units: Milli[];
  /** Member slots (one per offering), each counting its full worth. */
  slots: number[];
}

export interface Contribution {
  slot: number;
  obligation: number;
  worth: Worth;
  /** Petition decision column (1 = petition and pay the fee). */
  petition?: number;
  /** Set for a bundle's contribution; `slot` is then its first member. */
  bundle?: number;
}

/**
 * Units counted, under a cycle's caps, from a group of interchangeable credits: the value of a
 * counted column, or, where the caps became covering rows (capCover), everything taken up to the cap.
 */
export interface CountedGroup {
  obligation: number;
  /** The counted column, or -1 when the group counts what is taken up to `cap`. */
  column: number;
  cap?: number;
  /** Indices into BuiltModel.contributions. */
  contributions: number[];
}

export interface BuiltModel {
  model: MipModel;
  segments: Segment[];
  slots: Slot[];
  bundles: Bundle[];
  contributions: Contribution[];
  countedGroups: CountedGroup[];
  /** Card-unit columns per obligation (the card's own credit, counted under caps like any other). */
  cardCounted: Map<number, number>;
  /** What each column costs in cents and in tenths of an hour (the objective is built from them). */
  moneyTerms: [number, number][];
  hoursTerms: [number, number][];
  /** The objective ranks plans by money, then hours, exactly (see lexicographicObjective); else money only. */
  lexicographic: boolean;
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
  /** Replace single-credential offerings by knapsack-frontier bundles (default: whenever slots are merged). */
  bundle?: boolean;
}

const MAX_DOMINATORS = 50;

function listSet<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  const existing = map.get(key);
  if (existing) return existing;
  const set = new Set<V>();
  map.set(key, set);
  return set;
}

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
  for (const o of obligations) if (o.card) cuts.add(o.card.issuedBy + 1);
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

/**
 * What a credit looks like to one cycle's rows: which minimum and cap filters
 * it matches, its category when categories are counted, and whether it needs
 * a petition. Credits with the same profile are interchangeable unit for unit.
 */
export function rowProfile(o: Obligation, a: Activity, w: Worth): string {
  const attrs = worthAttributes(a, w);
  let bits = '';
  for (const r of o.rules) {
    if (r.kind === 'minimum' || (r.kind === 'cap' && (r.per === 'cycle' || r.per === 'year'))) {
      bits += matchesFilter(attrs, r.where) ? '1' : '0';
    }
  }
  const category = o.rules.some((r) => r.kind === 'min-categories') ? (w.category ?? '') : '';
  return `${bits}:${category}:${w.byPetition ? 'p' : ''}`;
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
  const groups = new Map<string, { a: Activity; units: Milli[]; k: number }[]>();
  for (const a of candidates) {
    const dims: string[] = [];
    const units: Milli[] = [];
    // A slot lies in one cycle per credential, so the dominators a plan could need are counted per credential.
    const perCredential = new Map<string, number>();
    for (const o of obligations) {
      const w = worthToward(a, o);
      if (!w) continue;
      dims.push(`${o.id}:${rowProfile(o, a, w)}`);
      units.push(w.units);
      const need = Math.ceil(Math.max(o.total, 1) / w.units);
      const holdingKey = `${o.holding}:${o.late}`;
      perCredential.set(holdingKey, Math.max(perCredential.get(holdingKey) ?? 0, need));
    }
    let k = 1;
    for (const need of perCredential.values()) k += need;
    if (dims.length === 0 && !a.grants) continue;
    const key = dims.join('|');
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

/**
 * CPR/AED courses that earn no CE: among those accepted by the same checks, with the same validity
 * and availability, only the cheapest (money, then hours, then id) is kept. Whatever day one is
 * taken, the cheapest covers the same checks that day, and a second card the same day adds nothing.
 */
function cheapestCards(problem: Problem, obligations: Obligation[]): Set<number> {
  const best = new Map<string, Activity>();
  const kept = new Set<number>();
  for (const a of problem.activities) {
    if (a.kind !== 'offering' || a.grants?.kind !== 'card') continue;
    if (obligations.some((o) => worthToward(a, o))) {
      kept.add(a.index);
      continue;
    }
    const card = a.grants;
    const accepted = obligations
      .map((o) => (o.card && cardAccepted(o.card.rule, card, a.offering?.handsOn) ? '1' : '0'))
      .join('');
    const keep = problem.keepCardChecks[0]?.cards.includes(card.id) ? 'k' : '';
    const key = `${accepted}|${keep}|${card.validity!.months}|${card.validity!.anchor}|${a.availableFrom}|${a.availableTo}`;
    const current = best.get(key);
    if (
      !current ||
      a.priceCents < current.priceCents ||
      (a.priceCents === current.priceCents &&
        (a.hoursTenths < current.hoursTenths ||
          (a.hoursTenths === current.hoursTenths && a.key < current.key)))
    ) {
      best.set(key, a);
    }
  }
  for (const a of best.values()) kept.add(a.index);
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
  const keptCards = options.prune === false ? undefined : cheapestCards(problem, obligations);
  const activities = problem.activities.filter(
    (a) =>
      a.kind !== 'offering' ||
      (a.grants?.kind === 'card'
        ? (keptCards?.has(a.index) ?? true)
        : a.grants !== undefined || keptPlanned.has(a.index)),
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

  const useBundles = (options.bundle ?? merge) && merge && !hoursLimited;
  const perYearCapped = (o: Obligation, a: Activity, w: Worth) =>
    o.rules.some(
      (r) => r.kind === 'cap' && r.per === 'year' && matchesFilter(worthAttributes(a, w), r.where),
    );
  /** Single-credential offerings by (cycle, attributes): the classes that become bundles. */
  const classes = new Map<string, number[]>();
  /** Cycles each offering already done or booked counts toward: it is not planned again for exactly those. */
  const doneFor = new Map<string, Set<string>>();
  for (const a of problem.activities) {
    if (a.fixedDay === undefined) continue;
    const id =
      a.kind === 'booked' ? a.key : problem.profile.completions[Number(a.key.split(':')[1])]?.activity;
    if (!id) continue;
    const day = a.fixedDay;
    const credited = obligations.filter(
      (o) => o.windowStart <= day && day <= o.windowEnd && worthToward(a, o),
    );
    if (credited.length === 0) continue;
    listSet(doneFor, id).add(credited.map((o) => o.id).join(','));
  }
  const alreadyDone = (a: Activity, obligationIds: number[]) =>
    doneFor.get(a.key)?.has(obligationIds.join(',')) ?? false;

  const moneyTerms: [number, number][] = [];
  const hoursTerms: [number, number][] = [];
  const bundles: Bundle[] = [];
  /** Per class: the most money a given number of units can save there (single-credential offerings only). */
  const savings = new Map<string, (units: Milli) => number>();
  // Two passes: single-credential offerings first (their frontiers bound what other offerings are worth).
  for (const pass of ['bundles', 'columns'] as const) {
    if (pass === 'columns') {
      for (const key of [...classes.keys()].sort()) {
        const members = classes.get(key)!;
        const credits = slots[members[0]!]!.credits;
        const { points, saving } = frontier(problem, slots, members);
        if (credits.length === 1) savings.set(key, saving);
        if (points.length >= members.length) {
          // A frontier no smaller than the class itself: the courses as they are make the leaner model.
          for (const si of members) {
            slots[si]!.column = b.addColumn(0, 0, 1, true);
          }
          continue;
        }
        for (const point of points) {
          const column = b.addColumn(0, 0, 1, true);
          bundles.push({
            classKey: key,
            obligations: credits.map((c) => c.obligation),
            column,
            units: point.units,
            slots: point.slots,
          });
          moneyTerms.push([column, point.cents]);
          hoursTerms.push([column, point.hoursTenths]);
        }
      }
    }
    for (const a of activities) {
      const worths = new Map<number, Worth>();
      for (const o of obligations) {
        const w = worthToward(a, o);
        if (w) worths.set(o.id, w);
      }
      const credentialsOf = new Set([...worths.keys()].map((id) => problem.obligations[id]!.credential.id));
      // A bundle stands for one cycle per credential, so a credential's cycles it counts toward must never
      // share a day (a late cycle's window reaches into the next one; a credential may be listed twice).
      const windows = [...worths.keys()]
        .map((id) => problem.obligations[id]!)
        .sort((x, y) => x.credential.id.localeCompare(y.credential.id) || x.windowStart - y.windowStart);
      const disjoint = windows.every(
        (o, i) =>
          i === 0 ||
          windows[i - 1]!.credential.id !== o.credential.id ||
          (windows[i - 1]!.holding === o.holding && windows[i - 1]!.windowEnd < o.windowStart),
      );
      const credited = [...worths].map(([id]) => problem.obligations[id]!);
      const bundleable =
        useBundles &&
        a.kind === 'offering' &&
        !a.grants &&
        disjoint &&
        // Several placements of one course may not share a cycle where the body forbids repeats.
        (credentialsOf.size === 1 || credited.every((o) => !o.rules.some((r) => r.kind === 'no-repeat'))) &&
        [...worths].every(([id, w]) => !w.byPetition && !perYearCapped(problem.obligations[id]!, a, w));
      if (bundleable) {
        if (pass === 'columns') continue;
        // Placements: runs of segments where the course counts toward the same cycles.
        const placements = new Map<
          string,
          { segs: number[]; from: EpochDay; credits: { obligation: number; worth: Worth }[] }
        >();
        segments.forEach((seg, si) => {
          const from = Math.max(seg.start, a.availableFrom);
          const to = Math.min(seg.end, a.availableTo);
          if (from > to) return;
          const credits = credited
            .filter((o) => o.windowStart <= from && from <= o.windowEnd)
            .map((o) => ({ obligation: o.id, worth: worths.get(o.id)! }));
          if (credits.length === 0) return;
          const sig = credits.map((c) => c.obligation).join(',');
          const p = placements.get(sig);
          if (p) p.segs.push(si);
          else placements.set(sig, { segs: [si], from, credits });
        });
        for (const p of placements.values()) {
          const ids = p.credits.map((c) => c.obligation);
          if (alreadyDone(a, ids)) continue;
          let last = p.segs[0]!;
          for (const si of p.segs.slice(1)) {
            if (si === last + 1) last = si;
            else break;
          }
          // Courses in one class count toward the same cycles in the same proportions and look alike to
          // every row, so one knapsack over the first cycle's units decides them all.
          const base = p.credits[0]!.worth.units;
          const key = p.credits
            .map((c, i) => {
              const o = problem.obligations[c.obligation]!;
              const ratio =
                i === 0
                  ? ''
                  : `@${c.worth.units / gcd(c.worth.units, base)}/${base / gcd(c.worth.units, base)}`;
              return `${String(o.id).padStart(6, '0')}|${rowProfile(o, a, c.worth)}${ratio}`;
            })
            .join('&');
          listIn(classes, key).push(slots.length);
          slots.push({
            activity: a.index,
            segments: p.segs,
            from: p.from,
            to: Math.min(segments[last]!.end, a.availableTo),
            day: p.from,
            credits: p.credits,
            cardChecks: [],
            keepChecks: [],
            column: -1,
          });
        }
        continue;
      }
      if (pass === 'bundles') continue;
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
              day <= o.card.issuedBy &&
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
          .filter((c) => perYearCapped(problem.obligations[c.obligation]!, a, c.worth))
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
        // A course dearer than the most its units could save, bought as single-credential courses of the
        // same kind in the same cycles, is never in a cheapest plan: drop that placement.
        if (
          a.kind === 'offering' &&
          !a.grants &&
          savings.size > 0 &&
          g.d.credits.every((c) => !c.worth.byPetition)
        ) {
          let bound = 0;
          for (const c of g.d.credits) {
            const o = problem.obligations[c.obligation]!;
            const saving = savings.get(`${String(o.id).padStart(6, '0')}|${rowProfile(o, a, c.worth)}`);
            bound += saving ? saving(c.worth.units) : Number.POSITIVE_INFINITY;
          }
          if (a.priceCents > bound) continue;
        }
        if (
          a.kind === 'offering' &&
          alreadyDone(
            a,
            g.d.credits.map((c) => c.obligation),
          )
        ) {
          continue;
        }
        let last = g.segs[0]!;
        for (const si of g.segs.slice(1)) {
          if (si === last + 1) last = si;
          else break;
        }
        const column = b.addColumn(0, 0, 1, true);
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
  }
  // At most one frontier point per class.
  const bundlesByClass = new Map<string, [number, number][]>();
  for (const bundle of bundles) listIn(bundlesByClass, bundle.classKey).push([bundle.column, 1]);
  for (const terms of bundlesByClass.values()) if (terms.length > 1) b.addRow(terms, -INFINITY, 1);

  for (const s of slots) {
    const a = problem.activities[s.activity]!;
    if (a.kind !== 'done' && s.column >= 0) {
      moneyTerms.push([s.column, a.priceCents]);
      hoursTerms.push([s.column, a.hoursTenths]);
    }
  }

  // Counted-unit columns only where caps make counting a choice.
  const capped = (o: Obligation) =>
    o.rules.some((r) => r.kind === 'cap' && (r.per === 'cycle' || r.per === 'year'));
  const contributions: Contribution[] = [];
  bundles.forEach((bundle, bi) => {
    const first = slots[bundle.slots[0]!]!;
    bundle.obligations.forEach((id, i) => {
      const worth = { ...first.credits.find((c) => c.obligation === id)!.worth, units: bundle.units[i]! };
      contributions.push({ slot: bundle.slots[0]!, obligation: id, worth, bundle: bi });
    });
  });
  slots.forEach((s, si) => {
    if (s.column < 0) return;
    for (const c of s.credits) {
      const o = problem.obligations[c.obligation]!;
      const contribution: Contribution = { slot: si, obligation: c.obligation, worth: c.worth };
      if (c.worth.byPetition) {
        const fee = Math.round(o.petitionFee * 100);
        contribution.petition = b.addColumn(0, 0, 1, true);
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
      contributions.push(contribution);
    }
  });
  // Σ counted units of contributions matching a filter, as row terms.
  const byObligation = new Map<number, Contribution[]>();
  for (const c of contributions) {
    listIn(byObligation, c.obligation).push(c);
  }
  const termOf = (c: Contribution): [number, number] => [
    c.petition ?? (c.bundle !== undefined ? bundles[c.bundle]!.column : slots[c.slot]!.column),
    c.worth.units,
  ];

  /**
   * Under caps, how many units count is a choice. Credits that look alike to
   * every row of the cycle (same row profile, same year under a per-year cap)
   * are interchangeable, so one counted column per such group is exact.
   */
  interface Entry {
    sample: Contribution;
    year: number | undefined;
    term: [number, number];
    counted: boolean;
  }
  const countedGroups: CountedGroup[] = [];
  const entriesOf = new Map<number, Entry[]>();
  /** Cycles whose caps became covering rows (entries in the order of byObligation's list). */
  const covers = new Map<number, CapCover>();
  const contributionIndex = new Map(contributions.map((c, i) => [c, i]));
  for (const o of obligations) {
    const list = byObligation.get(o.id) ?? [];
    const entries: Entry[] = [];
    const activityOf = (c: Contribution) => problem.activities[slots[c.slot]!.activity]!;
    const yearFor = (c: Contribution) =>
      perYearCapped(o, activityOf(c), c.worth) ? yearOf(slots[c.slot]!.day) : undefined;
    const cover = capped(o)
      ? capCover(
          o,
          list.map((c) => ({ attrs: worthAttributes(activityOf(c), c.worth), units: c.worth.units })),
          kinds,
        )
      : undefined;
    if (cover) {
      covers.set(o.id, cover);
      cover.caps.forEach((cap, g) => {
        const members = cover.members[g]!.map((x) => list[x]!);
        countedGroups.push({
          obligation: o.id,
          column: -1,
          cap: cap.units,
          contributions: members.map((c) => contributionIndex.get(c)!),
        });
      });
    }
    if (!capped(o) || cover) {
      for (const c of list) entries.push({ sample: c, year: undefined, term: termOf(c), counted: false });
    } else {
      const groups = new Map<string, Contribution[]>();
      for (const c of list)
        listIn(groups, `${rowProfile(o, activityOf(c), c.worth)}|${yearFor(c) ?? ''}`).push(c);
      for (const key of [...groups.keys()].sort()) {
        const members = groups.get(key)!;
        const offered = members.reduce((sum, c) => sum + c.worth.units, 0);
        const column = b.addColumn(0, 0, offered, false);
        b.addRow(
          [[column, 1], ...members.map((c): [number, number] => [termOf(c)[0], -c.worth.units])],
          -INFINITY,
          0,
        );
        countedGroups.push({
          obligation: o.id,
          column,
          contributions: members.map((c) => contributionIndex.get(c)!),
        });
        entries.push({ sample: members[0]!, year: yearFor(members[0]!), term: [column, 1], counted: true });
      }
    }
    entriesOf.set(o.id, entries);
  }

  const cardCounted = new Map<number, number>();
  for (const o of obligations) {
    // The rows of one cycle form a group (a hint for the search in sweep.ts).
    b.group = o.id;
    const list = byObligation.get(o.id) ?? [];
    const entries = entriesOf.get(o.id) ?? [];
    const attrs = (c: Contribution) => worthAttributes(problem.activities[slots[c.slot]!.activity]!, c.worth);
    const cardCol =
      o.card && o.cardUnits > 0 ? b.addColumn(0, capped(o) ? 0 : o.cardUnits, o.cardUnits, false) : undefined;
    if (cardCol !== undefined) cardCounted.set(o.id, cardCol);
    const cardMatches = (f: CreditFilter | undefined) =>
      o.card !== undefined && matchesFilter(cardAttributes(o.card.rule), f);
    // In a ≥ row, a coefficient above the row's need can be lowered to the need: the same whole-number
    // solutions, a much tighter relaxation (`need` is left out for ≤ rows, where that would be wrong).
    const sum = (f: CreditFilter | undefined, year?: number, need?: number): [number, number][] => {
      const terms = entries
        .filter((e) => matchesFilter(attrs(e.sample), f) && (year === undefined || e.year === year))
        .map((e): [number, number] => {
          const [column, coef] = e.term;
          return need !== undefined && !e.counted ? [column, Math.min(coef, need)] : [column, coef];
        });
      if (cardCol !== undefined && year === undefined && cardMatches(f)) terms.push([cardCol, 1]);
      return terms;
    };
    const label = `${o.credential.id} cycle ending ${o.end}`;

    const cover = covers.get(o.id);
    if (cover) {
      // Caps on disjoint groups of credit, as covering rows (see capCover); entries are in list order.
      for (const row of cover.rows) {
        const terms = row.entries.map((x): [number, number] => {
          const [column, coef] = entries[x]!.term;
          return [column, Math.min(coef, row.need)];
        });
        if (row.total && row.capsTaken === 0 && terms.length === 0) unreachable.push(`${label}: total`);
        b.addRow(terms, row.need, INFINITY);
      }
    }

    if (!cover && wants('total') && o.total > 0) {
      const terms = sum(undefined, undefined, o.total);
      if (terms.length === 0) unreachable.push(`${label}: total`);
      b.addRow(terms, o.total, INFINITY);
    }
    for (const rule of o.rules.filter(isKind('minimum'))) {
      if (!wants('minimum') || cover) break;
      b.addRow(sum(rule.where, undefined, rule.units), rule.units, INFINITY);
    }
    for (const rule of o.rules.filter(isKind('cap'))) {
      if (cover) break;
      if (rule.per === 'cycle') b.addRow(sum(rule.where), -INFINITY, rule.units);
      if (rule.per === 'year') {
        const years = new Set(entries.flatMap((e) => (e.year === undefined ? [] : [e.year])));
        for (const y of [...years].sort()) b.addRow(sum(rule.where, y), -INFINITY, rule.units);
      }
    }
    const minCats = o.rules.find(isKind('min-categories'));
    if (minCats && wants('min-categories') && !cover) {
      const used: [number, number][] = [];
      for (const cat of o.policy.categories) {
        const y = b.addColumn(0, 0, 1, true);
        const terms = sum({ category: cat.code }, undefined, 1);
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
    // Where the body forbids repeating a course in a cycle, never plan the same offering twice in its window
    // (a repeat elsewhere counts, as the engine counts it: e.g. an annual conference attended twice).
    if (o.rules.some((r) => r.kind === 'no-repeat')) {
      const perActivity = new Map<number, [number, number][]>();
      for (const c of list) {
        const s = slots[c.slot]!;
        if (c.bundle !== undefined || problem.activities[s.activity]!.kind !== 'offering') continue;
        listIn(perActivity, s.activity).push([s.column, 1]);
      }
      for (const t of perActivity.values()) if (t.length > 1) b.addRow(t, -INFINITY, 1);
    }
  }
  b.group = -1;

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
        return s.segments[0] === si && s.column >= 0 && a.kind !== 'done' && a.hoursTenths > 0
          ? [[s.column, a.hoursTenths] as [number, number]]
          : [];
      });
      if (terms.length)
        b.addRow(terms, -INFINITY, Math.round(problem.hoursPerMonth! * 10) * monthsTouched(seg));
    });
  }

  // Columns in the order the cycles they count toward close (a hint for the search in sweep.ts).
  const order = new Array<number>(b.columns).fill(problem.until + 1);
  const closes = (id: number) => problem.obligations[id]!.windowEnd;
  for (const s of slots) {
    if (s.column < 0) continue;
    const days = [
      ...s.credits.map((c) => closes(c.obligation)),
      ...s.cardChecks.map(closes),
      ...s.keepChecks.map((k) => problem.keepCardChecks[k]!.day),
    ];
    order[s.column] = days.length ? Math.min(...days) : s.day;
  }
  for (const bundle of bundles) order[bundle.column] = Math.min(...bundle.obligations.map(closes));
  b.model.order = order;

  tightenRows(b.model);
  const lexicographic = lexicographicObjective(b.model, moneyTerms, hoursTerms);

  const offeringIds = new Set(problem.activities.filter((a) => a.kind === 'offering').map((a) => a.index));
  return {
    model: b.model,
    lexicographic,
    segments,
    slots,
    bundles,
    contributions,
    countedGroups,
    cardCounted,
    moneyTerms,
    hoursTerms,
    offeringsConsidered: offeringIds.size,
    offeringsKept: new Set(slots.filter((s) => offeringIds.has(s.activity)).map((s) => s.activity)).size,
    unreachable,
  };
}

// ---------------------------------------------------------------------------
// Caps as covering rows

/** The most covering rows one cycle's caps may become; past it the counted columns stay. */
const MAX_CAP_ROWS = 32;

/** One cycle's caps as covering rows (see capCover); credits are indices into the cycle's list. */
export interface CapCover {
  /** The caps some credit falls under, and the credits under each. */
  caps: { units: Milli }[];
  members: number[][];
  /** Σ min(coef, need)·x ≥ need over the credits listed; `total` for a row of the total (capsTaken: |S|). */
  rows: { need: number; entries: number[]; total: boolean; capsTaken: number }[];
}

/** A credit toward one cycle as the rows see it. */
export interface CoverCredit {
  attrs: ReturnType<typeof worthAttributes>;
  units: Milli;
}

/**
 * A cycle's per-cycle caps as covering rows, exactly, where they fall on disjoint groups of credit.
 * With e_g the credit under cap g and u the credit under none, what counts is Σ_g min(cap_g, e_g) + u,
 * and Σ_g min(cap_g, e_g) = min over sets S of caps of Σ_{g∈S} cap_g + Σ_{g∉S} e_g. So "what counts
 * is at least N" holds exactly when, for every S with Σ_{g∈S} cap_g < N, the credit under no cap of S
 * is at least N − Σ_{g∈S} cap_g: one row per such S, with no counted columns. A minimum over credit
 * under no cap is its own row. At least k categories: a credit under a cap counts toward its
 * categories whenever it is taken (every cap is at least one unit, and every credit under one cap is
 * of the same categories), so k categories are used exactly when, for every k − 1 categories, some
 * credit taken is of another one; such a row is left out when a row of the total holds only credits
 * it holds (NSCA: "not only category A" is implied by "at least 0.5 CEU outside A").
 *
 * Undefined, and the counted columns stay, where that is not exact or not small: per-year caps (cap
 * families on the same credit), card credit, a credit under two caps, a minimum over capped credit,
 * a cap below one unit, credit of different categories under one cap, more categories asked for than
 * the cycle has, or more than MAX_CAP_ROWS rows.
 */
export function capCover(
  o: Pick<Obligation, 'rules' | 'total' | 'card' | 'cardUnits' | 'policy'>,
  credits: CoverCredit[],
  kinds?: ReadonlySet<string>,
): CapCover | undefined {
  const wants = (kind: string) => !kinds || kinds.has(kind);
  if (o.rules.some((r) => r.kind === 'cap' && r.per === 'year')) return undefined;
  if (o.card && o.cardUnits > 0) return undefined;
  const capRules = o.rules.filter(isKind('cap')).filter((r) => r.per === 'cycle');
  const capOfRule = credits.map((c) => {
    let found = -1;
    for (let r = 0; r < capRules.length; r++) {
      if (!matchesFilter(c.attrs, capRules[r]!.where)) continue;
      if (found >= 0) return -2;
      found = r;
    }
    return found;
  });
  if (capOfRule.includes(-2)) return undefined;
  // Caps some credit falls under, in rule order.
  const used = [...new Set(capOfRule.filter((r) => r >= 0))].sort((x, y) => x - y);
  const caps = used.map((r) => ({ units: capRules[r]!.units }));
  if (caps.some((c) => !(c.units >= 1))) return undefined;
  const capOf = capOfRule.map((r) => (r < 0 ? -1 : used.indexOf(r)));
  const members = caps.map((_, g) => capOf.flatMap((h, x) => (h === g ? [x] : [])));
  const positive = credits.flatMap((c, x) => (c.units > 0 ? [x] : []));
  const rows: CapCover['rows'] = [];

  if (wants('total') && o.total > 0) {
    const N = o.total;
    const tooMany = (function subsets(g: number, sum: number, taken: number[]): boolean {
      if (sum >= N) return false;
      if (g === caps.length) {
        if (rows.length >= MAX_CAP_ROWS) return true;
        const inS = new Set(taken);
        rows.push({
          need: N - sum,
          entries: positive.filter((x) => !inS.has(capOf[x]!)),
          total: true,
          capsTaken: taken.length,
        });
        return false;
      }
      return subsets(g + 1, sum, taken) || subsets(g + 1, sum + caps[g]!.units, [...taken, g]);
    })(0, 0, []);
    if (tooMany) return undefined;
  }
  if (wants('minimum')) {
    for (const rule of o.rules.filter(isKind('minimum'))) {
      const entries = positive.filter((x) => matchesFilter(credits[x]!.attrs, rule.where));
      if (entries.some((x) => capOf[x]! >= 0)) return undefined;
      rows.push({ need: rule.units, entries, total: false, capsTaken: 0 });
    }
  }
  const minCats = o.rules.find(isKind('min-categories'));
  if (minCats && wants('min-categories') && minCats.count > 0) {
    const codes = o.policy.categories.map((c) => c.code);
    const k = minCats.count;
    if (k > codes.length) return undefined;
    const categoriesOf = credits.map((c) =>
      codes.filter((code) => matchesFilter(c.attrs, { category: code })),
    );
    for (const list of members) {
      const first = list.length ? categoriesOf[list[0]!]!.join(',') : '';
      if (list.some((x) => categoriesOf[x]!.join(',') !== first)) return undefined;
    }
    const totals = rows.filter((r) => r.total && r.need >= 1).map((r) => r.entries);
    let tooMany = false;
    (function leaveOut(from: number, left: number, out: string[]): void {
      if (tooMany) return;
      if (left > 0) {
        for (let c = from; c <= codes.length - left; c++) leaveOut(c + 1, left - 1, [...out, codes[c]!]);
        return;
      }
      const entries = positive.filter((x) => categoriesOf[x]!.some((code) => !out.includes(code)));
      const inRow = new Set(entries);
      if (totals.some((t) => t.every((x) => inRow.has(x)))) return;
      if (rows.length >= MAX_CAP_ROWS) tooMany = true;
      else rows.push({ need: 1, entries, total: false, capsTaken: 0 });
    })(0, k - 1, []);
    if (tooMany) return undefined;
  }
  return { caps, members, rows };
}

// ---------------------------------------------------------------------------
// Knapsack frontiers

interface FrontierPoint {
  /** Units toward each cycle of the class, in the class's order. */
  units: Milli[];
  cents: number;
  hoursTenths: number;
  slots: number[];
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * The exact 0/1 knapsack frontier of one class: for every amount of units up
 * to what the cycle could use, the cheapest set of offerings (money, then
 * hours) giving at least that much; only amounts that cost more than every
 * smaller amount are kept.
 */
function frontier(
  problem: Problem,
  slots: Slot[],
  members: number[],
): { points: FrontierPoint[]; saving: (units: Milli) => number } {
  const items = members.map((si) => {
    const a = problem.activities[slots[si]!.activity]!;
    return { si, units: slots[si]!.credits[0]!.worth.units, cents: a.priceCents, hours: a.hoursTenths };
  });
  // Enough of the first cycle's units to meet every cycle's needs through the fixed proportions.
  const sample = slots[members[0]!]!.credits;
  const base = sample[0]!.worth.units;
  let useful = 1;
  for (const c of sample) {
    const o = problem.obligations[c.obligation]!;
    const need = Math.max(o.total, ...o.rules.filter(isKind('minimum')).map((r) => r.units), 1);
    useful = Math.max(useful, Math.ceil((need * base) / c.worth.units));
  }
  let g = useful;
  for (const it of items) g = gcd(g, it.units);
  const V = Math.ceil(useful / g);
  // Lexicographic (money, hours) as one exact integer key.
  const hoursBase = items.reduce((sum, it) => sum + it.hours, 1);
  const key = (cents: number, hours: number) => cents * hoursBase + hours;
  const cost = new Float64Array(V + 1).fill(Number.POSITIVE_INFINITY);
  cost[0] = 0;
  const n = items.length;
  const take = new Uint8Array(n * (V + 1));
  const fromCap = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    const w = Math.max(1, Math.round(it.units / g));
    const k = key(it.cents, it.hours);
    // Descending sources: every cell is read before this item writes to it (0/1 knapsack).
    for (let u = V - 1; u >= 0; u--) {
      const c = cost[u]!;
      if (c === Number.POSITIVE_INFINITY) continue;
      const v = Math.min(V, u + w);
      if (c + k < cost[v]!) {
        cost[v] = c + k;
        take[i * (V + 1) + v] = 1;
        if (v === V) fromCap[i] = u;
      }
    }
  }
  const rebuild = (target: number): number[] => {
    const chosen: number[] = [];
    let v = target;
    for (let i = n - 1; i >= 0 && v > 0; i--) {
      if (!take[i * (V + 1) + v]) continue;
      chosen.push(i);
      v = v === V ? fromCap[i]! : v - Math.max(1, Math.round(items[i]!.units / g));
    }
    return chosen;
  };
  const points: FrontierPoint[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let v = V; v >= 1; v--) {
    if (cost[v]! >= best) continue;
    best = cost[v]!;
    const chosen = rebuild(v);
    points.push({
      units: sample.map((c) =>
        chosen.reduce(
          (sum, i) =>
            sum + slots[items[i]!.si]!.credits.find((x) => x.obligation === c.obligation)!.worth.units,
          0,
        ),
      ),
      cents: chosen.reduce((s, i) => s + items[i]!.cents, 0),
      hoursTenths: chosen.reduce((s, i) => s + items[i]!.hours, 0),
      slots: chosen.map((i) => items[i]!.si).sort((x, y) => x - y),
    });
  }
  // Cheapest money for at least v steps (suffix minimum), and the most u units can save anywhere on it.
  const money = new Float64Array(V + 2).fill(Number.POSITIVE_INFINITY);
  for (let v = V; v >= 0; v--) money[v] = Math.min(money[v + 1]!, Math.floor(cost[v]! / hoursBase));
  const saving = (units: Milli) => {
    if (money[V] === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    const steps = Math.ceil(units / g);
    let most = 0;
    for (let v = 0; v <= V; v++) most = Math.max(most, money[Math.min(V, v + steps)]! - money[v]!);
    return most;
  };
  return { points: points.reverse(), saving };
}
