/**
 * The allocation model of one holding's cycle: which eligible credits count
 * under the caps, and the least additional units that would satisfy every
 * requirement (total, minimums, number of categories) given those caps.
 *
 * Both answers are exact. Fast paths settle the common cases (no cap binds;
 * one kind of extra credit closes every gap) with proofs in the comments;
 * anything else goes to the exact rational LP in lp.ts.
 */
import type { ActivityType, CreditFilter, PolicyVersion, RequirementOf } from '../rules/schema.ts';
import type { Milli } from '../units.ts';
import { type LinearConstraint, type LinearProgram, ratCeil, ratFloor, solveLp } from './lp.ts';

export interface Attributes {
  category?: string | undefined;
  topic?: string | undefined;
  provider?: string | undefined;
  type: ActivityType;
}

export interface Item extends Attributes {
  units: Milli;
  year: number;
  event: string;
}

export interface CapSpec {
  id: number;
  units: Milli;
  per: 'cycle' | 'year' | 'event';
  where: CreditFilter;
}

export interface MinimumSpec {
  id: number;
  units: Milli;
  where: CreditFilter;
}

export interface AllocationModel {
  items: readonly Item[];
  caps: readonly CapSpec[];
  minimums: readonly MinimumSpec[];
  total: Milli;
  minCategories?: { count: number; categories: readonly string[] };
  /** Attribute values an extra credit may take, for `missing`. */
  classes: readonly Attributes[];
}

