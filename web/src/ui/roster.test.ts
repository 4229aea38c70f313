import { describe, expect, it } from 'vitest';
import type { RosterRow } from '../api/types.ts';
import {
  filterLines,
  lapsingSoon,
  peopleSummary,
  rosterCsv,
  rosterLines,
  sortLines,
  statusCounts,
} from './roster.ts';

const person = (id: string, name: string, email?: string) => ({
  id,
  name,
  ...(email ? { email } : {}),
  createdAt: '2026-01-01T00:00:00Z',
});
const status = (credential: string, s: string, cycleEnd?: string, counted?: string, required?: string) => ({
  holdingId: `${credential}-h`,
  credential,
  asOf: '2026-03-01',
  status: s,
  ...(cycleEnd ? { cycleEnd } : {}),
  ...(counted ? { counted } : {}),
  ...(required ? { required } : {}),
});

const rows: RosterRow[] = [
  {
    person: person('p1', 'Alpha', 'a@example.com'),
    access: 'status',
    statuses: [
      status('nasm.cpt', 'in-progress', '2027-01-10', '0.8', '2.0'),
      status('aha.bls', 'due-soon', '2026-04-30'),
    ],
  },
  { person: person('p2', 'Bravo'), access: null, statuses: [] },
  { person: person('p3', 'Charlie', 'c@example.com'), access: 'records', statuses: [] },
  {
    person: person('p4', '=HYPERLINK("x")', 'd@example.com'),
    externalRef: 'E-4',
    access: 'managed',
    statuses: [status('ace.cpt', 'due-soon', '2026-03-31', '1.5', '2.0')],
  },
];

describe('roster lines', () => {
  const lines = rosterLines(rows);

  it('has one line per person and credential, and one for a person without shared status', () => {
    expect(lines.map((l) => [l.person, l.credential, l.status])).toEqual([
      ['Alpha', 'nasm.cpt', 'in-progress'],
      ['Alpha', 'aha.bls', 'due-soon'],
      ['Bravo', '', 'not-shared'],
      ['Charlie', '', 'no-status'],
      ['=HYPERLINK("x")', 'ace.cpt', 'due-soon'],
    ]);
  });

  it('sorts by deadline with lines without one last, either way', () => {
    expect(sortLines(lines, 'deadline', false).map((l) => l.deadline)).toEqual([
      '2026-03-31',
      '2026-04-30',
      '2027-01-10',
      '',
      '',
    ]);
    expect(sortLines(lines, 'deadline', true).map((l) => l.deadline)).toEqual([
      '2027-01-10',
      '2026-04-30',
      '2026-03-31',
      '',
      '',
    ]);
  });

  it('sorts by person, then credential, and does not change its input', () => {
    const before = lines.map((l) => l.credential);
    expect(sortLines(lines, 'person', true).map((l) => l.person)[0]).toBe('Charlie');
    expect(lines.map((l) => l.credential)).toEqual(before);
  });

  it('filters by status and by words in name, e-mail, reference or credential', () => {
    expect(filterLines(lines, 'due-soon', '').map((l) => l.credential)).toEqual(['aha.bls', 'ace.cpt']);
    expect(filterLines(lines, '', 'alpha nasm').map((l) => l.credential)).toEqual(['nasm.cpt']);
    expect(filterLines(lines, '', 'e-4')).toHaveLength(1);
    expect(filterLines(lines, 'complete', '')).toHaveLength(0);
  });

  it('counts by status, the urgent first', () => {
    expect(statusCounts(lines)).toEqual([
      { status: 'due-soon', count: 2 },
      { status: 'in-progress', count: 1 },
      { status: 'no-status', count: 1 },
      { status: 'not-shared', count: 1 },
    ]);
  });

  it('lists who lapses in the next 90 days by the server’s due-soon, soonest first', () => {
    expect(lapsingSoon(lines).map((l) => [l.person, l.deadline])).toEqual([
      ['=HYPERLINK("x")', '2026-03-31'],
      ['Alpha', '2026-04-30'],
    ]);
  });

  it('exports CSV with quoting, and spreadsheet formulas neutralised', () => {
    const csv = rosterCsv(sortLines(filterLines(lines, 'due-soon', ''), 'deadline', false));
    expect(csv.split('\r\n')).toEqual([
      'person,email,external_ref,credential,status,deadline,counted,required,missing',
      `"'=HYPERLINK(""x"")",d@example.com,E-4,ace.cpt,due-soon,2026-03-31,1.5,2.0,`,
      'Alpha,a@example.com,,aha.bls,due-soon,2026-04-30,,,',
      '',
    ]);
  });

  it('counts people: lapsed when any credential is in grace or expired, apart when nothing is shared', () => {
    const more = rosterLines([
      ...rows,
      {
        person: person('p5', 'Echo'),
        access: 'status',
        statuses: [status('nasm.cpt', 'complete', '2027-01-10'), status('aha.bls', 'expired', '2025-12-31')],
      },
    ]);
    expect(peopleSummary(more)).toEqual({ current: 2, lapsed: 1, unknown: 2 });
  });
});
