/**
 * An exact search for covering models too large for the table in covering.ts
 * (the same shape: binary columns, covering rows, "at most / exactly one"
 * groups). Columns are decided one group at a time in the model's order (the
 * planner's: by the day the earliest cycle they count toward closes), and
 * after each decision every distinct progress of the blocks of rows still
 * open is kept once, at its least cost: two partial plans with the same
 * progress have the same completions, so keeping the cheaper loses nothing.
 * A state is dropped only when its cost plus a proven lower bound on the rest
 * cannot beat the best plan known.
 *
 * The bound is a Lagrangian decomposition: each column's cost is split into
 * shares among the blocks of rows it counts toward (the model's row groups:
 * the rows of one cycle), and each block alone is solved exactly for what is
 * left of it, by a table over its rows' progress. Any split gives a valid
 * bound, since a plan's cost is the sum of its shares; subgradient steps tune
 * the split. Narrow passes that keep only the most promising states find a
 * plan to beat; the exact pass then keeps every state that could beat it.
 * When that is too many, a much wider pass looks for a better plan to beat
 * and the exact pass runs once more. A model whose states still grow past
 * the limits is left to the MIP solver (undefined), as is one whose costs
 * are not whole numbers. No clock is read: the same model always gets the
 * same answer.
 */
import { type CoveringShape, readCovering } from './covering.ts';
import type { MipModel, MipSolution } from './solver.ts';

/**
 * How far the search goes: the most states one decision, and all decisions of a pass together, may
 * leave before it gives up, and the states kept per decision by the passes that only look for a good
 * plan (narrow, beam, and widest, the last run only when the exact pass gave up on the plan to beat).
 * `costScale`: the most the costs may add up to for the search to try the model at all (it is exact
 * up to MAX_COST_SCALE whatever this says).
 */
export interface SweepLimits {
  layerStates: number;
  totalStates: number;
  narrow: number;
  beam: number;
  widest: number;
  costScale: number;
}

export const SWEEP_LIMITS: SweepLimits = {
  layerStates: 100_000,
  totalStates: 2_000_000,
  narrow: 32,
  beam: 128,
  widest: 1024,
  // Past 2^38 (2.7·10^11): the heavy benchmark's model (1.06·10^12), whose eight linked credentials
  // make the exact pass give up after 9.6–13.5 s, time the MIP solver is then short of. The typical
  // models' costs add up to about 6·10^9.
  costScale: 2 ** 38,
};
/** A block of rows whose progress takes more states than this is split into its rows. */
const MAX_BLOCK_STATES = 10_000;
/**
 * The most the costs may add up to: every sum the exact pass forms (costs and shares on a binary grid)
 * must stay a whole number of grid steps below 2^53 (see onGrid).
 */
const MAX_COST_SCALE = 2 ** 48;
/** Subgradient steps on single rows (cheap), then on the blocks. */
const ROW_STEPS = 60;
const BLOCK_STEPS = 25;

interface Decision {
  columns: number[];
  exactlyOne: boolean;
}

/** Rows decided together by the bound, with everything the search reads about them. */
interface Block {
  rows: number[];
  /** How many states: the product of the rows' levels of progress (see levelsOf). */
  size: number;
  /** Columns that count toward the block, and for each the state it leads to from every state. */
  items: number[];
  next: Int32Array[];
  /** Per item, its share of the column's cost. */
  share: Float64Array;
  /** Items grouped by decision, in decision order; the decision layers that touch the block. */
  groups: number[][];
  layers: number[];
  /** table[i·size + x]: least sum of shares from layer layers[i] on taking state x to full. */
  table: Float64Array;
}

export interface SweepStats {
  states: number;
  bound: number;
  plan: number;
  /** Whether the exact pass gave up once and ran again after the widest pass. */
  retried: boolean;
}

export function solveBySweep(
  model: MipModel,
  stats?: SweepStats,
  limits: SweepLimits = SWEEP_LIMITS,
): MipSolution | undefined {
  const started = performance.now();
  const shape = readCovering(model);
  if (shape === undefined) return undefined;
  if (shape === 'infeasible') return infeasible(started);
  let scale = 0;
  for (let j = 0; j < model.cost.length; j++) {
    if (!Number.isInteger(model.cost[j])) return undefined;
    scale += Math.abs(model.cost[j]!);
  }
  // Whole-number costs: a plan beats another by at least 1. The bound is summed exactly (shares on a
  // binary grid, see onGrid), which needs room below 2^53 for the costs and the shares together.
  if (!(scale <= Math.min(MAX_COST_SCALE, limits.costScale))) return undefined;
  return search(model, shape, started, limits, stats);
}

function infeasible(started: number): MipSolution {
  return { status: 'infeasible', values: [], objective: 0, gap: 1, ms: performance.now() - started };
}

