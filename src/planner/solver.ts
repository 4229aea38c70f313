/**
 * The solver port: the planner builds a mixed-integer model as plain data and
 * hands it to whatever implements `solve`. No solver type leaks past this file.
 */

/** A mixed-integer linear program: minimise cost·x subject to rowLower ≤ A·x ≤ rowUpper. */
export interface MipModel {
  /** Column data, in column order. */
  cost: number[];
  lower: number[];
  upper: number[];
  integer: boolean[];
  /** Rows in compressed sparse row form: row i uses entries rowStart[i] … rowStart[i+1]-1. */
  rowStart: number[];
  column: number[];
  value: number[];
  rowLower: number[];
  rowUpper: number[];
  /**
   * Absolute gap at which the solve may stop as optimal (default 0.25). An objective that takes only
   * whole values (see lexicographicObjective) is proven optimal at any gap below 1.
   */
  absGap?: number;
  /**
   * Hints for solvers that decide columns one after another (sweep.ts); optional, and no solver needs
   * them to be right. `order`: a key per column, columns with smaller keys decided first (the planner:
   * the day the earliest cycle a column counts toward closes). `rowGroup`: per row, rows with the same
   * non-negative number belong together (the planner: the rows of one cycle); -1 for a row alone.
   */
  order?: number[];
  rowGroup?: number[];
}

export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'time-limit' | 'error';

export interface MipSolution {
  status: SolveStatus;
  /** Column values; empty unless a solution was found. */
  values: number[];
  objective: number;
  /** Relative MIP gap the solver reports (0 = proven optimal). */
  gap: number;
  /** Wall-clock milliseconds inside the solver. */
  ms: number;
  message?: string;
}

export interface SolveOptions {
  timeLimitMs: number;
}

export interface SolverPort {
  solve(model: MipModel, options: SolveOptions): Promise<MipSolution>;
  /** Releases the solver's resources (a worker thread). */
  close(): Promise<void>;
}

export const INFINITY = Number.POSITIVE_INFINITY;

/** Builds a model row by row; keeps column and row order exactly as added. */
export class ModelBuilder {
  readonly model: MipModel = {
    cost: [],
    lower: [],
    upper: [],
    integer: [],
    rowStart: [0],
    column: [],
    value: [],
    rowLower: [],
    rowUpper: [],
    rowGroup: [],
  };
  /** The row group of the rows added next (see MipModel.rowGroup). */
  group = -1;

  addColumn(cost: number, lower: number, upper: number, integer: boolean): number {
    const m = this.model;
    m.cost.push(cost);
    m.lower.push(lower);
    m.upper.push(upper);
    m.integer.push(integer);
    return m.cost.length - 1;
  }

  /** Adds lower ≤ Σ coef·x ≤ upper; zero coefficients are dropped and repeated columns merged. */
  addRow(terms: Iterable<readonly [number, number]>, lower: number, upper: number): number {
    const merged = new Map<number, number>();
    for (const [j, v] of terms) if (v !== 0) merged.set(j, (merged.get(j) ?? 0) + v);
    if (merged.size === 0 && (lower > 0 || upper < 0)) {
      // An empty row that asks for something: solvers may drop empty rows, so give it a column fixed at 0.
      merged.set(this.addColumn(0, 0, 0, false), 1);
    }
    const m = this.model;
    for (const [j, v] of [...merged].sort((a, b) => a[0] - b[0])) {
      if (v === 0) continue;
      m.column.push(j);
      m.value.push(v);
    }
    m.rowStart.push(m.column.length);
    m.rowLower.push(lower);
    m.rowUpper.push(upper);
    m.rowGroup?.push(this.group);
    return m.rowLower.length - 1;
  }

