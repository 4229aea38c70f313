/**
 * An exact solver, by dynamic programming, for the small models that are a
 * multiple-choice covering knapsack: binary columns of non-negative cost,
 * covering rows (Σ a·x ≥ L, whole a ≥ 0), and "at most one" / "exactly one"
 * rows (Σ x ≤ 1, coefficients 1), each column in at most one of the latter.
 * One cycle of one credential planned on its own (the naive plan, the
 * diagnosis) and many independent parts of a plan are of this shape; HiGHS
 * spends 10–500 ms on each, the table a few.
 *
 * The state is how much of each covering row is met, each capped at its
 * need (a coefficient above the need counts as the need: the same whole
 * solutions). Groups of columns (one "at most one" row, or one free column)
 * are decided one after another; the cheapest way to reach every state is
 * kept, ties going to the earlier choice, so the answer is deterministic.
 */
import type { MipModel, MipSolution } from './solver.ts';

export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Most states × decisions the table may take (each a few bytes). */
const MAX_WORK = 4_000_000;

interface Item {
  column: number;
  cost: number;
  /** Per covering row index, the coefficient (already capped at the row's need). */
  rows: number[];
  coefs: number[];
}

/**
 * A model of the covering shape, read: covering rows divided by the common divisor of their
 * coefficients below the need (a column worth the whole need counting as the need), the "at most /
 * exactly one" groups (every other column a group of its own), fixed columns at their value, and the
 * columns a "≤ 0" row forces to 0. The table below and the search in sweep.ts both read models through it.
 */
export interface CoveringShape {
  /** Per column, its value when fixed. */
  fixedValue: (number | undefined)[];
  forcedZero: Set<number>;
  /** Covering rows: the model's row, its need and terms after the division. */
  covering: { row: number; need: number; terms: [number, number][] }[];
  groups: { columns: number[]; exactlyOne: boolean }[];
}

/**
 * Reads the model as a multiple-choice covering knapsack: 'infeasible' when a row can be seen to be
 * unmet, undefined when the model has another shape.
 */
export function readCovering(model: MipModel): CoveringShape | 'infeasible' | undefined {
  const n = model.cost.length;
  const fixedValue = new Array<number | undefined>(n).fill(undefined);
  for (let j = 0; j < n; j++) {
    const lo = model.lower[j]!;
    const hi = model.upper[j]!;
    if (lo === hi && Number.isInteger(lo)) fixedValue[j] = lo;
    else if (!(model.integer[j] && lo === 0 && hi === 1)) return undefined;
    if (fixedValue[j] === undefined && model.cost[j]! < 0) return undefined;
  }
  const forcedZero = new Set<number>();
  const covering: CoveringShape['covering'] = [];
  const groups: { columns: number[]; exactlyOne: boolean }[] = [];
  const inGroup = new Set<number>();

  for (let i = 0; i < model.rowLower.length; i++) {
    let lower = model.rowLower[i]!;
    let upper = model.rowUpper[i]!;
    const terms: [number, number][] = [];
    for (let k = model.rowStart[i]!; k < model.rowStart[i + 1]!; k++) {
      const j = model.column[k]!;
      const v = model.value[k]!;
      const f = fixedValue[j];
      if (f !== undefined) {
        lower -= v * f;
        upper -= v * f;
      } else if (v !== 0) terms.push([j, v]);
    }
    if (terms.length === 0) {
      if (lower > 1e-9 || upper < -1e-9) return 'infeasible';
      continue;
    }
    const positive = terms.every(([, v]) => v > 0 && Number.isInteger(v));
    if (!positive) return undefined;
    if (upper === Number.POSITIVE_INFINITY) {
      if (lower <= 0) continue;
      if (!Number.isInteger(lower)) return undefined;
      // Divided by the common divisor g of the coefficients below the need, the need rounded up
      // (Σ a·x is then a multiple of g); a column worth the need or more meets the row alone.
      let g = 0;
      for (const [, v] of terms) if (v < lower) g = gcd(g, v);
      if (g === 0) g = lower;
      const need = Math.ceil(lower / g);
      covering.push({ row: i, need, terms: terms.map(([j, v]) => [j, v >= lower ? need : v / g]) });
      continue;
    }
    if (Math.abs(upper) < 1e-9 && lower <= 0) {
      // Σ a·x ≤ 0 with a > 0: every column in it is 0.
      for (const [j] of terms) forcedZero.add(j);
      continue;
    }
    const ones = terms.every(([, v]) => v === 1);
    if (!ones || Math.abs(upper - 1) > 1e-9 || lower > 1 + 1e-9) return undefined;
    const exactlyOne = lower > 1e-9;
    if (lower > 0 && Math.abs(lower - 1) > 1e-9) return undefined;
    for (const [j] of terms) {
      if (inGroup.has(j)) return undefined;
      inGroup.add(j);
    }
    groups.push({ columns: terms.map(([j]) => j), exactlyOne });
  }
  for (let j = 0; j < n; j++)
    if (fixedValue[j] === undefined && !inGroup.has(j)) groups.push({ columns: [j], exactlyOne: false });
  return { fixedValue, forcedZero, covering, groups };
}