function search(
  model: MipModel,
  shape: CoveringShape,
  started: number,
  limits: SweepLimits,
  stats?: SweepStats,
): MipSolution | undefined {
  const n = model.cost.length;
  const { fixedValue, forcedZero, covering } = shape;
  const need = Int32Array.from(covering, (r) => r.need);
  const rowsOf: { row: number; coef: number }[][] = Array.from({ length: n }, () => []);
  covering.forEach((row, r) => {
    for (const [j, coef] of row.terms) rowsOf[j]!.push({ row: r, coef });
  });

  const values = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) if (fixedValue[j] !== undefined) values[j] = fixedValue[j]!;
  // Groups that touch no covering row are settled alone: none of them, or the cheapest of an "exactly one".
  const decisions: Decision[] = [];
  for (const g of shape.groups) {
    const columns = g.columns.filter((j) => !forcedZero.has(j));
    if (g.exactlyOne && columns.length === 0) return infeasible(started);
    if (columns.some((j) => rowsOf[j]!.length > 0)) {
      decisions.push({ columns, exactlyOne: g.exactlyOne });
      continue;
    }
    if (!g.exactlyOne) continue;
    let best = columns[0]!;
    for (const j of columns) if (model.cost[j]! < model.cost[best]!) best = j;
    values[best] = 1;
  }
  // In the model's order (a group at its earliest column), else by the first row a group touches.
  const order = model.order?.length === n ? model.order : undefined;
  const keyOf = (d: Decision) => {
    let key = Number.POSITIVE_INFINITY;
    for (const j of d.columns) {
      const k = order ? order[j]! : Math.min(...rowsOf[j]!.map((t) => t.row));
      if (k < key) key = k;
    }
    return key;
  };
  const sorted = decisions
    .map((d) => ({ d, key: keyOf(d), first: d.columns[0]! }))
    .sort((x, y) => x.key - y.key || x.first - y.first)
    .map((x) => x.d);
  const layerOf = new Int32Array(n).fill(-1);
  sorted.forEach((d, k) => {
    for (const j of d.columns) layerOf[j] = k;
  });

  const rowBlocks = blocksOf(model, covering, need, rowsOf, layerOf, true);
  const blocks = blocksOf(model, covering, need, rowsOf, layerOf, false);
  const placements = placementsOf(blocks, n);
  const run = (width: number, bestKnown: number) =>
    sweep(sorted, placements, blocks, model.cost, width, bestKnown, limits);

  // A first plan from a narrow pass on the even split; the split tuned toward it, on single rows
  // (cheap), then carried to the blocks and tuned there; a wider pass for a better plan.
  fillTables(blocks);
  let best = run(limits.narrow, Number.POSITIVE_INFINITY);
  let bestKnown = typeof best === 'object' ? best.cost : Number.POSITIVE_INFINITY;
  let bound = Number.NaN;
  if (bestKnown < Number.POSITIVE_INFINITY) {
    tune(rowBlocks, n, model.cost, bestKnown, ROW_STEPS);
    carrySplit(rowBlocks, blocks, n, model.cost);
    tune(blocks, n, model.cost, bestKnown, BLOCK_STEPS);
    // The exact pass prunes on these tables: a split that cannot be put on a grid exactly is declined.
    const shares = blocks.map((b) => b.share);
    if (onGrid(shares, itemsByColumn(blocks, n), model.cost) === undefined) return undefined;
    fillTables(blocks);
    bound = blocks.reduce((sum, b) => sum + b.table[0]!, 0);
    const wider = run(limits.beam, Number.POSITIVE_INFINITY);
    if (typeof wider === 'object' && wider.cost < bestKnown) {
      best = wider;
      bestKnown = wider.cost;
    }
  }
  let exact = run(Number.POSITIVE_INFINITY, bestKnown);
  const retried = exact === 'too-large' && bestKnown < Number.POSITIVE_INFINITY;
  if (retried) {
    // Too many states could still beat the plan known: a much wider pass for a better plan to beat
    // (the states kept grow as the plan to beat falls further above the optimum), then once more.
    const widest = run(limits.widest, bestKnown);
    if (typeof widest === 'object') {
      best = widest;
      bestKnown = widest.cost;
    }
    exact = run(Number.POSITIVE_INFINITY, bestKnown);
  }
  if (stats) stats.retried = retried;
  if (exact === 'too-large') return undefined;
  if (typeof exact === 'object') best = exact;
  if (typeof best !== 'object') return infeasible(started);
  if (stats) {
    stats.states = typeof exact === 'object' ? exact.states : 0;
    stats.bound = bound;
    stats.plan = best.cost;
  }
  for (const j of best.chosen) values[j] = 1;
  // A plan that broke a row would be a bug in this search: leave the model to the MIP solver then.
  if (!meetsRows(model, values)) return undefined;
  const objective = values.reduce((sum, v, j) => sum + v * model.cost[j]!, 0);
  return { status: 'optimal', values, objective, gap: 0, ms: performance.now() - started };
}

function meetsRows(model: MipModel, values: number[]): boolean {
  for (let j = 0; j < values.length; j++) {
    if (values[j]! < model.lower[j]! || values[j]! > model.upper[j]!) return false;
  }
  for (let i = 0; i < model.rowLower.length; i++) {
    let sum = 0;
    for (let k = model.rowStart[i]!; k < model.rowStart[i + 1]!; k++) {
      sum += model.value[k]! * values[model.column[k]!]!;
    }
    if (sum < model.rowLower[i]! - 1e-9 || sum > model.rowUpper[i]! + 1e-9) return false;
  }
  return true;
}

/**
 * The progress a covering row can reach, in order: 0, the need, and every sum of its columns'
 * coefficients below the need (a superset: a column may count more than once here). A block's state
 * counts levels rather than every number up to the need: an AFAA cycle's total and 2-unit minimum
 * (coefficients of 7 units and up) take about a third fewer states. `index` maps a progress to its
 * level (-1 where it cannot be reached).
 */
