/**
 * CSV files people already use: completions and an organisation's roster.
 * Reading is streamed, row by row, and every problem is reported with its
 * row (the line in the file, the header being row 1), column and reason.
 * These functions only parse and check; use-cases decide what to write.
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import { isIsoDate } from '../core/dates.ts';
import { Format } from '../core/offerings/schema.ts';
import type { Completion } from '../core/profile/schema.ts';
import { ActivityType, CredentialId } from '../core/rules/schema.ts';
import { formatUnits, tryParseUnits } from '../core/units.ts';

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

export interface CsvRow {
  /** Line of the record in the file; the header is row 1. */
  row: number;
  values: Record<string, string>;
}

export interface CsvSpec {
  columns: readonly string[];
  required: readonly string[];
}

/**
 * Yields the rows of a CSV stream as header-keyed records. A bad header, or a
 * row with the wrong number of fields, is reported through `onError` and the
 * reading goes on; broken quoting stops it, reported at its line. Rows are
 * numbered as a spreadsheet shows them: the header is row 1.
 *
 * Fast path: while the text has no quotes and no bare carriage returns, lines
 * are split on commas directly (several times faster than the general parser);
 * from the first chunk that has one, csv-parse reads the rest.
 */
export async function* readCsv(
  input: Readable,
  spec: CsvSpec,
  onError: (e: RowError) => void,
): AsyncGenerator<CsvRow> {
  let names: string[] | undefined;
  let row = 1;
  let stop = false;
  /** Turns one record's fields into a row; undefined when the record is the header or is reported. */
  const take = (fields: string[]): CsvRow | undefined => {
    if (!names) {
      names = fields.map((h) => h.trim().toLowerCase());
      let ok = true;
      for (const name of names) {
        if (!spec.columns.includes(name)) {
          onError({
            row: 1,
            column: name,
            reason: `unknown column; expected some of: ${spec.columns.join(', ')}`,
          });
          ok = false;
        }
      }
      for (const name of spec.required) {
        if (!names.includes(name)) {
          onError({ row: 1, column: name, reason: 'required column is missing' });
          ok = false;
        }
      }
      if (!ok) stop = true;
      return undefined;
    }
    row++;
    if (fields.length !== names.length) {
      onError({ row, column: '', reason: `expected ${names.length} fields, found ${fields.length}` });
      return undefined;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) values[names[i]!] = fields[i]!.trim();
    return { row, values };
  };

  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const decoder = new StringDecoder('utf8');
  let text = '';
  let first = true;
  let lines = 0;
  for (;;) {
    const next = await chunks.next();
    text += next.done
      ? decoder.end()
      : typeof next.value === 'string'
        ? next.value
        : decoder.write(next.value);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const cut = next.done ? text.length : text.lastIndexOf('\n') + 1;
    const complete = text.slice(0, cut);
    if (complete.includes('"') || /\r(?!\n)/.test(complete)) break; // the general parser takes it from here
    text = text.slice(cut);
    if (complete.length === 0 && !next.done) continue;
    for (const raw of complete.split('\n')) {
      lines++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') continue;
      const csvRow = take(line.split(','));
      if (stop) return;
      if (csvRow) yield csvRow;
    }
    if (complete.endsWith('\n')) lines--; // split's empty tail is not a line
    if (next.done) return;
  }

  // Plain arrays and no per-record line tracking: the parser's own options for those halved its speed.
  const rest = Readable.from(
    (async function* () {
      yield text;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
  const parser = rest.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true }));
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      const csvRow = take(fields);
      if (stop) return;
      if (csvRow) yield csvRow;
    }
  } catch (error) {
    const e = error as Error & { lines?: number };
    onError({ row: e.lines === undefined ? row + 1 : e.lines + lines, column: '', reason: e.message });
  }
}

// --- completions -------------------------------------------------------------

export const COMPLETION_COLUMNS = [
  'person',
  'id',
  'completed',
  'title',
  'activity',
  'provider',
  'hours',
  'format',
  'type',
  'event',
  'source',
  'credential',
  'units',
  'category',
  'topic',
  'status',
] as const;

export const COMPLETIONS_SPEC: CsvSpec = { columns: COMPLETION_COLUMNS, required: ['completed'] };

export interface CompletionRow {
  row: number;
  /** A person id or email, when the file names people (organisation and operator imports). */
  person?: string;
  completion: Completion;
}

const SOURCES = ['self-reported', 'provider-issued', 'imported'] as const;
const STATUSES = ['approved', 'pending', 'denied'] as const;

/** A schema check remembered per distinct value: a file repeats a few credential ids, formats and types a million times. */
function memoCheck(check: (value: string) => boolean): (value: string) => boolean {
  const known = new Map<string, boolean>();
  return (value) => {
    let ok = known.get(value);
    if (ok === undefined) {
      ok = check(value);
      if (known.size < 10_000) known.set(value, ok);
    }
    return ok;
  };
}
const isFormat = memoCheck((v) => Format.safeParse(v).success);
const isActivityType = memoCheck((v) => ActivityType.safeParse(v).success);
const isCredentialId = memoCheck((v) => CredentialId.safeParse(v).success);
const HOURS = /^\d+(\.\d+)?$/;

