/**
 * Solves a model part by part. Two columns are in one part when some row
 * holds both (directly or through other columns); parts share no row, so
 * each can be solved on its own and the sum of their optima is the optimum
 * of the whole. A budget or hours-per-month row holds every paid column, so
 * with one of those the model stays whole. Each part goes to the exact table
 * (covering.ts) when it has that shape and size, else to the MIP solver.
 */
import { solveCovering } from './covering.ts';
import type { MipModel, MipSolution, SolveOptions, SolverPort } from './solver.ts';
import { solveBySweep } from './sweep.ts';

/** The least time a part waiting for the solver is given, even once the limit has been spent. */
const MIN_PART_MS = 500;

export interface Part {
  /** Columns of the whole model, in order. */
  columns: number[];
  /** Rows of the whole model, in order. */
  rows: number[];
}

/** The model's independent parts; columns in no row form no part. */
export function partsOf(model: MipModel): Part[] {
  const n = model.cost.length;
  const parent = Int32Array.from({ length: n }, (_, j) => j);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) {
      const up = parent[x]!;
      parent[x] = r;
      x = up;
    }
    return r;
  };
  const inRow = new Uint8Array(n);
  for (let i = 0; i < model.rowLower.length; i++) {
    const a = model.rowStart[i]!;
    const b = model.rowStart[i + 1]!;
    for (let k = a; k < b; k++) {
      inRow[model.column[k]!] = 1;
      if (k > a) {
        const x = find(model.column[a]!);
        const y = find(model.column[k]!);
        if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
      }
    }
  }
  const byRoot = new Map<number, Part>();
  for (let j = 0; j < n; j++) {
    if (!inRow[j]) continue;
    const root = find(j);
    const part = byRoot.get(root) ?? { columns: [], rows: [] };
    part.columns.push(j);
    byRoot.set(root, part);
  }
  for (let i = 0; i < model.rowLower.length; i++) {
    if (model.rowStart[i] === model.rowStart[i + 1]) continue;
    byRoot.get(find(model.column[model.rowStart[i]!]!))!.rows.push(i);
  }
  return [...byRoot.values()];
}

/** The sub-model of one part, its columns and rows renumbered in order. */
export function subModel(model: MipModel, part: Part): MipModel {
  const index = new Map(part.columns.map((j, x) => [j, x]));
  const sub: MipModel = {
    cost: part.columns.map((j) => model.cost[j]!),
    lower: part.columns.map((j) => model.lower[j]!),
    upper: part.columns.map((j) => model.upper[j]!),
    integer: part.columns.map((j) => model.integer[j]!),
    rowStart: [0],
    column: [],
    value: [],
    rowLower: [],
    rowUpper: [],
  };
  if (model.absGap !== undefined) sub.absGap = model.absGap;
  if (model.order) sub.order = part.columns.map((j) => model.order![j]!);
  if (model.rowGroup) sub.rowGroup = part.rows.map((i) => model.rowGroup![i]!);
  for (const i of part.rows) {
    for (let k = model.rowStart[i]!; k < model.rowStart[i + 1]!; k++) {
      sub.column.push(index.get(model.column[k]!)!);
      sub.value.push(model.value[k]!);
    }
    sub.rowStart.push(sub.column.length);
    sub.rowLower.push(model.rowLower[i]!);
    sub.rowUpper.push(model.rowUpper[i]!);
  }
  return sub;
}

/**
 * Solves every part (the exact table where it applies, else the solver, each within what is left
 * of the time limit, smallest parts first) and puts the solutions together. Optimal when every part is; a part stopped
 * at the time limit with a plan makes the whole feasible, with the largest of the parts' relative
 * gaps (the gap of a sum is at most the largest gap of its terms); without a plan, or infeasible,
 * the whole is too.
 */
export async function solveByParts(
  model: MipModel,
  solver: SolverPort,
  options: SolveOptions,
): Promise<MipSolution & { parts: number; byTable: number }> {
  const started = performance.now();
  const n = model.cost.length;
  // Empty rows first: one that asks for something cannot be met.
  for (let i = 0; i < model.rowLower.length; i++) {
    if (model.rowStart[i] !== model.rowStart[i + 1]) continue;
    if (model.rowLower[i]! > 0 || model.rowUpper[i]! < 0) {
      return { status: 'infeasible', values: [], objective: 0, gap: 1, ms: 0, parts: 0, byTable: 0 };
    }
  }
  const parts = partsOf(model);
  const values = new Array<number>(n).fill(0);
  const inPart = new Uint8Array(n);
  for (const part of parts) for (const j of part.columns) inPart[j] = 1;
  let objective = 0;
  for (let j = 0; j < n; j++) {
    if (inPart[j]) continue;
    // A column in no row: at whichever bound costs less (the lower one on a tie).
    const cost = model.cost[j]!;
    const v = cost < 0 ? model.upper[j]! : model.lower[j]!;
    if (!Number.isFinite(v)) return solveWhole(model, solver, options, started);
    values[j] = v;
    objective += cost * v;
  }
  let status: MipSolution['status'] = 'optimal';
  let gap = 0;
  let byTable = 0;
  // Smallest parts first: they take milliseconds, and the largest then has what is left of the limit
  // (a part still waiting when the limit is reached gets a short floor rather than losing the plan).
  const order = [...parts].sort(
    (x, y) => x.columns.length - y.columns.length || x.columns[0]! - y.columns[0]!,
  );
  for (const part of order) {
    const sub = subModel(model, part);
    let solution = solveCovering(sub) ?? solveBySweep(sub);
    if (solution) byTable++;
    else {
      const left = options.timeLimitMs - (performance.now() - started);
      solution = await solver.solve(sub, {
        timeLimitMs: Math.max(left, Math.min(MIN_PART_MS, options.timeLimitMs)),
      });
    }
    if (solution.status === 'infeasible' || solution.status === 'error' || solution.status === 'time-limit') {
      return {
        ...solution,
        values: [],
        objective: 0,
        ms: performance.now() - started,
        parts: parts.length,
        byTable,
      };
    }
    if (solution.status === 'feasible') status = 'feasible';
    gap = Math.max(gap, solution.gap);
    part.columns.forEach((j, x) => {
      values[j] = solution.values[x] ?? 0;
    });
    objective += solution.objective;
  }
  return { status, values, objective, gap, ms: performance.now() - started, parts: parts.length, byTable };
}

async function solveWhole(model: MipModel, solver: SolverPort, options: SolveOptions, started: number) {
  const solution = await solver.solve(model, options);
  return { ...solution, ms: performance.now() - started, parts: 1, byTable: 0 };
}