function levelsOf(
  terms: [number, number][],
  need: number,
  layerOf: Int32Array,
): { values: Int32Array; index: Int32Array } {
  const gains = [...new Set(terms.filter(([j]) => layerOf[j]! >= 0).map(([, coef]) => coef))];
  const reach = new Uint8Array(need + 1);
  reach[0] = 1;
  reach[need] = 1;
  for (let d = 0; d < need; d++) {
    if (!reach[d]) continue;
    for (const g of gains) reach[Math.min(need, d + g)] = 1;
  }
  const index = new Int32Array(need + 1).fill(-1);
  const values: number[] = [];
  for (let d = 0; d <= need; d++) {
    if (!reach[d]) continue;
    index[d] = values.length;
    values.push(d);
  }
  return { values: Int32Array.from(values), index };
}

/** A block's reachable progress: `size` states, and per distinct column (its gains joined by commas) where each leads. */
interface JointStates {
  size: number;
  next: Map<string, Int32Array>;
}

/**
 * The progress a block's rows can reach together from nothing, by any columns of the block (a
 * superset: a column may count more than once here), numbered by the sum of their levels, so that a
 * column only ever moves a state to a later one, nothing is state 0 and full the last. The rows a
 * cap becomes (see capCover in model.ts) move together: NSCA's five rows reach 6,078 states of a
 * product of 968,000. Undefined past MAX_BLOCK_STATES.
 */
function jointStates(
  levels: { values: Int32Array; index: Int32Array }[],
  needs: number[],
  gains: number[][],
): JointStates | undefined {
  const R = levels.length;
  const distinct = [...new Map(gains.map((g) => [g.join(','), g])).values()];
  const G = distinct.length;
  const strides = new Array<number>(R);
  let product = 1;
  for (let x = R - 1; x >= 0; x--) {
    strides[x] = product;
    product *= levels[x]!.values.length;
  }
  if (product > 2 ** 52) return undefined;
  // States by their place in the product: a dense index where it is small enough, else a map.
  const dense = product <= 2 ** 22 ? new Int32Array(product).fill(-1) : undefined;
  const sparse = new Map<number, number>();
  let size = 0;
  let vectors = new Int32Array(1024 * R);
  let targets = new Int32Array(1024 * G);
  const add = (key: number, vector: ArrayLike<number>) => {
    const known = dense ? dense[key]! : (sparse.get(key) ?? -1);
    if (known >= 0) return known;
    const id = size++;
    if (dense) dense[key] = id;
    else sparse.set(key, id);
    if (size * R > vectors.length) {
      vectors = grownInts(vectors, vectors.length * 2);
      targets = grownInts(targets, targets.length * 2);
    }
    for (let x = 0; x < R; x++) vectors[id * R + x] = vector[x]!;
    return id;
  };
  add(0, new Array<number>(R).fill(0));
  // Full is always a state (the last), reachable or not.
  const full = levels.map((l) => l.values.length - 1);
  add(
    full.reduce((key, level, x) => key + level * strides[x]!, 0),
    full,
  );
  // Per row and distinct column, the level each level moves to.
  const moves = distinct.map((gain) =>
    levels.map(({ values, index }, x) =>
      Int32Array.from(values, (v) => (gain[x] === 0 ? index[v]! : index[Math.min(needs[x]!, v + gain[x]!)]!)),
    ),
  );
  const moved = new Int32Array(R);
  for (let s = 0; s < size; s++) {
    for (let g = 0; g < G; g++) {
      const move = moves[g]!;
      let key = 0;
      for (let x = 0; x < R; x++) {
        const level = move[x]![vectors[s * R + x]!]!;
        moved[x] = level;
        key += level * strides[x]!;
      }
      targets[s * G + g] = add(key, moved);
      if (size > MAX_BLOCK_STATES) return undefined;
    }
  }
  const sums = new Float64Array(size);
  for (let s = 0; s < size; s++) for (let x = 0; x < R; x++) sums[s]! += vectors[s * R + x]!;
  const order = Array.from({ length: size }, (_, s) => s).sort((a, b) => sums[a]! - sums[b]! || a - b);
  const rank = new Int32Array(size);
  order.forEach((s, r) => {
    rank[s] = r;
  });
  const next = new Map<string, Int32Array>();
  distinct.forEach((gain, g) => {
    const t = new Int32Array(size);
    for (let s = 0; s < size; s++) t[rank[s]!] = rank[targets[s * G + g]!]!;
    next.set(gain.join(','), t);
  });
  return { size, next };
}

/**
 * The blocks of the bound: single rows, or the model's row groups (split into rows when a group's
 * progress would take too many states). Each column's cost starts split evenly among its blocks.
 */
