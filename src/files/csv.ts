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
import { CREDIT_TEXT_LIMIT, Format, MAX_CREDIT_MILLI } from '../core/offerings/schema.ts';
import { COMPLETION_TEXT_LIMITS, type Completion, MAX_COMPLETION_HOURS } from '../core/profile/schema.ts';
import { ActivityType, CredentialId } from '../core/rules/schema.ts';
import { formatUnits, tryParseUnits } from '../core/units.ts';

export interface RowError {
  row: number;
  column: string;
  reason: string;
  /**
   * The file cannot be read on from here (its header, an empty file, broken quoting): no import of
   * only the valid rows goes ahead, since the rows past it were never read.
   */
  fatal?: true;
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
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula: a
 * title typed as `=HYPERLINK(…)` into a shared record could act when someone opens an export. Such a
 * cell is written with a leading apostrophe, which spreadsheets take as "text" and do not show. A
 * value that already starts with apostrophes before one of those characters gets one more, so that
 * reading (`spreadsheetPlain`) takes exactly one off and every value comes back as it was written.
 */
export function spreadsheetSafe(value: string): string {
  return FORMULA_LIKE.test(value) ? `'${value}` : value;
}

/** A cell as `spreadsheetSafe` (or a person typing into a spreadsheet) guarded it, without the guard. */
export function spreadsheetPlain(value: string): string {
  return value.charCodeAt(0) === APOSTROPHE && GUARDED.test(value) ? value.slice(1) : value;
}

const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;
const APOSTROPHE = 39;

/** One record of a CSV file: its fields (trimmed) in the order of the file's header. */
export interface CsvRecord {
  /** Line of the record in the file; the header is row 1. */
  row: number;
  fields: string[];
}

/** Where each of a spec's columns is in a file: its index, or -1 when the file leaves it out. */
export type ColumnIndex = Readonly<Record<string, number>>;

/** Records of a CSV file in batches, with where each column is (the same object for every batch). */
export interface CsvBatch {
  columns: ColumnIndex;
  records: CsvRecord[];
}

/** Records per batch: enough that per-batch costs vanish, few enough to keep memory flat. */
const BATCH_RECORDS = 2000;

/**
 * Yields a CSV stream's records in batches. A bad header, or a row with the
 * wrong number of fields, is reported through `onError` and the reading goes
 * on; broken quoting stops it, reported at its line. Rows are numbered as a
 * spreadsheet shows them: the header is row 1.
 *
 * Fast path: while the text has no quotes and no bare carriage returns, lines
 * are split on commas directly (several times faster than the general parser);
 * from the first chunk that has one, csv-parse reads the rest.
 */
export async function* readCsvBatches(
  input: AsyncIterable<Buffer | string>,
  spec: CsvSpec,
  onError: (e: RowError) => void,
): AsyncGenerator<CsvBatch> {
  let width = 0;
  let names: string[] = [];
  let columns: ColumnIndex | undefined;
  let row = 1;
  let stop = false;
  let records: CsvRecord[] = [];
  /** Takes one record's fields: the header, a record, or one that is reported. */
  const take = (fields: string[]): void => {
    if (!columns) {
      names = fields.map((h) => h.trim().toLowerCase());
      let ok = true;
      for (const name of names) {
        if (!spec.columns.includes(name)) {
          onError({
            row: 1,
            column: name,
            reason: `unknown column; expected some of: ${spec.columns.join(', ')}`,
            fatal: true,
          });
          ok = false;
        }
      }
      for (const [i, name] of names.entries()) {
        if (names.indexOf(name) !== i) {
          onError({ row: 1, column: name, reason: 'the column appears more than once', fatal: true });
          ok = false;
        }
      }
      for (const name of spec.required) {
        if (!names.includes(name)) {
          onError({ row: 1, column: name, reason: 'required column is missing', fatal: true });
          ok = false;
        }
      }
      const index: Record<string, number> = {};
      for (const name of spec.columns) index[name] = names.indexOf(name);
      columns = index;
      width = names.length;
      if (!ok) stop = true;
      return;
    }
    row++;
    if (fields.length !== width) {
      onError({ row, column: '', reason: `expected ${width} fields, found ${fields.length}` });
      return;
    }
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!.trim();
      if (field.includes('\u0000')) {
        // PostgreSQL text cannot hold NUL: report the cell instead of failing the whole write later.
        onError({ row, column: names[i]!, reason: 'contains a NUL character (\\0), which cannot be stored' });
        return;
      }
      fields[i] = spreadsheetPlain(field);
    }
    records.push({ row, fields });
  };
  const full = () => records.length >= BATCH_RECORDS;
  const batch = (): CsvBatch => {
    const out = { columns: columns!, records };
    records = [];
    return out;
  };

  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const decoder = new StringDecoder('utf8');
  let text = '';
  let first = true;
  let lines = 0;
  let general = false;
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
    if (complete.includes('"') || /\r(?!\n)/.test(complete)) {
      general = true; // the general parser takes it from here
      break;
    }
    text = text.slice(cut);
    if (complete.length === 0 && !next.done) continue;
    let start = 0;
    while (start < complete.length) {
      let end = complete.indexOf('\n', start);
      if (end < 0) end = complete.length;
      lines++;
      let line = complete.slice(start, end);
      start = end + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') continue;
      take(line.split(','));
      if (stop) return;
      if (full()) yield batch();
    }
    if (next.done) break;
  }
  if (!general) {
    if (records.length > 0) yield batch();
    else if (!columns) onError(EMPTY_FILE);
    return;
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
      take(fields);
      if (stop) return;
      if (full()) yield batch();
    }
  } catch (error) {
    const e = error as Error & { lines?: number; code?: string };
    if (records.length > 0) yield batch();
    // The parser's own messages count lines from where it took over (after the fast path): the
    // row given here counts from the file's start, and the message is put in our words.
    onError({
      row: e.lines === undefined ? row + 1 : e.lines + lines,
      column: '',
      reason:
        e.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted field is still open at the end of the file: a " opens a field on this row or before it, and no " closes it'
          : e.message.replace(/ at line \d+/g, ''),
      fatal: true,
    });
    return;
  }
  if (records.length > 0) yield batch();
  else if (!columns) onError(EMPTY_FILE);
}

