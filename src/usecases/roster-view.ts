/**
 * The roster dashboard, computed where the data is: one line per person and credential, counted,
 * filtered, sorted and cut into pages on the server. A certifying body's roster has a hundred
 * thousand members and a quarter of a million lines; the browser gets the counts and one page.
 */
import { utcDateOf } from '../core/dates.ts';
import { STATUS_NAMES } from '../core/engine/kernel.ts';
import { AppError } from '../core/errors.ts';
import type { HoldingStatusSummary } from '../store/model.ts';
import { ANY_ROLE, requireOrganisationRole } from './access.ts';
import type { Actor, UseCaseContext } from './context.ts';
import { listRoster, type RosterRow, rosterRowsFor } from './people.ts';

/**
 * Keeps an organisation's evaluated roster between requests (the API's cache: it computes the
 * roster again when the organisation changes, and refreshes the people who changed). Called only
 * once the actor is authorised.
 */
export type RosterMemo = (
  organisationId: string,
  asOf: string,
  compute: () => Promise<RosterIndex>,
  /** Brings a kept index up to date for the people who changed since it was built. */
  refresh: (index: RosterIndex, changed: string[]) => Promise<RosterIndex>,
) => Promise<RosterIndex>;

/** A line's status: the engine's, or why there is none (the person shares nothing; no holding yet). */
export type RosterLineStatus = string;
export const NOT_SHARED = 'not-shared';
export const NO_STATUS = 'no-status';

export interface RosterLine {
  personId: string;
  /** The person's name, else their e-mail, else "Unnamed". */
  person: string;
  name?: string;
  email?: string;
  externalRef?: string;
  access: RosterRow['access'];
  status: RosterLineStatus;
  /** The holding's summary, for a line with an engine status. */
  holding?: HoldingStatusSummary;
}

export const ROSTER_SORTS = ['person', 'credential', 'status', 'deadline'] as const;
export type RosterSort = (typeof ROSTER_SORTS)[number];

export interface RosterQuery {
  asOf?: string;
  /** Only lines with this status. */
  status?: string;
  /** Only lines whose person, e-mail, reference or credential contain every word. */
  text?: string;
  sort?: RosterSort;
  descending?: boolean;
  offset?: number;
  limit?: number;
}

export const ROSTER_PAGE_DEFAULT = 50;
export const ROSTER_PAGE_MAX = 500;
/** Lines listed under "lapsing in the next 90 days"; the rest are counted. */
export const ROSTER_SOON_LISTED = 20;

export interface RosterView {
  asOf: string;
  /** People on the roster, and their lines. */
  people: number;
  lines: number;
  /** People, not lines: lapsed when any credential is in grace or expired. */
  summary: { current: number; lapsed: number; unknown: number };
  /** Lines by status, the urgent first. */
  counts: { status: string; count: number }[];
  /** Lines due within 90 days and not yet met ("due-soon"), soonest first. */
  soon: { total: number; lines: RosterLine[] };
  /** Lines the filters match, and the page of them asked for. */
  matching: number;
  offset: number;
  limit: number;
  page: RosterLine[];
}

const STATUS_ORDER = [
  'expired',
  'grace',
  'due-soon',
  'in-progress',
  'complete',
  'valid',
  'permanent',
  'unknown',
  NO_STATUS,
  NOT_SHARED,
];
const LAPSED = new Set(['grace', 'expired']);

/** The roster's lines: one per visible holding; a person without one has a single line saying why. */
export function rosterLines(rows: readonly RosterRow[]): RosterLine[] {
  const lines: RosterLine[] = [];
  for (const row of rows) {
    const base = {
      personId: row.person.id,
      person: row.person.name ?? row.person.email ?? 'Unnamed',
      ...(row.person.name ? { name: row.person.name } : {}),
      ...(row.person.email ? { email: row.person.email } : {}),
      ...(row.externalRef ? { externalRef: row.externalRef } : {}),
      access: row.access,
    };
    if (row.access === null) lines.push({ ...base, status: NOT_SHARED });
    else if (row.statuses.length === 0) lines.push({ ...base, status: NO_STATUS });
    else for (const holding of row.statuses) lines.push({ ...base, status: holding.status, holding });
  }
  return lines;
}