function blocksOf(
  model: MipModel,
  covering: CoveringShape['covering'],
  need: Int32Array,
  rowsOf: { row: number; coef: number }[][],
  layerOf: Int32Array,
  single: boolean,
): Block[] {
  const groups = model.rowGroup?.length === model.rowLower.length ? model.rowGroup : undefined;
  const byGroup = new Map<number, number[]>();
  const lists: number[][] = [];
  covering.forEach((c, r) => {
    const g = single || !groups ? -1 : groups[c.row]!;
    if (g < 0) {
      lists.push([r]);
      return;
    }
    const list = byGroup.get(g);
    if (list) list.push(r);
    else {
      const fresh = [r];
      byGroup.set(g, fresh);
      lists.push(fresh);
    }
  });
  const levels = covering.map((_, r) => levelsOf(covering[r]!.terms, need[r]!, layerOf));
  // Per row of a block, each column's coefficient (0 where it has none).
  const gainsOf = (rows: number[], j: number) => {
    const gains = new Array<number>(rows.length).fill(0);
    for (const { row, coef } of rowsOf[j]!) {
      const x = rows.indexOf(row);
      if (x >= 0) gains[x] = coef;
    }
    return gains;
  };
  const columnsOf = (rows: number[]) => {
    const items: number[] = [];
    const seen = new Set<number>();
    for (const r of rows) {
      for (const [j] of covering[r]!.terms) {
        // Columns a "≤ 0" row holds at 0 are in no decision.
        if (seen.has(j) || layerOf[j]! < 0) continue;
        seen.add(j);
        items.push(j);
      }
    }
    return items;
  };
  const rowLists: { rows: number[]; joint?: JointStates }[] = [];
  for (const rows of lists) {
    const size = rows.reduce((p, r) => p * levels[r]!.values.length, 1);
    if (size <= MAX_BLOCK_STATES) {
      rowLists.push({ rows });
      continue;
    }
    // Rows whose progress moves together (the rows a cap becomes) reach far fewer states than the product.
    const joint =
      rows.length > 1
        ? jointStates(
            rows.map((r) => levels[r]!),
            rows.map((r) => need[r]!),
            columnsOf(rows).map((j) => gainsOf(rows, j)),
          )
        : undefined;
    if (joint) rowLists.push({ rows, joint });
    else for (const r of rows) rowLists.push({ rows: [r] });
  }
  const blockCount = new Int32Array(rowsOf.length);
  const built = rowLists.map(({ rows, joint }) => {
    const items = columnsOf(rows);
    items.sort((a, b) => layerOf[a]! - layerOf[b]! || a - b);
    const next: Int32Array[] = [];
    // Columns worth the same toward every row of the block share one transition table.
    const byGains = new Map<string, Int32Array>(joint?.next);
    let size = joint?.size ?? 1;
    let transition = (_gains: number[]): Int32Array => new Int32Array(0);
    if (!joint) {
      // Place value of each row's level in the block's state (the last row's changes fastest).
      const strides = new Array<number>(rows.length);
      for (let x = rows.length - 1; x >= 0; x--) {
        strides[x] = size;
        size *= levels[rows[x]!]!.values.length;
      }
      // Per row of the block, each state's level of progress in it.
      const digits = rows.map((r, x) => {
        const d = new Int32Array(size);
        const stride = strides[x]!;
        const radix = levels[r]!.values.length;
        for (let s = 0; s < size; s++) d[s] = Math.floor(s / stride) % radix;
        return d;
      });
      transition = (gains) => {
        const t = new Int32Array(size);
        for (let s = 0; s < size; s++) t[s] = s;
        for (let x = 0; x < rows.length; x++) {
          const gain = gains[x]!;
          if (gain === 0) continue;
          // How far the state moves from each level of this row.
          const full = need[rows[x]!]!;
          const { values, index } = levels[rows[x]!]!;
          const move = new Int32Array(values.length);
          for (let d = 0; d < values.length; d++) {
            move[d] = (index[Math.min(full, values[d]! + gain)]! - d) * strides[x]!;
          }
          const digit = digits[x]!;
          for (let s = 0; s < size; s++) t[s]! += move[digit[s]!]!;
        }
        return t;
      };
    }
    for (const j of items) {
      blockCount[j]!++;
      const gains = gainsOf(rows, j);
      const key = gains.join(',');
      const known = byGains.get(key);
      if (known) {
        next.push(known);
        continue;
      }
      const t = transition(gains);
      byGains.set(key, t);
      next.push(t);
    }
    const groupsOf: number[][] = [];
    const layers: number[] = [];
    items.forEach((j, item) => {
      const k = layerOf[j]!;
      if (layers[layers.length - 1] !== k) {
        layers.push(k);
        groupsOf.push([]);
      }
      groupsOf[groupsOf.length - 1]!.push(item);
    });
    return {
      rows,
      size,
      items,
      next,
      share: new Float64Array(items.length),
      groups: groupsOf,
      layers,
      table: new Float64Array(0),
    } satisfies Block;
  });
  for (const b of built) {
    b.items.forEach((j, item) => {
      b.share[item] = model.cost[j]! / blockCount[j]!;
    });
  }
  return built;
}

/** Per block, the least sum of shares taking each state to full from each of its layers on. */
function fillTables(blocks: Block[]): void {
  for (const b of blocks) {
    const L = b.layers.length;
    const size = b.size;
    const t = new Float64Array((L + 1) * size).fill(Number.POSITIVE_INFINITY);
    t[L * size + size - 1] = 0;
    for (let i = L - 1; i >= 0; i--) {
      const at = i * size;
      const after = at + size;
      t.copyWithin(at, after, after + size);
      // An "exactly one" group counts as "at most one" here: a relaxation, so still a lower bound.
      for (const item of b.groups[i]!) {
        const share = b.share[item]!;
        const step = b.next[item]!;
        for (let s = 0; s < size; s++) {
          const v = share + t[after + step[s]!]!;
          if (v < t[at + s]!) t[at + s] = v;
        }
      }
    }
    b.table = t;
  }
}

/** Buffers for solving one block alone, reused across subgradient steps. */
interface Scratch {
  /** The least sum of shares from each state to full, over the groups not yet passed (back to front). */
  rest: Float64Array;
  before: Float64Array;
  /** pick[g·size + s]: 1 + the item of group g taken from state s on the best way, 0 for none. */
  pick: Int32Array;
}

