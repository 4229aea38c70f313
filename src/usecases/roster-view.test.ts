import { describe, expect, it } from 'vitest';
import type { HoldingStatusSummary } from '../store/model.ts';
import type { RosterRow } from './people.ts';
import {
  filterRosterLines,
  peopleSummary,
  ROSTER_SORTS,
  RosterIndex,
  rosterLines,
  sortRosterLines,
  statusCounts,
} from './roster-view.ts';

const person = (id: string, name: string, email?: string) => ({
  id,
  name,
  ...(email ? { email } : {}),
  createdAt: '2026-01-01T00:00:00Z',
});
const status = (
  personId: string,
  credential: string,
  s: string,
  cycleEnd?: string,
): HoldingStatusSummary => ({
  holdingId: `${personId}-${credential}`,
  personId,
  credential,
  asOf: '2026-03-01',
  status: s,
  ...(cycleEnd ? { cycleEnd } : {}),
});

const rows: RosterRow[] = [
  {
    person: person('p1', 'Alpha', 'a@example.com'),
    access: 'status',
    statuses: [
      status('p1', 'nasm.cpt', 'in-progress', '2027-01-10'),
      status('p1', 'aha.bls', 'due-soon', '2026-04-30'),
    ],
  },
  { person: person('p2', 'Bravo'), access: null, statuses: [] },
  { person: person('p3', 'Charlie', 'c@example.com'), access: 'records', statuses: [] },
  {
    person: person('p4', 'Delta', 'd@example.com'),
    externalRef: 'E-4',
    access: 'managed',
    statuses: [status('p4', 'ace.cpt', 'due-soon', '2026-03-31')],
  },
];
const lines = rosterLines(rows);
const show = (l: (typeof lines)[number]) => [l.person, l.holding?.credential ?? '', l.status];

describe('roster lines', () => {
  it('has one line per person and credential, and one for a person without shared status', () => {
    expect(lines.map(show)).toEqual([
      ['Alpha', 'nasm.cpt', 'in-progress'],
      ['Alpha', 'aha.bls', 'due-soon'],
      ['Bravo', '', 'not-shared'],
      ['Charlie', '', 'no-status'],
      ['Delta', 'ace.cpt', 'due-soon'],
    ]);
  });

  it('sorts by deadline with lines without one last, either way', () => {
    const deadlines = (descending: boolean) =>
      sortRosterLines(lines, 'deadline', descending).map((l) => l.holding?.cycleEnd ?? '');
    expect(deadlines(false)).toEqual(['2026-03-31', '2026-04-30', '2027-01-10', '', '']);
    expect(deadlines(true)).toEqual(['2027-01-10', '2026-04-30', '2026-03-31', '', '']);
  });

  it('sorts by person, then credential, and does not change its input', () => {
    const before = lines.map(show);
    expect(sortRosterLines(lines, 'person', true).map(show)).toEqual([
      ['Delta', 'ace.cpt', 'due-soon'],
      ['Charlie', '', 'no-status'],
      ['Bravo', '', 'not-shared'],
      ['Alpha', 'aha.bls', 'due-soon'],
      ['Alpha', 'nasm.cpt', 'in-progress'],
    ]);
    expect(lines.map(show)).toEqual(before);
  });

  it('filters by status and by words in name, e-mail, reference or credential', () => {
    const credentials = (status?: string, text?: string) =>
      filterRosterLines(lines, status, text).map((l) => l.holding?.credential);
    expect(credentials('due-soon')).toEqual(['aha.bls', 'ace.cpt']);
    expect(credentials(undefined, 'alpha NASM')).toEqual(['nasm.cpt']);
    expect(credentials(undefined, 'e-4')).toEqual(['ace.cpt']);
    expect(credentials(undefined, 'c@example')).toEqual([undefined]);
    expect(credentials('complete')).toEqual([]);
  });

  it('counts by status, the urgent first', () => {
    expect(statusCounts(lines)).toEqual([
      { status: 'due-soon', count: 2 },
      { status: 'in-progress', count: 1 },
      { status: 'no-status', count: 1 },
      { status: 'not-shared', count: 1 },
    ]);
  });

  it('counts people: lapsed when any credential is in grace or expired, apart when nothing is shown', () => {
    const more = rosterLines([
      ...rows,
      {
        person: person('p5', 'Echo'),
        access: 'status',
        statuses: [
          status('p5', 'aha.bls', 'expired', '2025-12-31'),
          status('p5', 'nasm.cpt', 'complete', '2027-01-10'),
        ],
      },
    ]);
    expect(peopleSummary(more)).toEqual({ current: 2, lapsed: 1, unknown: 2 });
  });
});

describe('a kept roster index brought up to date', () => {
  const echo: RosterRow = {
    person: person('p5', 'Alpha', 'e@example.com'),
    access: 'status',
    statuses: [status('p5', 'nasm.cpt', 'in-progress', '2027-01-10')],
  };
  // Every sort, both ways, and the dashboard's other parts, as a fresh index of the same rows has them.
  const seen = (index: RosterIndex) => ({
    summary: index.summary,
    counts: index.counts,
    soon: index.soon,
    sorted: ROSTER_SORTS.flatMap((key) => [false, true].map((d) => index.sortedBy(key, d))),
  });

  it('takes in a newcomer, drops a leaver and replaces a changed row, as a fresh index would', () => {
    const kept = new RosterIndex(rows);
    const bravo: RosterRow = {
      ...rows[1]!,
      access: 'status',
      statuses: [status('p2', 'ace.cpt', 'expired')],
    };
    // p5 joins (with the same name and credential as p1: the order still may not depend on the rows'),
    // p3 leaves, p2 shares their status now, p9 was named but is on no roster.
    const updated = kept.withRows(['p5', 'p3', 'p2', 'p9'], [echo, bravo]);
    const fresh = new RosterIndex([rows[0]!, bravo, rows[3]!, echo]);
    expect(updated.people).toBe(4);
    expect(updated.personIds().sort()).toEqual(['p1', 'p2', 'p4', 'p5']);
    expect(seen(updated)).toEqual(seen(fresh));
    // In another order of rows, a fresh index still sorts the same.
    expect(seen(new RosterIndex([echo, rows[3]!, bravo, rows[0]!]))).toEqual(seen(fresh));
  });
});
