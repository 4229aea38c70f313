/**
 * The reference planner for tests: tries every set of (offering, date)
 * choices in order of increasing price and asks the engine whether the goals
 * are met, so it shares neither the integer program, nor the pruning, nor the
 * solver with the real planner. Only for small problems.
 */
import { buildModel } from './model.ts';
import type { Problem } from './problem.ts';
import { type ChosenActivity, verifyPlan } from './verify.ts';

export interface ReferenceResult {
  feasible: boolean;
  moneyCents: number;
  hoursTenths: number;
  chosen: ChosenActivity[];
  /** Sets of choices the engine was asked about. */
  explored: number;
}

interface Candidate {
  activity: number;
  day: number;
  priceCents: number;
  hoursTenths: number;
  /** Cycles whose body forbids repeats, whose window this choice falls in and that the offering counts toward. */
  windows: number[];
  grants?: string;
}

interface State {
  sum: number;
  last: number;
  items: number[];
}

/** A binary min-heap on (sum, number of items) so equal sums come out in a fixed order. */
class Heap {
  private readonly a: State[] = [];
  get size() {
    return this.a.length;
  }
  private less(x: State, y: State) {
    return x.sum < y.sum || (x.sum === y.sum && x.items.length < y.items.length);
  }
  push(s: State) {
    const a = this.a;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): State | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Every placement of every offering (one per set of days that are alike to it), without pruning,
 * bundles or the saving bound.
 */
export function referenceCandidates(problem: Problem): Candidate[] {
  const built = buildModel(problem, {
    prune: false,
    merge: true,
    bundle: false,
    ignoreBudget: true,
    ignoreHours: true,
  });
  const out: Candidate[] = [];
  for (const s of built.slots) {
    const a = problem.activities[s.activity]!;
    if (a.kind !== 'offering') continue;
    if (s.credits.some((c) => c.worth.byPetition))
      throw new Error('the reference search does not model petitions');
    out.push({
      activity: s.activity,
      day: s.day,
      priceCents: a.priceCents,
      hoursTenths: a.hoursTenths,
      windows: s.credits
        .map((c) => c.obligation)
        .filter((id) => problem.obligations[id]!.rules.some((r) => r.kind === 'no-repeat')),
      ...(a.grants && a.grants.kind !== 'card' ? { grants: a.grants.id } : {}),
    });
  }
  return out.sort(
    (x, y) =>
      x.priceCents - y.priceCents ||
      x.hoursTenths - y.hoursTenths ||
      x.day - y.day ||
      x.activity - y.activity,
  );
}

/** What the engine counts once: a course repeated in a no-repeat body's cycle, a credential earned twice. */
function allowed(items: readonly Candidate[]): boolean {
  const seen = new Set<string>();
  const grants = new Set<string>();
  for (const c of items) {
    for (const w of c.windows) {
      const key = `${c.activity}:${w}`;
      if (seen.has(key)) return false;
      seen.add(key);
    }
    if (c.grants) {
      if (grants.has(c.grants)) return false;
      grants.add(c.grants);
    }
  }
  return true;
}

export function exhaustiveSearch(problem: Problem, maxExplored = 100_000): ReferenceResult {
  const candidates = referenceCandidates(problem);
  const fixed: ChosenActivity[] = problem.activities
    .filter((a) => a.kind === 'booked')
    .map((a) => ({ activity: a.index, day: a.fixedDay!, petitions: [] }));
  const bookedCents = problem.activities
    .filter((a) => a.kind === 'booked')
    .reduce((s, a) => s + a.priceCents, 0);
  const hoursOf = (items: number[]) => items.reduce((s, i) => s + candidates[i]!.hoursTenths, 0);
  const toChosen = (items: number[]) => [
    ...fixed,
    ...items.map((i) => ({ activity: candidates[i]!.activity, day: candidates[i]!.day, petitions: [] })),
  ];
  let explored = 0;
  let best: { sum: number; hours: number; items: number[] } | undefined;
  const consider = (sum: number, items: number[]) => {
    if (!allowed(items.map((i) => candidates[i]!))) return;
    explored++;
    if (explored > maxExplored) throw new Error(`the reference search gave up after ${maxExplored} plans`);
    if (!verifyPlan(problem, toChosen(items)).ok) return;
    const hours = hoursOf(items);
    if (!best || sum < best.sum || (sum === best.sum && hours < best.hours)) best = { sum, hours, items };
  };
  consider(0, []);
  const heap = new Heap();
  if (candidates.length > 0) heap.push({ sum: candidates[0]!.priceCents, last: 0, items: [0] });
  while (heap.size > 0) {
    const s = heap.pop()!;
    if (best && s.sum > best.sum) break;
    consider(s.sum, s.items);
    const next = s.last + 1;
    if (next < candidates.length) {
      const c = candidates[next]!.priceCents;
      heap.push({ sum: s.sum + c, last: next, items: [...s.items, next] });
      heap.push({
        sum: s.sum - candidates[s.last]!.priceCents + c,
        last: next,
        items: [...s.items.slice(0, -1), next],
      });
    }
  }
  if (!best) return { feasible: false, moneyCents: 0, hoursTenths: 0, chosen: [], explored };
  return {
    feasible: true,
    moneyCents: best.sum + bookedCents,
    hoursTenths: best.hours + fixed.reduce((s, f) => s + problem.activities[f.activity]!.hoursTenths, 0),
    chosen: toChosen(best.items),
    explored,
  };
}