function scratchFor(b: Block): Scratch {
  return {
    rest: new Float64Array(b.size),
    before: new Float64Array(b.size),
    pick: new Int32Array(b.groups.length * b.size),
  };
}

/**
 * One block alone: the least sum of shares taking it from nothing to full, at most one item per
 * group; marks the items taken. The table runs from the last group back, in place: an item moves a
 * state only upward (progress never falls), so visiting states from the lowest reads every upper state
 * as it was before the item.
 */
function solveBlock(b: Block, taken: Uint8Array, scratch: Scratch): number {
  const size = b.size;
  const { rest, before, pick } = scratch;
  rest.fill(Number.POSITIVE_INFINITY);
  rest[size - 1] = 0;
  pick.fill(0);
  for (let g = b.groups.length - 1; g >= 0; g--) {
    const at = g * size;
    const group = b.groups[g]!;
    if (group.length === 1) {
      const item = group[0]!;
      const share = b.share[item]!;
      const step = b.next[item]!;
      for (let s = 0; s < size; s++) {
        const v = share + rest[step[s]!]!;
        if (v < rest[s]!) {
          rest[s] = v;
          pick[at + s] = item + 1;
        }
      }
      continue;
    }
    before.set(rest);
    for (const item of group) {
      const share = b.share[item]!;
      const step = b.next[item]!;
      for (let s = 0; s < size; s++) {
        const v = share + before[step[s]!]!;
        if (v < rest[s]!) {
          rest[s] = v;
          pick[at + s] = item + 1;
        }
      }
    }
  }
  taken.fill(0);
  let s = 0;
  for (let g = 0; g < b.groups.length; g++) {
    const item = pick[g * size + s]! - 1;
    if (item >= 0) {
      taken[item] = 1;
      s = b.next[item]![s]!;
    }
  }
  return rest[0]!;
}

/** Where each column's items are: per column, its (block, item) pairs. */
function itemsByColumn(blocks: Block[], n: number): { block: number; item: number }[][] {
  const where: { block: number; item: number }[][] = Array.from({ length: n }, () => []);
  blocks.forEach((b, bi) => {
    b.items.forEach((j, item) => {
      where[j]!.push({ block: bi, item });
    });
  });
  return where;
}

/** Carries a split on single rows to blocks made of those rows: a block's share of a column is the sum of its rows' shares. */
function carrySplit(from: Block[], blocks: Block[], n: number, cost: number[]): void {
  // Per row, each column's share (rows are blocks of one row in `from`).
  const rowShare = new Map<number, Float64Array>();
  for (const b of from) {
    const shares = new Float64Array(n);
    b.items.forEach((j, item) => {
      shares[j] = b.share[item]!;
    });
    rowShare.set(b.rows[0]!, shares);
  }
  for (const b of blocks) {
    b.items.forEach((j, item) => {
      let sum = 0;
      for (const r of b.rows) sum += rowShare.get(r)?.[j] ?? 0;
      b.share[item] = sum;
    });
  }
  normalise(blocks, itemsByColumn(blocks, n), cost);
}

/**
 * Subgradient steps on the split toward a target (the cost of a plan known): a column some blocks take
 * and others leave gets a larger share where taken, a smaller where left, its shares keeping their sum.
 * Keeps the split with the best bound.
 */
function tune(blocks: Block[], n: number, cost: number[], target: number, steps: number): void {
  const where = itemsByColumn(blocks, n);
  // The columns in more than one block, each with its (block, item) pairs in flat lists.
  const starts: number[] = [0];
  const blockList: number[] = [];
  const itemList: number[] = [];
  for (let j = 0; j < n; j++) {
    if (where[j]!.length < 2) continue;
    for (const { block, item } of where[j]!) {
      blockList.push(block);
      itemList.push(item);
    }
    starts.push(blockList.length);
  }
  const start = Int32Array.from(starts);
  const blockOf = Int32Array.from(blockList);
  const itemOf = Int32Array.from(itemList);
  const taken = blocks.map((b) => new Uint8Array(b.items.length));
  const shares = blocks.map((b) => b.share);
  const scratch = blocks.map(scratchFor);
  const best = blocks.map((b) => Float64Array.from(b.share));
  let bestBound = Number.NEGATIVE_INFINITY;
  let size = 1;
  let sinceBetter = 0;
  for (let step = 0; step < steps; step++) {
    let bound = 0;
    for (let bi = 0; bi < blocks.length; bi++) bound += solveBlock(blocks[bi]!, taken[bi]!, scratch[bi]!);
    if (bound > bestBound) {
      bestBound = bound;
      sinceBetter = 0;
      for (let bi = 0; bi < blocks.length; bi++) best[bi]!.set(shares[bi]!);
    } else if (++sinceBetter >= 4) {
      size /= 2;
      sinceBetter = 0;
    }
    if (!(bound < target - 0.5)) break;
    let norm = 0;
    for (let c = 0; c + 1 < start.length; c++) {
      let mean = 0;
      for (let x = start[c]!; x < start[c + 1]!; x++) mean += taken[blockOf[x]!]![itemOf[x]!]!;
      mean /= start[c + 1]! - start[c]!;
      for (let x = start[c]!; x < start[c + 1]!; x++) norm += (taken[blockOf[x]!]![itemOf[x]!]! - mean) ** 2;
    }
    if (norm === 0) break;
    const move = (size * (target - bound)) / norm;
    for (let c = 0; c + 1 < start.length; c++) {
      let mean = 0;
      for (let x = start[c]!; x < start[c + 1]!; x++) mean += taken[blockOf[x]!]![itemOf[x]!]!;
      mean /= start[c + 1]! - start[c]!;
      for (let x = start[c]!; x < start[c + 1]!; x++) {
        shares[blockOf[x]!]![itemOf[x]!]! += move * (taken[blockOf[x]!]![itemOf[x]!]! - mean);
      }
    }
  }
  for (let bi = 0; bi < blocks.length; bi++) shares[bi]!.set(best[bi]!);
  normalise(blocks, where, cost);
}

