/**
 * Bulk COPY, the fastest way rows go into (and out of) PostgreSQL on both
 * backends. The adapters supply how COPY travels over their connection
 * (node-postgres: `COPY … FROM STDIN` through pg-copy-streams; PGlite: a Blob
 * through `/dev/blob`); this file encodes rows in COPY's text format, which
 * both accept the same way.
 */
import type { Db } from './repositories.ts';

export interface CopyDriver {
  /** Runs `COPY <target> FROM STDIN` (text format) with this data, on the db's connection (or transaction). */
  copyIn(db: Db, target: string, data: string): Promise<void>;
  /** Runs `COPY (<query>) TO STDOUT` (text format) and returns the output. */
  copyOut(db: Db, query: string): Promise<string>;
}

/** The driver-level client under a drizzle database or transaction (drizzle keeps it as `session.client`). */
export function driverClient(db: Db): unknown {
  return (db as unknown as { session: { client: unknown } }).session.client;
}

const SPECIAL = /[\\\t\n\r]/;

/** One value in COPY text format (null as \N; backslash, tab, newline and CR escaped). */
export function copyText(value: unknown): string {
  if (typeof value === 'string') return SPECIAL.test(value) ? escapeCopy(value) : value;
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const json = JSON.stringify(value);
  return SPECIAL.test(json) ? escapeCopy(json) : json;
}

function escapeCopy(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** Splits COPY text output into rows of raw field text (null is `null`); unescapes the fields. */
export function parseCopyText(data: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const length = data.length;
  let start = 0;
  while (start < length) {
    let end = data.indexOf('\n', start);
    if (end < 0) end = length;
    // Field by field, without the line's own string and array (this runs for millions of rows).
    const row: (string | null)[] = [];
    let from = start;
    for (;;) {
      let tab = data.indexOf('\t', from);
      if (tab < 0 || tab > end) tab = end;
      if (tab - from === 2 && data.charCodeAt(from) === 92 && data.charCodeAt(from + 1) === 78)
        row.push(null);
      else {
        const field = data.slice(from, tab);
        row.push(field.indexOf('\\') < 0 ? field : unescapeCopy(field));
      }
      if (tab === end) break;
      from = tab + 1;
    }
    rows.push(row);
    start = end + 1;
  }
  return rows;
}

/** A field with backslash escapes, unescaped (a null, `\N`, is read before this). */
function unescapeCopy(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === 't'
      ? '\t'
      : c === 'n'
        ? '\n'
        : c === 'r'
          ? '\r'
          : c === 'b'
            ? '\b'
            : c === 'f'
              ? '\f'
              : c === 'v'
                ? '\v'
                : c,
  );
}