/** A file without even a header row: most likely the wrong file, or one cut off. */
const EMPTY_FILE: RowError = {
  row: 1,
  column: '',
  reason: 'the file is empty: its first row must name the columns',
  fatal: true,
};

/** The rows of a CSV stream one by one, as header-keyed records (see readCsvBatches). */
export async function* readCsv(
  input: AsyncIterable<Buffer | string>,
  spec: CsvSpec,
  onError: (e: RowError) => void,
): AsyncGenerator<CsvRow> {
  for await (const { columns, records } of readCsvBatches(input, spec, onError)) {
    const present = Object.entries(columns).filter(([, i]) => i >= 0);
    for (const record of records) {
      const values: Record<string, string> = {};
      for (const [name, i] of present) values[name] = record.fields[i]!;
      yield { row: record.row, values };
    }
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

function fieldAt(fields: string[], columns: ColumnIndex, name: string): string {
  const i = columns[name]!;
  return i < 0 ? '' : fields[i]!;
}

function addError(errors: RowError[] | undefined, row: number, column: string, reason: string): RowError[] {
  const list = errors ?? [];
  list.push({ row, column, reason });
  return list;
}

/**
 * Checks one completions record; returns the completion or the reasons it is not valid.
 * Runs for every row of imports of millions of rows: fields are read by index and the
 * completion is built field by field, in the domain's order.
 */
/** The ids a completions file may name, when the import checks them (credentials and offerings). */
export interface CsvCatalog {
  credentials: ReadonlySet<string>;
  offerings: ReadonlySet<string>;
}

/** The longest text each completion column takes: the profile document's limits. */
const MAX_TEXT: Readonly<Record<string, number>> = {
  ...COMPLETION_TEXT_LIMITS,
  category: CREDIT_TEXT_LIMIT,
  topic: CREDIT_TEXT_LIMIT,
};

export function completionFromCsv(
  record: CsvRecord,
  columns: ColumnIndex,
  catalog?: CsvCatalog,
): CompletionRow | RowError[] {
  const f = record.fields;
  // No closures here: this runs a million times per large import.
  let errors: RowError[] | undefined;
  for (const name in MAX_TEXT) {
    const at = columns[name]!;
    if (at >= 0 && f[at]!.length > MAX_TEXT[name]!)
      errors = addError(
        errors,
        record.row,
        name,
        `is ${f[at]!.length} characters; at most ${MAX_TEXT[name]} are kept`,
      );
  }

  const completed = fieldAt(f, columns, 'completed');
  const title = fieldAt(f, columns, 'title');
  const activity = fieldAt(f, columns, 'activity');
  const hoursText = fieldAt(f, columns, 'hours');
  const format = fieldAt(f, columns, 'format');
  const type = fieldAt(f, columns, 'type');
  const source = fieldAt(f, columns, 'source');
  if (!isIsoDate(completed))
    errors = addError(errors, record.row, 'completed', `"${completed}" is not a calendar date YYYY-MM-DD`);
  if (!title && !activity)
    errors = addError(errors, record.row, 'title', 'a completion needs a title or an activity id');
  if (activity && catalog && !catalog.offerings.has(activity))
    errors = addError(errors, record.row, 'activity', `"${activity}" is not an offering in the catalog`);
  let hours: number | undefined;
  if (hoursText) {
    hours = Number(hoursText);
    if (!HOURS.test(hoursText) || !Number.isFinite(hours))
      errors = addError(errors, record.row, 'hours', `"${hoursText}" is not a number of hours`);
    else if (hours > MAX_COMPLETION_HOURS)
      errors = addError(
        errors,
        record.row,
        'hours',
        `${hoursText} hours is more than ${MAX_COMPLETION_HOURS}`,
      );
  }
  if (format && !isFormat(format))
    errors = addError(errors, record.row, 'format', `must be one of ${Format.options.join(', ')}`);
  if (type && !isActivityType(type))
    errors = addError(errors, record.row, 'type', `"${type}" is not an activity type`);
  if (source && !(SOURCES as readonly string[]).includes(source))
    errors = addError(errors, record.row, 'source', `must be one of ${SOURCES.join(', ')}`);

  const credits: Completion['credits'] = [];
  const credential = fieldAt(f, columns, 'credential');
  const unitsText = fieldAt(f, columns, 'units');
  const category = fieldAt(f, columns, 'category');
  const topic = fieldAt(f, columns, 'topic');
  const statusText = fieldAt(f, columns, 'status');
  if (credential || unitsText) {
    if (!isCredentialId(credential))
      errors = addError(
        errors,
        record.row,
        'credential',
        `"${credential}" is not a credential id like nasm.cpt`,
      );
    else if (catalog && !catalog.credentials.has(credential))
      errors = addError(
        errors,
        record.row,
        'credential',
        `"${credential}" is not a credential in the catalog`,
      );
    const units = tryParseUnits(unitsText);
    if (units === undefined || units < 0)
      errors = addError(
        errors,
        record.row,
        'units',
        units === undefined
          ? `"${unitsText}" is not a decimal with at most 3 decimal places`
          : `"${unitsText}" is negative; credit is 0 or more`,
      );
    else if (units > MAX_CREDIT_MILLI)
      errors = addError(
        errors,
        record.row,
        'units',
        `${unitsText} is more than ${MAX_CREDIT_MILLI / 1000} units`,
      );
    const status = statusText || 'approved';
    if (!(STATUSES as readonly string[]).includes(status))
      errors = addError(errors, record.row, 'status', `must be one of ${STATUSES.join(', ')}`);
    if (errors === undefined) {
      const credit = { credential, units: units! } as Completion['credits'][number];
      if (category) credit.category = category;
      if (topic) credit.topic = topic;
      credit.status = status as (typeof STATUSES)[number];
      credits.push(credit);
    }
  } else if (category || topic || statusText) {
    errors = addError(
      errors,
      record.row,
      'credential',
      'category, topic and status belong to a credit: give its credential and units',
    );
  }
  if (errors !== undefined) return errors;
  const completion = {} as Completion;
  const id = fieldAt(f, columns, 'id');
  const provider = fieldAt(f, columns, 'provider');
  const event = fieldAt(f, columns, 'event');
  if (id) completion.id = id;
  if (activity) completion.activity = activity;
  if (title) completion.title = title;
  if (provider) completion.provider = provider;
  completion.completed = completed;
  if (hours !== undefined) completion.hours = hours;
  if (format) completion.format = format as NonNullable<Completion['format']>;
  if (type) completion.type = type as NonNullable<Completion['type']>;
  if (event) completion.event = event;
  completion.credits = credits;
  completion.source = (source || 'imported') as Completion['source'];
  completion.evidence = [];
  const person = fieldAt(f, columns, 'person');
  return person ? { row: record.row, person, completion } : { row: record.row, completion };
}

/** One CSV row per credit (a completion without credits gets one row), repeating the completion's fields. */
/**
 * A completion's CSV rows, one per credit. `storedId` names a completion whose document gave it no
 * id, so that importing the file again finds it instead of adding it a second time.
 */
export function completionToCsvRows(person: string, completion: Completion, storedId?: string): string[][] {
  const base = (): Record<string, string> => ({
    person,
    id: completion.id ?? storedId ?? '',
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