/**
 * Puts the split on a binary grid: every share a whole multiple of 2^-q, each column's shares adding up
 * to its cost exactly (the last absorbs the rounding), with q as fine as leaves every sum of costs and
 * shares below 2^(53-q) in size. A double holds every multiple of 2^-q up to that size, so every sum
 * the exact pass forms (a state's cost, its bound, the tables) is exact, whatever the costs' scale, and
 * the pruning needs no margin for rounding. Returns q, or undefined when the shares are too large for
 * any grid (q < 0). `shares[block][item]`, and per column its (block, item) pairs.
 */
export function onGrid(
  shares: Float64Array[],
  where: { block: number; item: number }[][],
  cost: readonly number[],
): number | undefined {
  let total = 0;
  let items = 0;
  for (const c of cost) total += Math.abs(c);
  for (const list of shares) {
    for (const share of list) total += Math.abs(share);
    items += list.length;
  }
  // After rounding, shares move by less than one step each (at most 1 with q ≥ 0), the last of each
  // column by less than its column's count of steps: every sum stays below 2·total + items.
  const size = 2 * total + items + 1;
  if (!(size <= 2 ** 52)) return undefined;
  const q = Math.floor(53 - Math.log2(size)) - 1;
  const step = 2 ** q;
  for (let j = 0; j < where.length; j++) {
    const w = where[j]!;
    if (w.length === 0) continue;
    let sum = 0;
    for (let x = 0; x < w.length - 1; x++) {
      const list = shares[w[x]!.block]!;
      const item = w[x]!.item;
      list[item] = Math.round(list[item]! * step) / step;
      sum += list[item]!;
    }
    const last = w[w.length - 1]!;
    shares[last.block]![last.item] = cost[j]! - sum;
  }
  return q;
}

/** Makes each column's shares add up to its cost exactly as doubles allow (the last absorbs rounding). */
function normalise(blocks: Block[], where: { block: number; item: number }[][], cost: number[]): void {
  where.forEach((w, j) => {
    if (w.length === 0) return;
    let sum = 0;
    for (let x = 0; x < w.length - 1; x++) sum += blocks[w[x]!.block]!.share[w[x]!.item]!;
    const last = w[w.length - 1]!;
    blocks[last.block]!.share[last.item] = cost[j]! - sum;
  });
}

interface SweepResult {
  cost: number;
  chosen: number[];
  states: number;
}

/**
 * The states one decision leaves: per state its blocks' states (B numbers), its cost, the bound on the
 * rest, and the state before the decision with the column taken (-1: none).
 */
class Layer {
  states = new Int32Array(0);
  costs = new Float64Array(0);
  bounds = new Float64Array(0);
  parent = new Int32Array(0);
  choice = new Int32Array(0);
  count = 0;

  constructor(readonly B: number) {}

  /** Room for `capacity` states; the parents and choices are new (each decision keeps its own). */
  reset(capacity: number): void {
    if (this.costs.length < capacity) {
      this.states = new Int32Array(capacity * this.B);
      this.costs = new Float64Array(capacity);
      this.bounds = new Float64Array(capacity);
    }
    this.parent = new Int32Array(capacity);
    this.choice = new Int32Array(capacity);
    this.count = 0;
  }

  grow(): void {
    const capacity = this.parent.length * 2;
    if (this.costs.length < capacity) {
      this.states = grownInts(this.states, capacity * this.B);
      this.costs = grownFloats(this.costs, capacity);
      this.bounds = grownFloats(this.bounds, capacity);
    }
    this.parent = grownInts(this.parent, capacity);
    this.choice = grownInts(this.choice, capacity);
  }
}

/** What one decision reads: the blocks it touches and where in their tables, the open blocks' place values. */
interface Step {
  alternatives: Int32Array;
  touched: Int32Array;
  before: Int32Array;
  after: Int32Array;
  open: Int32Array;
  place: Float64Array;
  numeric: boolean;
}

/**
 * Decides the groups in order, keeping each distinct progress of the open blocks once at its least
 * cost (ties: the first reached). A state is the progress of every block (its index in the block's
 * table), which holds the progress of each of its rows: blocks not yet reached are at 0, and blocks
 * passed must be full (else the bound is infinite), so only the open blocks tell states apart. With a
 * finite width, keeps only that many states per decision, those of least cost plus bound (a pass that
 * looks for a good plan); otherwise drops only states that cannot beat bestKnown. Returns the cheapest
 * plan found below bestKnown, undefined when there is none, or 'too-large' past the limits.
 */
