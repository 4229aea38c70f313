/**
 * A small exact linear-program solver: two-phase simplex over BigInt
 * rationals with Bland's rule (so it cannot cycle). The allocation models it
 * solves have a few dozen variables at most, so exactness matters far more
 * than speed; the engine only calls it when its fast paths cannot prove the
 * answer directly.
 */

export interface Rational {
  n: bigint;
  d: bigint; // > 0
}

const ZERO: Rational = { n: 0n, d: 1n };
const ONE: Rational = { n: 1n, d: 1n };

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  let nn = BigInt(n);
  let dd = BigInt(d);
  if (dd < 0n) {
    nn = -nn;
    dd = -dd;
  }
  if (nn === 0n) return ZERO;
  const g = gcd(nn, dd);
  return g === 1n ? { n: nn, d: dd } : { n: nn / g, d: dd / g };
}

const add = (a: Rational, b: Rational) =>
  a.d === b.d ? rat(a.n + b.n, a.d) : rat(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Rational, b: Rational) =>
  a.d === b.d ? rat(a.n - b.n, a.d) : rat(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Rational, b: Rational) => (a.n === 0n || b.n === 0n ? ZERO : rat(a.n * b.n, a.d * b.d));
const div = (a: Rational, b: Rational) => rat(a.n * b.d, a.d * b.n);
const sign = (a: Rational) => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
const cmp = (a: Rational, b: Rational) => sign(sub(a, b));

export function ratFloor(a: Rational): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}
export function ratCeil(a: Rational): bigint {
  return -ratFloor(rat(-a.n, a.d));
}

export type Sense = '<=' | '>=' | '=';

export interface LinearConstraint {
  /** sparse coefficients: variable index → integer coefficient */
  coefficients: ReadonlyMap<number, number>;
  sense: Sense;
  rhs: number;
}

export interface LinearProgram {
  variables: number;
  constraints: readonly LinearConstraint[];
  /** maximise Σ objective[i]·x[i]; every x ≥ 0 */
  objective: ReadonlyMap<number, number>;
}

export type LpResult =
  | { status: 'optimal'; value: Rational; x: Rational[] }
  | { status: 'infeasible' }
  | { status: 'unbounded' };

/**
 * Maximises the objective subject to the constraints and x ≥ 0.
 * Rows are normalised to a non-negative right-hand side; ≤ rows get a slack,
 * ≥ rows a surplus and an artificial, = rows an artificial.
 */
export function solveLp(lp: LinearProgram): LpResult {
  const m = lp.constraints.length;
  const n = lp.variables;
  let slackCount = 0;
  let artificialCount = 0;
  const rows = lp.constraints.map((c) => {
    const flip = c.rhs < 0;
    let sense = c.sense;
    if (flip) sense = sense === '<=' ? '>=' : sense === '>=' ? '<=' : '=';
    if (sense !== '=') slackCount++;
    if (sense !== '<=') artificialCount++;
    return { c, flip, sense };
  });
  const width = n + slackCount + artificialCount;
  const tableau: Rational[][] = [];
  const basis: number[] = [];
  const artificialStart = n + slackCount;
  let slackAt = n;
  let artAt = artificialStart;
  for (const { c, flip, sense } of rows) {
    const row: Rational[] = new Array(width + 1).fill(ZERO);
    const f = flip ? -1 : 1;
    for (const [j, v] of c.coefficients) row[j] = rat(v * f);
    row[width] = rat(c.rhs * f);
    if (sense === '<=') {
      row[slackAt] = ONE;
      basis.push(slackAt++);
    } else if (sense === '>=') {
      row[slackAt++] = rat(-1);
      row[artAt] = ONE;
      basis.push(artAt++);
    } else {
      row[artAt] = ONE;
      basis.push(artAt++);
    }
    tableau.push(row);
  }

  // Phase 1: minimise the sum of artificials (maximise its negative).
  if (artificialCount > 0) {
    const phase1: Rational[] = new Array(width + 1).fill(ZERO);
    for (let j = artificialStart; j < width; j++) phase1[j] = rat(-1);
    const status = runSimplex(tableau, basis, phase1, width, () => true);
    if (status === 'unbounded') return { status: 'infeasible' };
    const value = objectiveValue(tableau, basis, phase1, width);
    if (sign(value) !== 0) return { status: 'infeasible' };
    // Drive artificials out of the basis where possible.
    for (let i = 0; i < m; i++) {
      if (basis[i]! >= artificialStart) {
        const row = tableau[i]!;
        const j = row.findIndex((v, k) => k < artificialStart && sign(v) !== 0);
        if (j >= 0) pivot(tableau, basis, i, j, width);
      }
    }
  }

  const phase2: Rational[] = new Array(width + 1).fill(ZERO);
  for (const [j, v] of lp.objective) phase2[j] = rat(v);
  const status = runSimplex(tableau, basis, phase2, width, (j) => j < artificialStart);
  if (status === 'unbounded') return { status: 'unbounded' };
  const x: Rational[] = new Array(n).fill(ZERO);
  basis.forEach((b, i) => {
    if (b < n) x[b] = tableau[i]![width]!;
  });
  return { status: 'optimal', value: objectiveValue(tableau, basis, phase2, width), x };
}

function objectiveValue(
  tableau: Rational[][],
  basis: number[],
  objective: Rational[],
  width: number,
): Rational {
  let v = ZERO;
  basis.forEach((b, i) => {
    v = add(v, mul(objective[b]!, tableau[i]![width]!));
  });
  return v;
}

function runSimplex(
  tableau: Rational[][],
  basis: number[],
  objective: Rational[],
  width: number,
  allowed: (j: number) => boolean,
): 'optimal' | 'unbounded' {
  for (let guard = 0; guard < 10_000; guard++) {
    // Reduced cost of column j: c_j − Σ c_B(i)·a_ij. Enter the lowest index with positive reduced cost (Bland).
    let entering = -1;
    for (let j = 0; j < width; j++) {
      if (!allowed(j) || basis.includes(j)) continue;
      let reduced = objective[j]!;
      for (let i = 0; i < tableau.length; i++) {
        const a = tableau[i]![j]!;
        if (a.n !== 0n) reduced = sub(reduced, mul(objective[basis[i]!]!, a));
      }
      if (sign(reduced) > 0) {
        entering = j;
        break;
      }
    }
    if (entering < 0) return 'optimal';
    let leaving = -1;
    let best: Rational | undefined;
    for (let i = 0; i < tableau.length; i++) {
      const a = tableau[i]![entering]!;
      if (sign(a) <= 0) continue;
      const ratio = div(tableau[i]![width]!, a);
      const c = best === undefined ? -1 : cmp(ratio, best);
      if (c < 0 || (c === 0 && basis[i]! < basis[leaving]!)) {
        best = ratio;
        leaving = i;
      }
    }
    if (leaving < 0) return 'unbounded';
    pivot(tableau, basis, leaving, entering, width);
  }
  throw new Error('simplex did not converge');
}

function pivot(tableau: Rational[][], basis: number[], r: number, c: number, width: number): void {
  const pivotRow = tableau[r]!;
  const p = pivotRow[c]!;
  for (let j = 0; j <= width; j++) pivotRow[j] = div(pivotRow[j]!, p);
  for (let i = 0; i < tableau.length; i++) {
    if (i === r) continue;
    const row = tableau[i]!;
    const f = row[c]!;
    if (f.n === 0n) continue;
    for (let j = 0; j <= width; j++) {
      const a = pivotRow[j]!;
      if (a.n !== 0n) row[j] = sub(row[j]!, mul(f, a));
    }
  }
  basis[r] = c;
}