const collator = new Intl.Collator('en');
const sortValue = (line: RosterLine, key: RosterSort): string =>
  key === 'person'
    ? line.person
    : key === 'credential'
      ? (line.holding?.credential ?? '')
      : key === 'status'
        ? line.status
        : (line.holding?.cycleEnd ?? '');

/** Sorted by a key, then person and credential; lines without a deadline go last either way. */
export function sortRosterLines(lines: RosterLine[], key: RosterSort, descending: boolean): RosterLine[] {
  const sign = descending ? -1 : 1;
  const keyed = lines.map((line) => ({
    line,
    key: sortValue(line, key),
    person: line.person,
    credential: line.holding?.credential ?? '',
  }));
  // The last keys make the order total, so that it does not depend on the order of the roster's
  // rows (a kept index brought up to date puts a newcomer's rows last).
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  keyed.sort((a, b) => {
    if (key === 'deadline' && (a.key === '') !== (b.key === '')) return a.key === '' ? 1 : -1;
    // Dates (YYYY-MM-DD) sort as text; names and ids by the collator.
    const c =
      key === 'deadline' ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : collator.compare(a.key, b.key);
    return c !== 0
      ? sign * c
      : collator.compare(a.person, b.person) ||
          collator.compare(a.credential, b.credential) ||
          byId(a.line.personId, b.line.personId) ||
          byId(a.line.holding?.holdingId ?? '', b.line.holding?.holdingId ?? '');
  });
  return keyed.map((k) => k.line);
}

export function filterRosterLines(
  lines: readonly RosterLine[],
  status?: string,
  text?: string,
): RosterLine[] {
  const words = (text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (!status && words.length === 0) return [...lines];
  return lines.filter((l) => {
    if (status && l.status !== status) return false;
    if (words.length === 0) return true;
    const hay =
      `${l.person} ${l.email ?? ''} ${l.externalRef ?? ''} ${l.holding?.credential ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function statusCounts(lines: readonly RosterLine[]): { status: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
  const rank = (s: string) => {
    const i = STATUS_ORDER.indexOf(s);
    return i === -1 ? STATUS_ORDER.length : i;
  };
  return [...counts]
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
}

export function peopleSummary(lines: readonly RosterLine[]): RosterView['summary'] {
  const byPerson = new Map<string, 'current' | 'lapsed' | 'unknown'>();
  for (const l of lines) {
    const was = byPerson.get(l.personId);
    const now = LAPSED.has(l.status)
      ? 'lapsed'
      : l.status === NOT_SHARED || l.status === NO_STATUS
        ? 'unknown'
        : 'current';
    // Lapsed outranks current, and current outranks unknown.
    if (was === 'lapsed' || (was === 'current' && now === 'unknown')) continue;
    byPerson.set(l.personId, now);
  }
  const summary = { current: 0, lapsed: 0, unknown: 0 };
  for (const s of byPerson.values()) summary[s]++;
  return summary;
}

function wholeNumber(value: number | undefined, field: string, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw AppError.invalid(`the roster query's ${field} is not valid`, [
      { field, message: `must be a whole number from ${min} to ${max}` },
    ]);
  }
  return value;
}

/** Every status a roster line can have: the engine's, and the two for a person without one. */
export const ROSTER_LINE_STATUSES: readonly string[] = [...STATUS_NAMES, NOT_SHARED, NO_STATUS];

