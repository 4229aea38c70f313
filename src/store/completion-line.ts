/**
 * A completion as a line of COPY text for the completions table, in two parts: the key columns
 * (id, person, position), which an import knows only once it has resolved whose row it is, and
 * the tail (every other column), which depends on the completion alone. The tail can therefore be
 * made away from the database (an import encodes it on a worker thread while the database writes
 * the rows before), and two tails of one completion can be merged by their credits.
 *
 * The credits column comes last, so a tail's credits start after its last tab: COPY text escapes
 * every tab inside a value, and JSON has none of its own.
 */
import type { Completion } from '../core/profile/schema.ts';
import { copyText } from './copy.ts';
import type { StoredCompletion } from './model.ts';

/** The completions table's inserted columns, in the order a line writes them (checked against the schema in repositories.ts). */
export const COMPLETION_LINE_COLUMNS = [
  'id',
  'personId',
  'position',
  'ref',
  'activity',
  'title',
  'provider',
  'completed',
  'hours',
  'format',
  'type',
  'event',
  'hasCollege',
  'collegeSemesterHours',
  'collegeQuarterHours',
  'collegeGrade',
  'source',
  'credits',
] as const;

const optionalText = (s: string | undefined) => (s === undefined ? '\\N' : copyText(s));
const optionalNumber = (n: number | undefined) => (n === undefined ? '\\N' : String(n));

/**
 * The columns after `position`, tab-separated, without the newline: what the generic
 * `copyFormat(…).line(completionToRows(row).completion)` writes for them, without the row object
 * and the per-value dispatch (a bulk import writes a million of these). The credits are written
 * as `JSON.stringify` writes `creditToJson`'s objects; copy.test.ts holds the two to the same text.
 */
export function completionTail(x: Completion): string {
  const college = x.college;
  let credits = '[';
  for (let i = 0; i < x.credits.length; i++) {
    const credit = x.credits[i]!;
    if (i > 0) credits += ',';
    credits += `{"credential":${JSON.stringify(credit.credential)},"units":${JSON.stringify(credit.units)}`;
    if (credit.category !== undefined) credits += `,"category":${JSON.stringify(credit.category)}`;
    if (credit.topic !== undefined) credits += `,"topic":${JSON.stringify(credit.topic)}`;
    credits += `,"status":${JSON.stringify(credit.status)}}`;
  }
  credits += ']';
  return `${optionalText(x.id)}\t${optionalText(x.activity)}\t${optionalText(x.title)}\t${optionalText(x.provider)}\t${copyText(x.completed)}\t${optionalNumber(x.hours)}\t${optionalText(x.format)}\t${optionalText(x.type)}\t${optionalText(x.event)}\t${college === undefined ? 'f' : 't'}\t${optionalNumber(college?.semesterHours)}\t${optionalNumber(college?.quarterHours)}\t${optionalText(college?.grade)}\t${copyText(x.source)}\t${copyText(credits)}`;
}

/**
 * The tail of `first` with `second`'s credits after its own: the tail of the completion an import
 * makes of two rows that share a completion id (the first row's fields, every row's credits).
 */
export function mergeCompletionTails(first: string, second: string): string {
  const own = first.lastIndexOf('\t') + 1;
  const more = second.lastIndexOf('\t') + 1;
  // '[]' has no credit to join; otherwise '[a' + ',' + 'b]'.
  if (second.length - more === 2) return first;
  if (first.length - own === 2) return first.slice(0, own) + second.slice(more);
  return `${first.slice(0, -1)},${second.slice(more + 1)}`;
}

/** The whole line (with its newline) of a completion whose tail is already made. */
export function completionLineOf(id: string, personId: string, position: number, tail: string): string {
  return `${copyText(id)}\t${copyText(personId)}\t${position}\t${tail}\n`;
}

/** One stored completion as a line of COPY text for the completions table. */
export function completionLine(row: StoredCompletion): string {
  return completionLineOf(row.id, row.personId, row.position, completionTail(row.completion));
}

/**
 * A completion's content: the columns that say which course was done, when and for what credit,
 * as COPY text — every tail column but the document id (`ref`) and `source`, tab-separated, the
 * credits last. Two completions with the same content are the same course taken the same day for
 * the same credit, however each was recorded. The database gives a stored completion's content by
 * selecting these columns in this order (`completionContentOf`).
 */
export const COMPLETION_CONTENT_COLUMNS: readonly string[] = COMPLETION_LINE_COLUMNS.slice(3)
  .filter((column) => column !== 'ref' && column !== 'source')
  .map((column) => column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));

/** The content of a completion from its tail: the tail without its first field and its `source`. */
export function contentOfTail(tail: string): string {
  const [from, source, credits] = contentBounds(tail);
  return tail.slice(from, source) + tail.slice(credits);
}

/** Where a tail's content starts, where its `source` field's tab is, and where its credits' tab is. */
function contentBounds(tail: string): [number, number, number] {
  const credits = tail.lastIndexOf('\t');
  return [tail.indexOf('\t') + 1, tail.lastIndexOf('\t', credits - 1), credits];
}

/**
 * A 53-bit hash of a completion's content, read straight from its tail (no substring is made):
 * what an import keeps of every row it adds, to find a later row with the same content without
 * holding a million strings. Two 32-bit FNV-1a hashes with different offsets and multipliers; two
 * different contents of one person agree with a chance of about 2^-53 per pair.
 */
export function contentHashOfTail(tail: string): number {
  const [from, source, credits] = contentBounds(tail);
  return hashRanges(tail, from, source, credits, tail.length);
}

/** `contentHashOfTail` of a content text itself (a stored completion's). */
export function contentHash(content: string): number {
  return hashRanges(content, 0, content.length, 0, 0);
}

function hashRanges(s: string, from: number, to: number, from2: number, to2: number): number {
  let a = 0x811c9dc5;
  let b = 0x6c62272e;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  for (let i = from2; i < to2; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  b ^= b >>> 15;
  return (a >>> 0) * 0x200000 + (b >>> 11);
}