/**
 * Solves the model exactly when it has the shape above and its table is small; otherwise returns
 * undefined (the caller uses the MIP solver).
 */
export function solveCovering(model: MipModel): MipSolution | undefined {
  const started = performance.now();
  const n = model.cost.length;
  const infeasible = (): MipSolution => ({
    status: 'infeasible',
    values: [],
    objective: 0,
    gap: 1,
    ms: performance.now() - started,
  });
  const shape = readCovering(model);
  if (shape === undefined) return undefined;
  if (shape === 'infeasible') return infeasible();
  const { fixedValue, forcedZero, covering, groups } = shape;

  // Mixed-radix states: digit r counts row r's progress, 0 … need.
  const radix = covering.map((r) => r.need + 1);
  const stride: number[] = [];
  let states = 1;
  for (const r of radix) {
    stride.push(states);
    states *= r;
    if (states > MAX_WORK) return undefined;
  }
  const rowsOf = new Map<number, { rows: number[]; coefs: number[] }>();
  covering.forEach((row, r) => {
    for (const [j, v] of row.terms) {
      const entry = rowsOf.get(j) ?? { rows: [], coefs: [] };
      entry.rows.push(r);
      entry.coefs.push(v);
      rowsOf.set(j, entry);
    }
  });
  const itemGroups: Item[][] = groups.map((g) =>
    g.columns
      .filter((j) => !forcedZero.has(j))
      .map((j) => ({
        column: j,
        cost: model.cost[j]!,
        rows: rowsOf.get(j)?.rows ?? [],
        coefs: rowsOf.get(j)?.coefs ?? [],
      })),
  );
  let work = 0;
  for (const items of itemGroups) work += states * (items.length + 1);
  if (work > MAX_WORK) return undefined;

  const advance = (s: number, item: Item): number => {
    let t = s;
    for (let x = 0; x < item.rows.length; x++) {
      const r = item.rows[x]!;
      const digit = Math.floor(s / stride[r]!) % radix[r]!;
      const next = Math.min(radix[r]! - 1, digit + item.coefs[x]!);
      t += (next - digit) * stride[r]!;
    }
    return t;
  };

  let cost = new Float64Array(states).fill(Number.POSITIVE_INFINITY);
  cost[0] = 0;
  /** Per group: the item chosen to reach each state (-1: none) and the state it came from. */
  const choice: Int32Array[] = [];
  const from: Int32Array[] = [];
  itemGroups.forEach((items, gi) => {
    const next = new Float64Array(states).fill(Number.POSITIVE_INFINITY);
    const pick = new Int32Array(states).fill(-1);
    const back = new Int32Array(states).fill(-1);
    if (!groups[gi]!.exactlyOne) {
      next.set(cost);
      for (let s = 0; s < states; s++) back[s] = s;
    }
    for (let s = 0; s < states; s++) {
      const c = cost[s]!;
      if (c === Number.POSITIVE_INFINITY) continue;
      items.forEach((item, x) => {
        const t = advance(s, item);
        const v = c + item.cost;
        if (v < next[t]!) {
          next[t] = v;
          pick[t] = x;
          back[t] = s;
        }
      });
    }
    cost = next;
    choice.push(pick);
    from.push(back);
  });

  const full = states - 1;
  if (cost[full] === Number.POSITIVE_INFINITY) return infeasible();
  const values = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) if (fixedValue[j] !== undefined) values[j] = fixedValue[j]!;
  let s = full;
  for (let gi = itemGroups.length - 1; gi >= 0; gi--) {
    const x = choice[gi]![s]!;
    if (x >= 0) values[itemGroups[gi]![x]!.column] = 1;
    s = from[gi]![s]!;
  }
  const objective = values.reduce((sum, v, j) => sum + v * model.cost[j]!, 0);
  return { status: 'optimal', values, objective, gap: 0, ms: performance.now() - started };
}
