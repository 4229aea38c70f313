// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RosterRow } from '../api/types.ts';
import { RosterPage } from './Roster.tsx';

const roster: RosterRow[] = [
  {
    person: { id: 'p1', name: 'Staff One', email: 'one@example.com', createdAt: '' },
    access: 'status',
    statuses: [
      {
        holdingId: 'h1',
        credential: 'nasm.cpt',
        asOf: '2026-03-01',
        status: 'in-progress',
        cycleEnd: '2027-01-10',
        counted: '0.0',
        required: '2.0',
        missing: '2.0',
      },
      {
        holdingId: 'h2',
        credential: 'aha.bls',
        asOf: '2026-03-01',
        status: 'due-soon',
        cycleEnd: '2026-04-30',
      },
    ],
  },
  {
    person: { id: 'p2', name: 'Staff Two', email: 'two@example.com', createdAt: '' },
    access: 'records',
    statuses: [
      {
        holdingId: 'h3',
        credential: 'ace.cpt',
        asOf: '2026-03-01',
        status: 'grace',
        cycleEnd: '2026-02-28',
        counted: '1.5',
        required: '2.0',
        missing: '0.5',
      },
    ],
  },
  { person: { id: 'p3', name: 'Staff Three', createdAt: '' }, access: null, statuses: [] },
];

const realFetch = globalThis.fetch;
const realCreate = URL.createObjectURL;
const realRevoke = URL.revokeObjectURL;
let downloaded: Blob | undefined;
beforeEach(() => {
  globalThis.fetch = (async (url: string) => {
    const body =
      url === '/organisations/o1'
        ? { id: 'o1', name: 'Example Studio', createdAt: '' }
        : url === '/organisations/o1/roster'
          ? { roster }
          : url === '/organisations/o1/members'
            ? { members: [] }
            : {};
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  downloaded = undefined;
  URL.createObjectURL = (blob: Blob) => {
    downloaded = blob;
    return 'blob:roster';
  };
  URL.revokeObjectURL = () => {};
});
afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
  URL.createObjectURL = realCreate;
  URL.revokeObjectURL = realRevoke;
});

describe('RosterPage', () => {
  it('shows compliance by status, people, who lapses within 90 days, and a filterable table exported as CSV', async () => {
    render(<RosterPage organisationId="o1" />);
    await screen.findByRole('heading', { name: 'Example Studio: roster' });
    const bars = screen.getByRole('region', { name: 'Compliance by status' });
    expect(
      within(bars)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Grace period1', 'Due soon1', 'In progress1', 'Not shared1']);
    expect(bars.querySelector('.people-summary')?.textContent).toBe(
      '3 people: 1 current, 1 lapsed, 1 without a status to show.',
    );
    expect(screen.getByRole('region', { name: 'Lapsing in the next 90 days' }).textContent).toContain(
      'Staff One — aha.bls, due 30 Apr 2026',
    );

    const table = screen.getByRole('table');
    // Sorted by deadline first, soonest first, lines without one last.
    const credentials = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.querySelectorAll('td')[0]?.textContent);
    expect(credentials()).toEqual(['ace.cpt', 'aha.bls', 'nasm.cpt', '—']);
    fireEvent.change(screen.getByLabelText('Filter by name or credential'), {
      target: { value: 'staff one' },
    });
    expect(credentials()).toEqual(['aha.bls', 'nasm.cpt']);
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'in-progress' } });
    expect(credentials()).toEqual(['nasm.cpt']);
    expect(screen.getByText('Showing 1 of 4')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await downloaded?.text()).toBe(
      'person,email,external_ref,credential,status,deadline,counted,required,missing\r\n' +
        'Staff One,one@example.com,,nasm.cpt,in-progress,2027-01-10,0.0,2.0,2.0\r\n',
    );
  });
});
