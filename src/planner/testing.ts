/**
 * Reference answers for the planner's solver tests, written plainly and kept apart from the
 * solvers they judge: whether values meet a model, and its optimum by trying every assignment.
 */
import type { MipModel } from './solver.ts';

/** Whether x is within every column's bounds and every row's. */
export function feasible(m: MipModel, x: number[]): boolean {
  for (let j = 0; j < x.length; j++) if (x[j]! < m.lower[j]! || x[j]! > m.upper[j]!) return false;
  return rowsHold(m, x);
}

/** Whether every row's sum lies within its bounds (columns' bounds unchecked). */
export function rowsHold(m: MipModel, x: number[]): boolean {
  return m.rowLower.every((lo, i) => {
    let s = 0;
    for (let k = m.rowStart[i]!; k < m.rowStart[i + 1]!; k++) s += m.value[k]! * x[m.column[k]!]!;
    return s >= lo - 1e-9 && s <= m.rowUpper[i]! + 1e-9;
  });
}

/** The optimum by trying every assignment of 0/1 columns (fixed columns at their value). */
export function bruteForce(m: MipModel): { objective: number; values: number[] } | undefined {
  const n = m.cost.length;
  let best: { objective: number; values: number[] } | undefined;
  for (let mask = 0; mask < 1 << n; mask++) {
    const x = Array.from({ length: n }, (_, j) =>
      m.lower[j] === m.upper[j] ? m.lower[j]! : (mask >> j) & 1,
    );
    if (!feasible(m, x)) continue;
    const objective = x.reduce((s, v, j) => s + v * m.cost[j]!, 0);
    if (!best || objective < best.objective) best = { objective, values: x };
  }
  return best;
}