  get columns(): number {
    return this.model.cost.length;
  }
  get rows(): number {
    return this.model.rowLower.length;
  }
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Largest objective magnitude kept for an exact whole-number objective (far inside a double's 2^53). */
const EXACT_OBJECTIVE_LIMIT = 2 ** 50;

/**
 * Money first, then hours, as one whole-number objective: cost = (cents / g)·H + hours, where g is the
 * greatest common divisor of all money coefficients (every plan's money is a multiple of g) and H
 * exceeds the hours of any plan (1 + the most hours every column together could add). Two plans whose
 * money differs differ by at least g cents, so by at least H in the objective, more than any hours
 * difference: minimising it minimises money, and among plans of the least money, hours. The objective
 * takes whole values only, so an absolute gap of 0.5 proves both; returns true.
 *
 * When that objective could grow past what a double holds exactly, falls back to cents plus hours
 * scaled below a quarter of a cent (money proven at an absolute gap of 0.25, hours only preferred;
 * a second solve must prove them) and returns false.
 */
export function lexicographicObjective(
  model: MipModel,
  moneyTerms: readonly (readonly [number, number])[],
  hoursTerms: readonly (readonly [number, number])[],
): boolean {
  const money = new Array<number>(model.cost.length).fill(0);
  const hours = new Array<number>(model.cost.length).fill(0);
  for (const [j, c] of moneyTerms) money[j]! += c;
  for (const [j, c] of hoursTerms) hours[j]! += c;
  let g = 0;
  let H = 1;
  let most = 0;
  const fallback = () => {
    for (let j = 0; j < money.length; j++) model.cost[j] = money[j]! + hours[j]! / (4 * H);
    model.absGap = 0.25;
    return false;
  };
  for (let j = 0; j < money.length; j++) {
    if (hours[j]! > 0) H += hours[j]! * Math.max(0, model.upper[j]!, -model.lower[j]!);
  }
  for (let j = 0; j < money.length; j++) {
    if (!Number.isInteger(money[j]) || !Number.isInteger(hours[j]) || money[j]! < 0 || hours[j]! < 0)
      return fallback();
    const fixed = model.lower[j] === model.upper[j] && Number.isInteger(model.lower[j]);
    if ((money[j] !== 0 || hours[j] !== 0) && !model.integer[j] && !fixed) return fallback();
    g = gcd(g, money[j]!);
    most += money[j]! * Math.max(0, model.upper[j]!, -model.lower[j]!);
  }
  g = Math.max(1, g);
  if (!Number.isFinite(H) || (most / g + 1) * H > EXACT_OBJECTIVE_LIMIT) return fallback();
  for (let j = 0; j < money.length; j++) model.cost[j] = (money[j]! / g) * H + hours[j]!;
  model.absGap = 0.5;
  return true;
}

/**
 * Divides each row with whole coefficients by their greatest common divisor, and where every column
 * in the row is integer, rounds its bounds inward (the row's activity is then a whole multiple of the
 * divisor): Σ 300·x ≥ 1000 becomes Σ x ≥ 4. The same whole-number solutions; smaller coefficients and,
 * after rounding, a tighter relaxation.
 */
export function tightenRows(model: MipModel): void {
  for (let i = 0; i < model.rowLower.length; i++) {
    const from = model.rowStart[i]!;
    const to = model.rowStart[i + 1]!;
    if (from === to) continue;
    let g = 0;
    let allInteger = true;
    for (let k = from; k < to; k++) {
      const v = model.value[k]!;
      if (!Number.isInteger(v)) {
        g = 0;
        break;
      }
      g = gcd(g, v);
      const j = model.column[k]!;
      if (!model.integer[j] || !Number.isInteger(model.lower[j]) || !Number.isInteger(model.upper[j]))
        allInteger = false;
    }
    if (g === 0) continue;
    for (let k = from; k < to; k++) model.value[k]! /= g;
    const lower = model.rowLower[i]!;
    const upper = model.rowUpper[i]!;
    // Rounded inward in whole numbers (lower − lower mod g is an exact multiple of g).
    const r = lower % g;
    const s = upper % g;
    model.rowLower[i] = allInteger && Number.isInteger(lower) ? (lower - r) / g + (r > 0 ? 1 : 0) : lower / g;
    model.rowUpper[i] = allInteger && Number.isInteger(upper) ? (upper - s) / g - (s < 0 ? 1 : 0) : upper / g;
  }
}
