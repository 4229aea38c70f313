/**
 * CSV files people already use: completions and an organisation's roster.
 * Reading is streamed, row by row, and every problem is reported with its
 * row (the line in the file, the header being row 1), column and reason.
 * These functions only parse and check; use-cases decide what to write.
 */
import type { Readable } from 'node:stream';
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
 */
export async function* readCsv(
  input: Readable,
  spec: CsvSpec,
  onError: (e: RowError) => void,
): AsyncGenerator<CsvRow> {
  // Plain arrays and no per-record line tracking: the parser's own options for those halved its speed.
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true }));
  let names: string[] | undefined;
  let row = 1;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
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
        if (!ok) return;
        continue;
      }
      row++;
      if (fields.length !== names.length) {
        onError({ row, column: '', reason: `expected ${names.length} fields, found ${fields.length}` });
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) values[names[i]!] = fields[i]!.trim();
      yield { row, values };
    }
  } catch (error) {
    const e = error as Error & { lines?: number };
    onError({ row: e.lines ?? row + 1, column: '', reason: e.message });
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
    if (!/^\d+(\.\d+)?$/.test(v('hours')) || !Number.isFinite(hours))
      fail('hours', `"${v('hours')}" is not a number of hours`);
  }
  if (v('format') && !Format.safeParse(v('format')).success)
    fail('format', `must be one of ${Format.options.join(', ')}`);
  if (v('type') && !ActivityType.safeParse(v('type')).success)
    fail('type', `"${v('type')}" is not an activity type`);
  if (v('source') && !(SOURCES as readonly string[]).includes(v('source')))
    fail('source', `must be one of ${SOURCES.join(', ')}`);

  const credits: Completion['credits'] = [];
  if (v('credential') || v('units')) {
    if (!CredentialId.safeParse(v('credential')).success)
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
