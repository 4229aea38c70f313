// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiRosterLine, RosterView } from '../api/types.ts';
import { RosterPage } from './Roster.tsx';

const line = (
  personId: string,
  person: string,
  status: string,
  holding?: { credential: string; cycleEnd: string; counted?: string; required?: string; missing?: string },
): ApiRosterLine => ({
  personId,
  person,
  access: holding ? 'status' : null,
  status,
  ...(holding
    ? { holding: { holdingId: `${personId}-${holding.credential}`, asOf: '2026-03-01', status, ...holding } }
    : {}),
});

const one = line('p1', 'Staff One', 'in-progress', {
  credential: 'nasm.cpt',
  cycleEnd: '2027-01-10',
  counted: '0.0',
  required: '2.0',
  missing: '2.0',
});
const bls = line('p1', 'Staff One', 'due-soon', { credential: 'aha.bls', cycleEnd: '2026-04-30' });
const two = line('p2', 'Staff Two', 'grace', {
  credential: 'ace.cpt',
  cycleEnd: '2026-02-28',
  counted: '1.5',
  required: '2.0',
  missing: '0.5',
});
const three = line('p3', 'Staff Three', 'not-shared');

/** What the server answers: the same counts for every query, the page it is asked for. */
function view(query: URLSearchParams): RosterView {
  let page = [two, bls, one, three];
  if (query.get('status')) page = page.filter((l) => l.status === query.get('status'));
  if (query.get('q') === 'staff one') page = page.filter((l) => l.person === 'Staff One');
  if (query.get('order') === 'desc') page = [...page].reverse();
  const offset = Number(query.get('offset') ?? 0);
  const limit = Number(query.get('limit') ?? 50);
  return {
    asOf: '2026-03-01',
    people: 3,
    lines: 4,
    summary: { current: 1, lapsed: 1, unknown: 1 },
    counts: [
      { status: 'grace', count: 1 },
      { status: 'due-soon', count: 1 },
      { status: 'in-progress', count: 1 },
      { status: 'not-shared', count: 1 },
    ],
    soon: { total: 1, lines: [bls] },
    matching: page.length,
    offset,
    limit,
    page: page.slice(offset, offset + limit),
  };
}

const realFetch = globalThis.fetch;
let asked: URLSearchParams[] = [];
beforeEach(() => {
  asked = [];
  globalThis.fetch = (async (input: string) => {
    const url = new URL(input, 'http://localhost');
    let body: unknown = {};
    if (url.pathname === '/organisations/o1') body = { id: 'o1', name: 'Example Studio', createdAt: '' };
    else if (url.pathname === '/organisations/o1/roster/lines') {
      asked.push(url.searchParams);
      body = view(url.searchParams);
    } else if (url.pathname === '/organisations/o1/members') body = { members: [] };
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('RosterPage', () => {
  it('shows the server’s counts, who lapses within 90 days, and the page of lines it asks for', async () => {
    render(<RosterPage organisationId="o1" />);
    await screen.findByRole('heading', { name: 'Example Studio: roster' });
    const bars = await screen.findByRole('region', { name: 'Compliance by status' });
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
    expect(Object.fromEntries(asked[0]!)).toEqual({
      sort: 'deadline',
      order: 'asc',
      offset: '0',
      limit: '50',
    });

    const table = screen.getByRole('table');
    const credentials = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.querySelectorAll('td')[0]?.textContent);
    expect(credentials()).toEqual(['ace.cpt', 'aha.bls', 'nasm.cpt', '—']);

    // Typing filters on the server once it pauses; the status filter too.
    fireEvent.change(screen.getByLabelText('Filter by name, e-mail, reference or credential'), {
      target: { value: ' staff one ' },
    });
    await screen.findByText('Showing 2 of 2');
    expect(credentials()).toEqual(['aha.bls', 'nasm.cpt']);
    expect(asked.at(-1)?.get('q')).toBe('staff one');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'in-progress' } });
    await screen.findByText('Showing 1 of 1');
    expect(credentials()).toEqual(['nasm.cpt']);
    expect(Object.fromEntries(asked.at(-1)!)).toMatchObject({ status: 'in-progress', q: 'staff one' });

    // The export is the server's CSV of the same filters.
    expect(screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(
      '/organisations/o1/roster.csv?status=in-progress&q=staff+one&sort=deadline&order=asc',
    );

    // A header asks the server for the other order.
    fireEvent.click(within(table).getByRole('button', { name: /Deadline/ }));
    await waitFor(() => expect(asked.at(-1)?.get('order')).toBe('desc'));
    expect(
      within(table)
        .getByRole('columnheader', { name: /Deadline/ })
        .getAttribute('aria-sort'),
    ).toBe('descending');
  });

  it('pages through a long roster', async () => {
    const many = Array.from({ length: 120 }, (_, i) => line(`m${i}`, `Member ${i}`, 'no-status'));
    globalThis.fetch = (async (input: string) => {
      const url = new URL(input, 'http://localhost');
      let body: unknown = { members: [] };
      if (url.pathname === '/organisations/o1') body = { id: 'o1', name: 'Body', createdAt: '' };
      else if (url.pathname === '/organisations/o1/roster/lines') {
        const offset = Number(url.searchParams.get('offset'));
        const limit = Number(url.searchParams.get('limit'));
        body = {
          ...view(url.searchParams),
          people: 120,
          lines: 120,
          counts: [{ status: 'no-status', count: 120 }],
          soon: { total: 0, lines: [] },
          matching: 120,
          page: many.slice(offset, offset + limit),
        };
      }
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    render(<RosterPage organisationId="o1" />);
    await screen.findByText('Lines 1–50 of 120');
    expect(screen.getByRole('button', { name: 'Previous' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Lines 51–100 of 120');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Lines 101–120 of 120');
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByText('Showing 20 of 120')).toBeTruthy();
  });
});
