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
  };

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
    return m.rowLower.length - 1;
  }

  get columns(): number {
    return this.model.cost.length;
  }
  get rows(): number {
    return this.model.rowLower.length;
  }
}