function sweep(
  decisions: Decision[],
  placements: Placements,
  blocks: Block[],
  cost: number[],
  // Plain arguments rather than an options object: the widths and plans to beat are sometimes
  // infinite, sometimes whole, and an object holding both shapes makes the engine drop its compiled code.
  width: number,
  bestKnown: number,
  limits: SweepLimits,
): SweepResult | undefined | 'too-large' {
  const K = decisions.length;
  const B = blocks.length;
  const blocksAt: number[][] = Array.from({ length: K }, () => []);
  const firstLayer = new Int32Array(B).fill(K);
  const lastLayer = new Int32Array(B).fill(-1);
  blocks.forEach((b, bi) => {
    for (const k of b.layers) blocksAt[k]!.push(bi);
    if (b.layers.length > 0) {
      firstLayer[bi] = b.layers[0]!;
      lastLayer[bi] = b.layers[b.layers.length - 1]!;
    }
  });
  // Per block, how many of its layers are decided, as the sweep advances.
  const seen = new Int32Array(B);
  // Sums here are exact (onGrid), and a better plan costs at most bestKnown − 1.
  const limit = bestKnown - 0.5;
  const tables = blocks.map((b) => b.table);
  const moves = blocks.map((b) => b.next);

  let layer = new Layer(B);
  let spare = new Layer(B);
  layer.reset(1);
  layer.count = 1;
  for (let bi = 0; bi < B; bi++) layer.bounds[0]! += tables[bi]![0]!;
  if (!(layer.bounds[0]! < Number.POSITIVE_INFINITY && layer.bounds[0]! <= limit)) return undefined;
  const parents: Int32Array[] = [];
  const choices: Int32Array[] = [];
  let total = 1;
  const scratch = { child: new Int32Array(B), byNumber: new StateIndex(), byText: new Map<string, number>() };

  for (let k = 0; k < K; k++) {
    const d = decisions[k]!;
    const touched = Int32Array.from(blocksAt[k]!);
    // Where each touched block's table is read before and after this decision.
    const before = new Int32Array(touched.length);
    const after = new Int32Array(touched.length);
    touched.forEach((bi, t) => {
      before[t] = seen[bi]! * blocks[bi]!.size;
      after[t] = before[t]! + blocks[bi]!.size;
    });
    // The open blocks after this decision: touched at or before it, touched again after it. A state's
    // key: its open blocks' states as the digits of one number (place values in `place`, 0 elsewhere).
    const openList: number[] = [];
    const place = new Float64Array(B);
    let radix = 1;
    for (let bi = B - 1; bi >= 0; bi--) {
      if (firstLayer[bi]! <= k && lastLayer[bi]! > k) {
        openList.push(bi);
        place[bi] = radix;
        radix *= blocks[bi]!.size;
      }
    }
    const step: Step = {
      alternatives: Int32Array.from(d.exactlyOne ? d.columns : [-1, ...d.columns]),
      touched,
      before,
      after,
      open: Int32Array.from(openList),
      place,
      numeric: radix < 2 ** 52,
    };
    spare.reset(Math.max(16, layer.count * 2));
    scratch.byText.clear();
    scratch.byNumber.clear(layer.count * step.alternatives.length);
    expand(layer, spare, step, placements, moves, tables, cost, limit, scratch);
    for (const bi of touched) seen[bi]!++;
    if (spare.count > width) keepMostPromising(spare, width);
    if (spare.count === 0) return undefined;
    total += spare.count;
    if (spare.count > limits.layerStates || total > limits.totalStates) return 'too-large';
    parents.push(spare.parent);
    choices.push(spare.choice);
    [layer, spare] = [spare, layer];
  }
  // Every block is full now (a state short of a need had an infinite bound), so every state is a plan.
  let bestState = 0;
  for (let p = 1; p < layer.count; p++) if (layer.costs[p]! < layer.costs[bestState]!) bestState = p;
  const chosen: number[] = [];
  let p = bestState;
  for (let k = K - 1; k >= 0; k--) {
    const j = choices[k]![p]!;
    if (j >= 0) chosen.push(j);
    p = parents[k]![p]!;
  }
  return { cost: layer.costs[bestState]!, chosen, states: total };
}

/**
 * Every state of `from` with every alternative of the decision, into `to`: children that could still
 * beat the limit, each distinct progress once at its least cost. The search spends most of its time
 * here; plain loops over typed arrays, in a function of its own so that the engine compiles it once
 * for every decision and pass (a command-line plan is one cold run).
 */
