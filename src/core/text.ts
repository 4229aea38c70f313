/**
 * Text the database can store. PostgreSQL's text type cannot hold the NUL character, so every way
 * in (the API, profile documents, CSV files) refuses it with the field that holds it.
 */

/** The path of the first string holding a NUL character, which PostgreSQL text cannot store. */
export function nulPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found = key.includes('\u0000') ? [...path, key] : nulPath(child, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