export interface AllocationOutcome {
  /** Units counted per item. */
  counted: Milli[];
  countedTotal: Milli;
  /** Counted units per minimum (same order as model.minimums). */
  minimumCounted: Milli[];
  /** Categories with counted units. */
  categoriesUsed: string[];
  /** Least additional units that would satisfy every requirement; null when no extra credit can (a cap blocks it). */
  missing: Milli | null;
  /** For each cap: the units it cut off (offered − counted inside the cap's scope). */
  capCut: Map<number, Milli>;
  /** Which path produced the answer (for tests and benchmarks). */
  path: 'direct' | 'lp';
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function matchesFilter(attrs: Attributes, filter: CreditFilter | undefined): boolean {
  if (!filter) return true;
  const cats = asList(filter.category);
  if (cats.length && (attrs.category === undefined || !cats.includes(attrs.category))) return false;
  const topics = asList(filter.topic);
  if (topics.length && (attrs.topic === undefined || !topics.includes(attrs.topic))) return false;
  const types = asList(filter.activityType);
  if (types.length && !types.includes(attrs.type)) return false;
  const providers = asList(filter.provider);
  if (providers.length) {
    const p = attrs.provider?.toLowerCase();
    if (p === undefined || !providers.some((name) => name.toLowerCase() === p)) return false;
  }
  return true;
}

interface CapGroup {
  cap: CapSpec;
  members: number[];
  /** Cycle-wide caps also bind extra credits; per-year and per-event caps do not (an extra credit can be a new event). */
  bindsExtra: boolean;
}

function capGroups(model: AllocationModel): CapGroup[] {
  const groups: CapGroup[] = [];
  for (const cap of model.caps) {
    const buckets = new Map<string, number[]>();
    model.items.forEach((item, i) => {
      if (!matchesFilter(item, cap.where)) return;
      const key = cap.per === 'cycle' ? '' : cap.per === 'year' ? String(item.year) : item.event;
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    });
    if (cap.per === 'cycle' && buckets.size === 0) buckets.set('', []);
    for (const members of buckets.values()) groups.push({ cap, members, bindsExtra: cap.per === 'cycle' });
  }
  return groups;
}

export function allocate(model: AllocationModel): AllocationOutcome {
  const groups = capGroups(model);
  const full = model.items.map((i) => i.units);
  const capsHold = groups.every((g) => g.members.reduce((s, i) => s + full[i]!, 0) <= g.cap.units);
  // When every item fits under every cap, counting everything is optimal for the total
  // and for every minimum at once, since each sum is then at its upper bound.
  const counted = capsHold ? full : maximiseCounted(model, groups);
  const path: AllocationOutcome['path'] = capsHold ? 'direct' : 'lp';

  const outcome = summarise(model, groups, counted, path);
  outcome.missing = computeMissing(model, groups, outcome);
  return outcome;
}

function summarise(
  model: AllocationModel,
  groups: CapGroup[],
  counted: Milli[],
  path: AllocationOutcome['path'],
) {
  const countedTotal = counted.reduce((s, v) => s + v, 0);
  const minimumCounted = model.minimums.map((m) =>
    model.items.reduce((s, item, i) => (matchesFilter(item, m.where) ? s + counted[i]! : s), 0),
  );
  const used = new Set<string>();
  model.items.forEach((item, i) => {
    if (item.category !== undefined && counted[i]! > 0) used.add(item.category);
  });
  const capCut = new Map<number, Milli>();
  for (const g of groups) {
    const cut = g.members.reduce((s, i) => s + (model.items[i]!.units - counted[i]!), 0);
    if (cut > 0) capCut.set(g.cap.id, (capCut.get(g.cap.id) ?? 0) + cut);
  }
  return {
    counted,
    countedTotal,
    minimumCounted,
    categoriesUsed: [...used].sort(),
    missing: null as Milli | null,
    capCut,
    path,
  };
}

/**
 * Lexicographic: first the largest total under the caps, then, among those,
 * the allocation that covers the minimums and categories best.
 */
function maximiseCounted(model: AllocationModel, groups: CapGroup[]): Milli[] {
  const n = model.items.length;
  const base: LinearConstraint[] = [];
  model.items.forEach((item, i) => {
    base.push({ coefficients: new Map([[i, 1]]), sense: '<=', rhs: item.units });
  });
  for (const g of groups) {
    if (g.members.length === 0) continue;
    base.push({ coefficients: new Map(g.members.map((i) => [i, 1])), sense: '<=', rhs: g.cap.units });
  }
  const all = new Map(model.items.map((_, i) => [i, 1]));
  const first = solveLp({ variables: n, constraints: base, objective: all });
  if (first.status !== 'optimal') return model.items.map(() => 0);
  const best = Number(ratFloor(first.value));

  // Second stage: z_j ≤ min(minimum_j, Σ counted in j), maximise Σ z_j with the total held at its best.
  const zStart = n;
  const constraints: LinearConstraint[] = [...base, { coefficients: all, sense: '>=', rhs: best }];
  const objective = new Map<number, number>();
  model.minimums.forEach((m, j) => {
    const z = zStart + j;
    constraints.push({ coefficients: new Map([[z, 1]]), sense: '<=', rhs: m.units });
    const coefficients = new Map<number, number>([[z, 1]]);
    model.items.forEach((item, i) => {
      if (matchesFilter(item, m.where)) coefficients.set(i, -1);
    });
    constraints.push({ coefficients, sense: '<=', rhs: 0 });
    objective.set(z, 1);
  });
  const second = solveLp({ variables: n + model.minimums.length, constraints, objective });
  const x = second.status === 'optimal' ? second.x : first.status === 'optimal' ? first.x : [];
  return model.items.map((_, i) => {
    const v = x[i];
    return v ? Number(ratFloor(v)) : 0;
  });
}

/** The shortfall each requirement shows on its own; `missing` can never be less than the largest. */
function lowerBound(model: AllocationModel, outcome: ReturnType<typeof summarise>): Milli {
  let bound = Math.max(0, model.total - outcome.countedTotal);
  model.minimums.forEach((m, j) => {
    bound = Math.max(bound, m.units - outcome.minimumCounted[j]!);
  });
  return bound;
}

function computeMissing(
  model: AllocationModel,
  groups: CapGroup[],
  outcome: ReturnType<typeof summarise>,
): Milli | null {
  const bound = lowerBound(model, outcome);
  const categoriesShort = model.minCategories ? model.minCategories.count - outcome.categoriesUsed.length : 0;
  if (bound === 0 && categoriesShort <= 0) return 0;

  // One kind of extra credit that belongs to every short minimum, adds a missing category if one is
  // needed, and fits under every cycle cap it falls in, closes every gap with exactly `bound` units
  // (at least one unit-thousandth when only a category is missing). Nothing can do with less.
  const amount = Math.max(bound, categoriesShort > 0 ? 1 : 0);
  const shortMinimums = model.minimums.filter((m, j) => m.units > outcome.minimumCounted[j]!);
  if (categoriesShort <= 1) {
    for (const cls of model.classes) {
      if (!shortMinimums.every((m) => matchesFilter(cls, m.where))) continue;
      if (
        categoriesShort === 1 &&
        (cls.category === undefined || outcome.categoriesUsed.includes(cls.category))
      )
        continue;
      const fits = groups.every((g) => {
        if (!g.bindsExtra || !matchesFilter(cls, g.cap.where)) return true;
        const load = g.members.reduce((s, i) => s + outcome.counted[i]!, 0);
        return load + amount <= g.cap.units;
      });
      if (fits) return amount;
    }
  }
  return missingByLp(model, groups);
}

/**
 * min Σ y  subject to: counted x within offered and caps; extra credits y per class within
 * cycle caps; total, minimums and (for each choice of categories) the category count met.
 */
function missingByLp(model: AllocationModel, groups: CapGroup[]): Milli | null {
  const n = model.items.length;
  const k = model.classes.length;
  const y = (c: number) => n + c;
  const base: LinearConstraint[] = [];
  model.items.forEach((item, i) => {
    base.push({ coefficients: new Map([[i, 1]]), sense: '<=', rhs: item.units });
  });
  for (const g of groups) {
    const coefficients = new Map<number, number>(g.members.map((i) => [i, 1]));
    if (g.bindsExtra)
      model.classes.forEach((cls, c) => {
        if (matchesFilter(cls, g.cap.where)) coefficients.set(y(c), 1);
      });
    if (coefficients.size > 0) base.push({ coefficients, sense: '<=', rhs: g.cap.units });
  }
  const everything = new Map<number, number>();
  for (let i = 0; i < n + k; i++) everything.set(i, 1);
  base.push({ coefficients: everything, sense: '>=', rhs: model.total });
  for (const m of model.minimums) {
    const coefficients = new Map<number, number>();
    model.items.forEach((item, i) => {
      if (matchesFilter(item, m.where)) coefficients.set(i, 1);
    });
    model.classes.forEach((cls, c) => {
      if (matchesFilter(cls, m.where)) coefficients.set(y(c), 1);
    });
    base.push({ coefficients, sense: '>=', rhs: m.units });
  }
  const objective = new Map<number, number>();
  for (let c = 0; c < k; c++) objective.set(y(c), -1);

  const choices = categoryChoices(model.minCategories);
  let best: Milli | null = null;
  for (const chosen of choices) {
    const constraints = [...base];
    for (const category of chosen) {
      const coefficients = new Map<number, number>();
      model.items.forEach((item, i) => {
        if (item.category === category) coefficients.set(i, 1);
      });
      model.classes.forEach((cls, c) => {
        if (cls.category === category) coefficients.set(y(c), 1);
      });
      constraints.push({ coefficients, sense: '>=', rhs: 1 });
    }
    const lp: LinearProgram = { variables: n + k, constraints, objective };
    const result = solveLp(lp);
    if (result.status !== 'optimal') continue;
    const value = Number(ratCeil({ n: -result.value.n, d: result.value.d }));
    if (best === null || value < best) best = value;
  }
  return best;
}

function categoryChoices(spec: AllocationModel['minCategories']): string[][] {
  if (!spec || spec.count <= 0) return [[]];
  const out: string[][] = [];
  const pick = (start: number, chosen: string[]) => {
    if (chosen.length === spec.count) {
      out.push([...chosen]);
      return;
    }
    for (let i = start; i < spec.categories.length; i++) pick(i + 1, [...chosen, spec.categories[i]!]);
  };
  pick(0, []);
  return out;
}

/** Kinds of extra credit a person could still take: each category × topic × own-provider choice the rules distinguish. */
export function extraCreditClasses(
  policy: PolicyVersion,
  minimums: RequirementOf<'minimum'>[],
): Attributes[] {
  const categories: (string | undefined)[] = policy.categories.length
    ? policy.categories.map((c) => c.code)
    : [undefined];
  const topics = new Set<string | undefined>([undefined]);
  const providers = new Set<string | undefined>([undefined]);
  for (const m of minimums) {
    for (const t of [m.where.topic].flat()) if (t) topics.add(t);
    const p = [m.where.provider].flat()[0];
    if (p) providers.add(p);
  }
  const classes: Attributes[] = [];
  for (const category of categories) {
    for (const topic of topics) {
      for (const provider of providers) classes.push({ category, topic, provider, type: 'course' });
    }
  }
  return classes;
}
