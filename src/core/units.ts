/**
 * Exact CE units. Inside the core a quantity of units is an integer count of
 * thousandths ("milli-units"), so 1.9 + 0.1 is exactly 2.0 and comparisons
 * never meet binary-float error. At the edges (files, API, CLI) units travel
 * as decimal strings such as "1.9".
 */

export type Milli = number;

export const MILLI_PER_UNIT = 1000;

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,3}))?$/;

export class UnitsFormatError extends Error {
  override readonly name = 'UnitsFormatError';
}

/**
 * Parses a decimal ("1.9", "0.15", 2, 1.9) into milli-units. A JavaScript
 * number is read through its shortest decimal form, which is what a YAML or
 * JSON author wrote. More than three decimals is an error, not a rounding.
 */
export function parseUnits(input: string | number): Milli {
  const text = typeof input === 'number' ? numberToPlainString(input) : input.trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new UnitsFormatError(`"${String(input)}" is not a decimal with at most 3 decimal places`);
  }
  const [, sign, whole, frac = ''] = match;
  const milli = Number(whole) * MILLI_PER_UNIT + Number(frac.padEnd(3, '0'));
  if (!Number.isSafeInteger(milli)) throw new UnitsFormatError(`"${String(input)}" is too large`);
  return sign === '-' ? -milli : milli;
}

/** Like parseUnits but returns undefined instead of throwing. */
export function tryParseUnits(input: string | number): Milli | undefined {
  try {
    return parseUnits(input);
  } catch {
    return undefined;
  }
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  // Exponent forms (1e-7, 1e21) are outside what units allow; let the regex reject them.
  return s;
}

/** Formats milli-units as a decimal string with at least one decimal: 2000 → "2.0", 150 → "0.15". */
export function formatUnits(milli: Milli): string {
  const negative = milli < 0;
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / MILLI_PER_UNIT);
  let frac = String(abs % MILLI_PER_UNIT).padStart(3, '0');
  while (frac.length > 1 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/**
 * A conversion factor between two unit scales, kept as an exact ratio of
 * integers (e.g. NETA: 0.1 NASM CEU = 1.0 NETA CEC is 10/1).
 */
export interface Ratio {
  readonly num: number;
  readonly den: number;
}

export function parseRatio(input: string | number): Ratio {
  const milli = parseUnits(input);
  if (milli <= 0) throw new UnitsFormatError(`a factor must be positive, got "${String(input)}"`);
  const g = gcd(milli, MILLI_PER_UNIT);
  return { num: milli / g, den: MILLI_PER_UNIT / g };
}

/** Applies a ratio; the result is exact when representable, otherwise floored to a thousandth. */
export function scale(milli: Milli, ratio: Ratio): Milli {
  return Math.floor((milli * ratio.num) / ratio.den);
}

export function isExactScale(milli: Milli, ratio: Ratio): boolean {
  return (milli * ratio.num) % ratio.den === 0;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

export function sumMilli(values: Iterable<Milli>): Milli {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
