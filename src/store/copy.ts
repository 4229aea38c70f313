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
  const cursor = new CopyCursor(data);
  while (cursor.nextRow()) rows.push(cursor.restOfRow());
  return rows;
}

/**
 * Reads COPY text output row by row and field by field, without an array per
 * row: the reads of a population re-evaluation take millions of rows, and
 * those arrays were most of their garbage. parseCopyText reads through it
 * too, and refuses a row with more or fewer fields than the reader takes.
 */
export class CopyCursor {
  private readonly data: string;
  /** Where the next field starts; past the row's end once the row is read. */
  private from = 0;
  /** The index of the current row's newline (or the data's length). */
  private end = -1;

  constructor(data: string) {
    this.data = data;
  }

  /** Moves to the next row: false when there is none. The previous row must be read whole. */
  nextRow(): boolean {
    if (this.end >= 0 && this.from <= this.end) throw new Error('COPY row has more fields than read');
    const start = this.end + 1;
    if (start >= this.data.length) return false;
    const newline = this.data.indexOf('\n', start);
    this.end = newline < 0 ? this.data.length : newline;
    this.from = start;
    return true;
  }

  /** The row's next field (null for a null). */
  field(): string | null {
    const from = this.from;
    if (from > this.end) throw new Error('COPY row has fewer fields than read');
    let tab = this.data.indexOf('\t', from);
    if (tab < 0 || tab > this.end) tab = this.end;
    this.from = tab + 1;
    if (tab - from === 2 && this.data.charCodeAt(from) === 92 && this.data.charCodeAt(from + 1) === 78)
      return null;
    const field = this.data.slice(from, tab);
    return field.indexOf('\\') < 0 ? field : unescapeCopy(field);
  }

  /**
   * The row's next field as a whole number, read in place (no string made): for integer columns,
   * which COPY writes as an optional minus sign and digits. A null or anything else is an error.
   */
  intField(): number {
    const from = this.from;
    if (from > this.end) throw new Error('COPY row has fewer fields than read');
    const data = this.data;
    let i = from;
    const negative = data.charCodeAt(i) === 45;
    if (negative) i++;
    let value = 0;
    let digits = 0;
    for (; i < this.end; i++) {
      const c = data.charCodeAt(i);
      if (c === 9) break;
      const d = c - 48;
      if (d < 0 || d > 9) throw new Error(`COPY field is not a whole number: ${data.slice(from, i + 1)}`);
      value = value * 10 + d;
      digits++;
    }
    if (digits === 0 || digits > 15)
      throw new Error(`COPY field is not a whole number: ${data.slice(from, i)}`);
    this.from = i + 1;
    return negative ? -value : value;
  }

  /**
   * The row's next field through a dictionary of the values read so far (null for a null): a value
   * seen before is found by a key of a few characters and one comparison, so its text is neither
   * hashed, unescaped nor parsed again, and the same string or value is handed out each time. For
   * columns with few distinct values (course ids, credit lists, providers).
   */
  dictionaryField<T>(dictionary: FieldDictionary<T>): T | null {
    const from = this.from;
    if (from > this.end) throw new Error('COPY row has fewer fields than read');
    let tab = this.data.indexOf('\t', from);
    if (tab < 0 || tab > this.end) tab = this.end;
    this.from = tab + 1;
    if (tab - from === 2 && this.data.charCodeAt(from) === 92 && this.data.charCodeAt(from + 1) === 78)
      return null;
    return dictionary.at(this.data, from, tab);
  }

  /** The row's fields not read yet. */
  restOfRow(): (string | null)[] {
    const fields: (string | null)[] = [];
    do fields.push(this.field());
    while (this.from <= this.end);
    return fields;
  }
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

const BUCKET = 8;

/**
 * The values of one column as they are read (CopyCursor.dictionaryField): each distinct raw text is
 * unescaped and turned into its value once (`make`), and found again by its length and a few of
 * its characters, then compared whole (never hashed).
 */
export class FieldDictionary<T> {
  private readonly entries = new Map<number, { raw: string; value: T }[]>();
  private readonly make: (text: string) => T;

  constructor(make: (text: string) => T) {
    this.make = make;
  }

  /** The value of the raw field text data[from, to). */
  at(data: string, from: number, to: number): T {
    const length = to - from;
    // A small integer key (no number allocated): the length and five of the characters.
    const key =
      length === 0
        ? 0
        : ((length << 20) ^
            (data.charCodeAt(from) << 15) ^
            (data.charCodeAt(to - 1) << 10) ^
            (data.charCodeAt(from + (length >> 1)) << 5) ^
            data.charCodeAt(from + (length >> 2)) ^
            (data.charCodeAt(to - 1 - (length >> 2)) << 3)) &
          0x3fffffff;
    const bucket = this.entries.get(key);
    // A slice and ===, which compares memory: faster here than startsWith at an offset.
    const raw = data.slice(from, to);
    if (bucket !== undefined) {
      for (const entry of bucket) if (entry.raw === raw) return entry.value;
    }
    const value = this.make(raw.indexOf('\\') < 0 ? raw : unescapeCopy(raw));
    // A bucket stays short: texts past its eighth are made again each time they are read.
    if (bucket === undefined) this.entries.set(key, [{ raw, value }]);
    else if (bucket.length < BUCKET) bucket.push({ raw, value });
    return value;
  }
}

/** A dictionary of a text column's values as strings (each distinct text one string). */
export function textDictionary(): FieldDictionary<string> {
  return new FieldDictionary((text) => text);
}
