/** Option values the CLI checks the same way in every command. */
import { AppError } from '../core/errors.ts';

/**
 * A whole-number option: digits only (no sign, exponent, hexadecimal or blanks, which `Number`
 * would take: `--people 1e3`, `--port 0x50`), from `min` to `max`. Anything else is refused
 * naming the option and the value given.
 */
export function wholeNumberOption(
  value: string,
  option: string,
  range: { min: number; max?: number },
): number {
  const { min, max } = range;
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (n >= min && (max === undefined || n <= max)) return n;
  const wanted =
    max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  throw AppError.invalid(`${option} must be ${wanted}`, [
    { field: option, message: `"${value}" is not ${wanted}` },
  ]);
}
