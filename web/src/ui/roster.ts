/**
 * The roster dashboard's table: one line per person and credential, as the
 * server reported them. Sorting, filtering and CSV are over the server's
 * strings; no status or deadline is computed here.
 */
import type { RosterRow } from '../api/types.ts';
import { statusLabel } from './StatusBadge.tsx';

export interface RosterLine {
  personId: string;
  person: string;
  email: string;
  externalRef: string;
  access: RosterRow['access'];
  credential: string;
  status: string;
  deadline: string;
  counted: string;
  required: string;
  missing: string;
}

export function rosterLines(rows: RosterRow[]): RosterLine[] {
  return rows.flatMap((row) => {
    const base = {
      personId: row.person.id,
      person: row.person.name ?? row.person.email ?? 'Unnamed',
      email: row.person.email ?? '',
      externalRef: row.externalRef ?? '',
      access: row.access,
    };
    const empty = { credential: '', deadline: '', counted: '', required: '', missing: '' };
    if (row.access === null) return [{ ...base, ...empty, status: 'not-shared' }];
    if (row.statuses.length === 0) return [{ ...base, ...empty, status: 'no-status' }];
    return row.statuses.map((s) => ({
      ...base,
      credential: s.credential,
      status: s.status,
      deadline: s.cycleEnd ?? '',
      counted: s.counted ?? '',
      required: s.required ?? '',
      missing: s.missing ?? '',
    }));
  });
}

export const ROSTER_STATUS_LABEL: Record<string, string> = {
  'not-shared': 'Not shared',
  'no-status': 'No status yet',
};

export const lineStatusLabel = (status: string) => ROSTER_STATUS_LABEL[status] ?? statusLabel(status);

export type SortKey = 'person' | 'credential' | 'status' | 'deadline';

export function sortLines(lines: RosterLine[], key: SortKey, descending: boolean): RosterLine[] {
  const sign = descending ? -1 : 1;
  return [...lines].sort((a, b) => {
    // Lines without a deadline go last in either direction.
    if (key === 'deadline' && (a.deadline === '') !== (b.deadline === '')) return a.deadline === '' ? 1 : -1;
    const c = a[key].localeCompare(b[key]);
    return c !== 0 ? sign * c : a.person.localeCompare(b.person) || a.credential.localeCompare(b.credential);
  });
}

export function filterLines(lines: RosterLine[], status: string, text: string): RosterLine[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return lines.filter((l) => {
    if (status && l.status !== status) return false;
    const hay = `${l.person} ${l.email} ${l.externalRef} ${l.credential}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Counts by status, in the order a manager reads them: the urgent first. */
export function statusCounts(lines: RosterLine[]): { status: string; count: number }[] {
  const order = [
    'expired',
    'grace',
    'due-soon',
    'in-progress',
    'complete',
    'valid',
    'permanent',
    'unknown',
    'no-status',
    'not-shared',
  ];
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
  return [...counts]
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => {
      const ia = order.indexOf(a.status);
      const ib = order.indexOf(b.status);
      return (
        (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib) || a.status.localeCompare(b.status)
      );
    });
}

/** Those whose deadline falls within the next 90 days and who have not met it: the server's "due-soon". */
export function lapsingSoon(lines: RosterLine[]): RosterLine[] {
  return sortLines(
    lines.filter((l) => l.status === 'due-soon'),
    'deadline',
    false,
  );
}

const CSV_COLUMNS: [keyof RosterLine, string][] = [
  ['person', 'person'],
  ['email', 'email'],
  ['externalRef', 'external_ref'],
  ['credential', 'credential'],
  ['status', 'status'],
  ['deadline', 'deadline'],
  ['counted', 'counted'],
  ['required', 'required'],
  ['missing', 'missing'],
];

function csvCell(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet; quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function rosterCsv(lines: RosterLine[]): string {
  const header = CSV_COLUMNS.map(([, name]) => name).join(',');
  const body = lines.map((l) => CSV_COLUMNS.map(([key]) => csvCell(String(l[key] ?? ''))).join(','));
  return `${[header, ...body].join('\r\n')}\r\n`;
}

const LAPSED = new Set(['grace', 'expired']);

/**
 * People, not lines: a person is lapsed when any credential is past its
 * deadline (grace or expired, as the server says), current otherwise; people
 * who share nothing, or have no status yet, are counted apart.
 */
export function peopleSummary(lines: RosterLine[]): { current: number; lapsed: number; unknown: number } {
  const byPerson = new Map<string, string[]>();
  for (const l of lines) byPerson.set(l.personId, [...(byPerson.get(l.personId) ?? []), l.status]);
  let current = 0;
  let lapsed = 0;
  let unknown = 0;
  for (const statuses of byPerson.values()) {
    if (statuses.some((s) => LAPSED.has(s))) lapsed++;
    else if (statuses.every((s) => s === 'not-shared' || s === 'no-status')) unknown++;
    else current++;
  }
  return { current, lapsed, unknown };
}
