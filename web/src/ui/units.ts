/**
 * Exact comparison of the API's decimal strings, for drawing only: how full a
 * progress ring is. Units are never added or rounded here; the server does
 * the arithmetic and the page shows its strings.
 */

function scaled(value: string, scale: number): bigint | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return undefined;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const digits = (fraction + '0'.repeat(scale)).slice(0, scale);
  const n = BigInt(whole + digits);
  return sign === '-' ? -n : n;
}

function scaleOf(value: string): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}

/** counted / required in thousandths, clamped to 0…1000; undefined when it cannot be read. */
export function permille(counted: string | undefined, required: string | undefined): number | undefined {
  if (counted === undefined || required === undefined) return undefined;
  const scale = Math.max(scaleOf(counted), scaleOf(required));
  const c = scaled(counted, scale);
  const r = scaled(required, scale);
  if (c === undefined || r === undefined) return undefined;
  if (r <= 0n) return 1000;
  const p = (c * 1000n) / r;
  return Number(p < 0n ? 0n : p > 1000n ? 1000n : p);
}

/** Whether a decimal string is a plain non-negative decimal, as the API accepts for units. */
export const isDecimal = (value: string) => /^\d+(\.\d+)?$/.test(value.trim());