/** Checks one completions row; returns the completion or the reasons it is not valid. */
export function completionFromCsv(row: CsvRow): CompletionRow | RowError[] {
  const v = (name: string) => row.values[name] ?? '';
  const errors: RowError[] = [];
  const fail = (column: string, reason: string) => errors.push({ row: row.row, column, reason });

  const completed = v('completed');
  if (!isIsoDate(completed)) fail('completed', `"${completed}" is not a calendar date YYYY-MM-DD`);
  if (!v('title') && !v('activity')) fail('title', 'a completion needs a title or an activity id');
  let hours: number | undefined;
  if (v('hours')) {
    hours = Number(v('hours'));
    if (!HOURS.test(v('hours')) || !Number.isFinite(hours))
      fail('hours', `"${v('hours')}" is not a number of hours`);
  }
  if (v('format') && !isFormat(v('format'))) fail('format', `must be one of ${Format.options.join(', ')}`);
  if (v('type') && !isActivityType(v('type'))) fail('type', `"${v('type')}" is not an activity type`);
  if (v('source') && !(SOURCES as readonly string[]).includes(v('source')))
    fail('source', `must be one of ${SOURCES.join(', ')}`);

  const credits: Completion['credits'] = [];
  if (v('credential') || v('units')) {
    if (!isCredentialId(v('credential')))
      fail('credential', `"${v('credential')}" is not a credential id like nasm.cpt`);
    const units = tryParseUnits(v('units'));
    if (units === undefined || units < 0)
      fail('units', `"${v('units')}" is not a decimal with at most 3 decimal places`);
    const status = v('status') || 'approved';
    if (!(STATUSES as readonly string[]).includes(status))
      fail('status', `must be one of ${STATUSES.join(', ')}`);
    if (errors.length === 0) {
      credits.push({
        credential: v('credential'),
        units: units!,
        ...(v('category') ? { category: v('category') } : {}),
        ...(v('topic') ? { topic: v('topic') } : {}),
        status: status as (typeof STATUSES)[number],
      });
    }
  } else if (v('category') || v('topic') || v('status')) {
    fail('credential', 'category, topic and status belong to a credit: give its credential and units');
  }
  if (errors.length > 0) return errors;
  const completion: Completion = {
    ...(v('id') ? { id: v('id') } : {}),
    ...(v('activity') ? { activity: v('activity') } : {}),
    ...(v('title') ? { title: v('title') } : {}),
    ...(v('provider') ? { provider: v('provider') } : {}),
    completed,
    ...(hours !== undefined ? { hours } : {}),
    ...(v('format') ? { format: v('format') as Completion['format'] & string } : {}),
    ...(v('type') ? { type: v('type') as Completion['type'] & string } : {}),
    ...(v('event') ? { event: v('event') } : {}),
    credits,
    source: (v('source') || 'imported') as Completion['source'],
    evidence: [],
  };
  return { row: row.row, ...(v('person') ? { person: v('person') } : {}), completion };
}

/** One CSV row per credit (a completion without credits gets one row), repeating the completion's fields. */
export function completionToCsvRows(person: string, completion: Completion): string[][] {
  const base = (): Record<string, string> => ({
    person,
    id: completion.id ?? '',
    completed: completion.completed,
    title: completion.title ?? '',
    activity: completion.activity ?? '',
    provider: completion.provider ?? '',
    hours: completion.hours === undefined ? '' : String(completion.hours),
    format: completion.format ?? '',
    type: completion.type ?? '',
    event: completion.event ?? '',
    source: completion.source,
    credential: '',
    units: '',
    category: '',
    topic: '',
    status: '',
  });
  const rows: Record<string, string>[] = completion.credits.map((credit) => ({
    ...base(),
    credential: credit.credential,
    units: formatUnits(credit.units),
    category: credit.category ?? '',
    topic: credit.topic ?? '',
    status: credit.status,
  }));
  return (rows.length > 0 ? rows : [base()]).map((r) => COMPLETION_COLUMNS.map((c) => r[c] ?? ''));
}

// --- roster -------------------------------------------------------------------

export const ROSTER_COLUMNS = ['email', 'name', 'external_ref'] as const;
export const ROSTER_SPEC: CsvSpec = { columns: ROSTER_COLUMNS, required: ['email'] };

export interface RosterRow {
  row: number;
  email: string;
  name?: string;
  externalRef?: string;
}

export function rosterFromCsv(row: CsvRow): RosterRow | RowError[] {
  const email = (row.values.email ?? '').toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return [{ row: row.row, column: 'email', reason: `"${row.values.email ?? ''}" is not an email address` }];
  }
  return {
    row: row.row,
    email,
    ...(row.values.name ? { name: row.values.name } : {}),
    ...(row.values.external_ref ? { externalRef: row.values.external_ref } : {}),
  };
}