function expand(
  from: Layer,
  to: Layer,
  step: Step,
  placements: Placements,
  moves: Int32Array[][],
  tables: Float64Array[],
  cost: number[],
  limit: number,
  scratch: { child: Int32Array; byNumber: StateIndex; byText: Map<string, number> },
): void {
  const B = from.B;
  const { alternatives, touched, before, after, open, place, numeric } = step;
  const { child, byNumber, byText } = scratch;
  const T = touched.length;
  const states = from.states;
  for (let p = 0; p < from.count; p++) {
    const base = p * B;
    let old = 0;
    for (let t = 0; t < T; t++) {
      const bi = touched[t]!;
      old += tables[bi]![before[t]! + states[base + bi]!]!;
    }
    const rest = from.bounds[p]! - old;
    let parentKey = 0;
    for (let o = 0; o < open.length; o++) parentKey += states[base + open[o]!]! * place[open[o]!]!;
    for (let bi = 0; bi < B; bi++) child[bi] = states[base + bi]!;
    for (let a = 0; a < alternatives.length; a++) {
      const j = alternatives[a]!;
      // The child: the parent's state moved in the blocks the column counts toward (put back below).
      const at = j >= 0 ? placements.start[j]! : 0;
      const end = j >= 0 ? placements.start[j + 1]! : 0;
      let key = parentKey;
      for (let x = at; x < end; x++) {
        const bi = placements.block[x]!;
        const moved = moves[bi]![placements.item[x]!]![child[bi]!]!;
        key += (moved - child[bi]!) * place[bi]!;
        child[bi] = moved;
      }
      const c = j >= 0 ? from.costs[p]! + cost[j]! : from.costs[p]!;
      let bound = rest;
      for (let t = 0; t < T; t++) {
        const bi = touched[t]!;
        bound += tables[bi]![after[t]! + child[bi]!]!;
      }
      if (bound < Number.POSITIVE_INFINITY && c + bound <= limit) {
        const text = numeric ? '' : Array.from(open, (bi) => child[bi]).join(',');
        const existing = numeric ? byNumber.find(key) : byText.get(text);
        if (existing === undefined) {
          if (to.count === to.parent.length) to.grow();
          const x = to.count++;
          if (numeric) byNumber.add(key, x);
          else byText.set(text, x);
          to.states.set(child, x * B);
          to.costs[x] = c;
          to.bounds[x] = bound;
          to.parent[x] = p;
          to.choice[x] = j;
        } else if (c < to.costs[existing]!) {
          to.states.set(child, existing * B);
          to.costs[existing] = c;
          to.bounds[existing] = bound;
          to.parent[existing] = p;
          to.choice[existing] = j;
        }
      }
      for (let x = at; x < end; x++) {
        const bi = placements.block[x]!;
        child[bi] = states[base + bi]!;
      }
    }
  }
}

/** Keeps the `width` most promising states: least cost plus bound, ties in the order they were reached. */
function keepMostPromising(layer: Layer, width: number): void {
  const { B, count, states, costs, bounds, parent, choice } = layer;
  const priority = new Float64Array(count);
  for (let x = 0; x < count; x++) priority[x] = costs[x]! + bounds[x]!;
  const cut = Float64Array.from(priority).sort()[width - 1]!;
  let below = 0;
  for (let x = 0; x < count; x++) if (priority[x]! < cut) below++;
  let ties = width - below;
  let y = 0;
  for (let x = 0; x < count; x++) {
    if (priority[x]! > cut || (priority[x] === cut && ties-- <= 0)) continue;
    if (y !== x) {
      states.copyWithin(y * B, x * B, x * B + B);
      costs[y] = costs[x]!;
      bounds[y] = bounds[x]!;
      parent[y] = parent[x]!;
      choice[y] = choice[x]!;
    }
    y++;
  }
  layer.count = y;
}

function grownInts(a: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(a);
  return bigger;
}

function grownFloats(a: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(length);
  bigger.set(a);
  return bigger;
}

/**
 * States of one decision by key (a whole number below 2^52): open addressing in typed arrays, which
 * the search reaches millions of times, several times faster than a Map.
 */
class StateIndex {
  private keys = new Float64Array(0);
  private values = new Int32Array(0);
  private mask = 0;
  private size = 0;

  /** Empties the index, sized for up to `expected` keys. */
  clear(expected: number): void {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    if (capacity > this.keys.length) {
      this.keys = new Float64Array(capacity);
      this.values = new Int32Array(capacity);
    }
    this.mask = capacity - 1;
    this.values.fill(-1, 0, capacity);
    this.size = 0;
  }

  private slot(key: number): number {
    const low = key % 4294967296;
    const high = (key - low) / 4294967296;
    let h = Math.imul(low | 0, 0x9e3779b1) ^ Math.imul(high | 0, 0x85ebca77);
    h ^= h >>> 15;
    let at = h & this.mask;
    while (this.values[at]! >= 0 && this.keys[at] !== key) at = (at + 1) & this.mask;
    return at;
  }

  find(key: number): number | undefined {
    const v = this.values[this.slot(key)]!;
    return v >= 0 ? v : undefined;
  }

  add(key: number, value: number): void {
    if (++this.size * 2 > this.mask + 1) this.grow();
    const at = this.slot(key);
    this.keys[at] = key;
    this.values[at] = value;
  }

  private grow(): void {
    const { keys, values } = this;
    const used = this.mask + 1;
    this.keys = new Float64Array(used * 2);
    this.values = new Int32Array(used * 2).fill(-1);
    this.mask = used * 2 - 1;
    for (let x = 0; x < used; x++) {
      if (values[x]! < 0) continue;
      const at = this.slot(keys[x]!);
      this.keys[at] = keys[x]!;
      this.values[at] = values[x]!;
    }
  }
}

/** Per column, the blocks it counts toward and its item in each (flat lists, column j at start[j] … start[j+1]). */
interface Placements {
  start: Int32Array;
  block: Int32Array;
  item: Int32Array;
}

function placementsOf(blocks: Block[], n: number): Placements {
  const start = new Int32Array(n + 1);
  for (const b of blocks) for (const j of b.items) start[j + 1]!++;
  for (let j = 0; j < n; j++) start[j + 1]! += start[j]!;
  const fill = start.slice(0, n);
  const block = new Int32Array(start[n]!);
  const item = new Int32Array(start[n]!);
  blocks.forEach((b, bi) => {
    b.items.forEach((j, x) => {
      const at = fill[j]!++;
      block[at] = bi;
      item[at] = x;
    });
  });
  return { start, block, item };
}