function checkedQuery(query: RosterQuery) {
  // A misspelt status would match nothing and look like an empty roster.
  if (query.status && !ROSTER_LINE_STATUSES.includes(query.status)) {
    throw AppError.invalid(`"${query.status}" is not a roster status`, [
      { field: 'status', message: `must be one of ${ROSTER_LINE_STATUSES.join(', ')}` },
    ]);
  }
  const sort = query.sort ?? 'deadline';
  if (!ROSTER_SORTS.includes(sort)) {
    throw AppError.invalid("the roster query's sort is not valid", [
      { field: 'sort', message: `must be one of ${ROSTER_SORTS.join(', ')}` },
    ]);
  }
  return {
    sort,
    descending: query.descending ?? false,
    offset: wholeNumber(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
    limit: wholeNumber(query.limit, 'limit', ROSTER_PAGE_DEFAULT, 1, ROSTER_PAGE_MAX),
  };
}

/**
 * An evaluated roster with what every view of it shares: its lines, counts and the lines due soon,
 * and each sort order once asked for (sorting a quarter of a million lines is most of a page's
 * work). Kept between requests by `RosterMemo`.
 */
export class RosterIndex {
  readonly lines: RosterLine[];
  readonly summary: RosterView['summary'];
  readonly counts: RosterView['counts'];
  readonly soon: RosterLine[];
  private readonly sorted = new Map<string, RosterLine[]>();

  constructor(private readonly rows: readonly RosterRow[]) {
    this.lines = rosterLines(rows);
    this.summary = peopleSummary(this.lines);
    this.counts = statusCounts(this.lines);
    this.soon = sortRosterLines(
      this.lines.filter((l) => l.status === 'due-soon'),
      'deadline',
      false,
    );
  }

  /**
   * The index with these people's rows put in place of theirs: people without a row now (who left
   * the roster) are left out, and people with a row new to it (who joined) come last.
   */
  withRows(people: readonly string[], rows: readonly RosterRow[]): RosterIndex {
    const fresh = new Map(rows.map((r) => [r.person.id, r]));
    const replaced = new Set(people);
    const next: RosterRow[] = [];
    for (const row of this.rows) {
      if (!replaced.has(row.person.id)) next.push(row);
      else {
        const now = fresh.get(row.person.id);
        if (now) next.push(now);
        fresh.delete(row.person.id);
      }
    }
    for (const row of fresh.values()) next.push(row);
    return new RosterIndex(next);
  }

  /** People on the roster. */
  get people(): number {
    return this.rows.length;
  }

  /** Every person on the roster (what a change must name to drop a kept index). */
  personIds(): string[] {
    return this.rows.map((r) => r.person.id);
  }

  sortedBy(key: RosterSort, descending: boolean): RosterLine[] {
    const name = `${key}:${descending}`;
    let lines = this.sorted.get(name);
    if (!lines) {
      lines = sortRosterLines(this.lines, key, descending);
      this.sorted.set(name, lines);
    }
    return lines;
  }

  /** The lines a status and text filter match, in a sort order. */
  matching(query: { status?: string; text?: string; sort: RosterSort; descending: boolean }): RosterLine[] {
    const sorted = this.sortedBy(query.sort, query.descending);
    return query.status || query.text?.trim() ? filterRosterLines(sorted, query.status, query.text) : sorted;
  }
}

/**
 * The roster dashboard for an organisation: counts over every line, the lines lapsing soon, and one
 * page of the lines the filters match. Any member of the organisation may read it; what it shows of
 * each person follows their consent (listRoster).
 */
export async function rosterView(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  query: RosterQuery = {},
  memo?: RosterMemo,
): Promise<RosterView> {
  const { sort, descending, offset, limit } = checkedQuery(query);
  const asOf = query.asOf ?? utcDateOf(ctx.clock());
  const compute = async () => new RosterIndex(await listRoster(ctx, actor, organisationId, asOf));
  let index: RosterIndex;
  if (memo) {
    // A kept index skips listRoster, and with it the authorisation: it is done here first.
    await requireOrganisationRole(ctx.store, actor, organisationId, ANY_ROLE);
    index = await memo(organisationId, asOf, compute, async (kept, changed) =>
      kept.withRows(changed, await rosterRowsFor(ctx, actor, organisationId, changed, asOf)),
    );
  } else index = await compute();
  const matching = index.matching({
    sort,
    descending,
    ...(query.status ? { status: query.status } : {}),
    ...(query.text ? { text: query.text } : {}),
  });
  return {
    asOf,
    people: index.people,
    lines: index.lines.length,
    summary: index.summary,
    counts: index.counts,
    soon: { total: index.soon.length, lines: index.soon.slice(0, ROSTER_SOON_LISTED) },
    matching: matching.length,
    offset,
    limit,
    page: matching.slice(offset, offset + limit),
  };
}

/** Every line the filters match, sorted (for a CSV of what the dashboard shows). */
export async function rosterLinesMatching(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  query: RosterQuery = {},
): Promise<RosterLine[]> {
  const { sort, descending } = checkedQuery(query);
  const rows = await listRoster(ctx, actor, organisationId, query.asOf);
  return sortRosterLines(filterRosterLines(rosterLines(rows), query.status, query.text), sort, descending);
}
