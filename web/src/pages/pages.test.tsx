// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../api/types.ts';
import { SessionContext } from '../session.tsx';
import { rosterLine } from '../ui/roster.ts';
import { AddCredentialPage } from './AddCredential.tsx';
import { SignUpPage } from './Auth.tsx';
import { RosterTable } from './Roster.tsx';

type Handler = (url: string, init: RequestInit) => Response;
let handler: Handler;
const calls: { url: string; method: string; body: unknown }[] = [];
const realFetch = globalThis.fetch;

beforeEach(() => {
  calls.length = 0;
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    calls.push({
      url,
      method: init.method ?? 'GET',
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    return handler(url, init);
  }) as typeof fetch;
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const person: Person = { id: 'p1', accountId: 'a1', createdAt: '2026-01-01T00:00:00Z' };

function withSession(children: React.ReactNode, who: Person | null = person) {
  return (
    <SessionContext.Provider value={{ person: who, setPerson: () => {} }}>{children}</SessionContext.Provider>
  );
}

describe('SignUpPage', () => {
  it('shows each field error from the server beside its field', async () => {
    handler = () =>
      json(400, {
        title: 'The request is not valid',
        status: 400,
        detail: 'bad fields',
        code: 'invalid-input',
        errors: [
          { field: 'email', message: 'must be an email address' },
          { field: 'password', message: 'must be at least 10 characters' },
        ],
      });
    render(withSession(<SignUpPage next={null} />, null));
    fireEvent.change(screen.getByLabelText('E-mail'), { target: { value: 'nope' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await screen.findByRole('alert');
    expect(calls[0]).toEqual({
      url: '/auth/sign-up',
      method: 'POST',
      body: { email: 'nope', password: 'short' },
    });
    const email = screen.getByLabelText('E-mail');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'must be an email address',
    );
    expect(screen.getByText('must be at least 10 characters')).toBeTruthy();
    expect(screen.getByLabelText('Your name').getAttribute('aria-invalid')).toBeNull();
  });

  it('signs up and goes to the wallet', async () => {
    handler = (url) =>
      url === '/auth/sign-up'
        ? json(201, {
            account: { id: 'a1', email: 'x@example.com', createdAt: '' },
            personId: 'p1',
            csrfToken: 't',
          })
        : json(200, person);
    render(withSession(<SignUpPage next={null} />, null));
    fireEvent.change(screen.getByLabelText('E-mail'), { target: { value: 'x@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'long enough password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(window.location.hash).toBe('#/wallet'));
  });
});

describe('AddCredentialPage', () => {
  const credentials = [
    {
      id: 'nasm.cpt',
      name: 'NASM-CPT',
      kind: 'certification',
      body: { id: 'nasm', name: 'NASM' },
      lowConfidenceCount: 0,
    },
    {
      id: 'aha.bls',
      name: 'AHA BLS Provider',
      kind: 'card',
      body: { id: 'aha', name: 'American Heart Association' },
      lowConfidenceCount: 0,
    },
  ];

  it('searches the catalog, and adds the chosen credential with its dates', async () => {
    handler = (url, init) => {
      if (url === '/rules') return json(200, { credentials });
      if (url === '/people/p1/holdings' && init.method === 'POST')
        return json(201, {
          id: 'h1',
          personId: 'p1',
          position: 0,
          holding: { credential: 'aha.bls', earned: '2025-09-01', renewals: [] },
        });
      return json(404, { title: 'Not found', status: 404, detail: url });
    };
    render(withSession(<AddCredentialPage />));
    await screen.findByText('NASM-CPT');
    fireEvent.change(screen.getByLabelText('Search credentials'), { target: { value: 'heart' } });
    expect(screen.queryByText('NASM-CPT')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /AHA BLS Provider/ }));
    // Focus follows the task: to the date once a credential is chosen…
    expect(document.activeElement).toBe(screen.getByLabelText('Date earned'));
    // A card asks whether its course was hands-on.
    expect(
      (screen.getByLabelText('The course had a hands-on skills session') as HTMLInputElement).checked,
    ).toBe(true);
    fireEvent.change(screen.getByLabelText('Date earned'), { target: { value: '2025-09-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add AHA BLS Provider' }));
    await screen.findByText(/Added AHA BLS Provider/);
    // …and back to the search once it is added.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Search credentials')));
    expect(calls.at(-1)).toEqual({
      url: '/people/p1/holdings',
      method: 'POST',
      body: { credential: 'aha.bls', earned: '2025-09-01', handsOn: true },
    });
  });
});

describe('RosterTable', () => {
  it('shows the lines in the order given, and asks for another sort by a column header button, with aria-sort', () => {
    const holding = (id: string, credential: string, status: string, cycleEnd: string) => ({
      personId: 'p1',
      person: 'Alpha',
      access: 'status' as const,
      status,
      holding: { holdingId: id, credential, asOf: '2026-03-01', status, cycleEnd },
    });
    // As the server sorts them: by deadline, soonest first.
    const lines = [
      holding('h2', 'aha.bls', 'due-soon', '2026-04-30'),
      holding('h1', 'nasm.cpt', 'complete', '2027-01-10'),
    ].map(rosterLine);
    let sort = { key: 'deadline' as const, descending: false } as Parameters<typeof RosterTable>[0]['sort'];
    const { rerender } = render(<RosterTable lines={lines} sort={sort} onSort={(s) => (sort = s)} />);
    const table = screen.getByRole('table');
    const credentialColumn = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.querySelectorAll('td')[0]?.textContent);
    expect(credentialColumn()).toEqual(['aha.bls', 'nasm.cpt']);
    fireEvent.click(within(table).getByRole('button', { name: /Deadline/ }));
    expect(sort).toEqual({ key: 'deadline', descending: true });
    rerender(<RosterTable lines={[...lines].reverse()} sort={sort} onSort={(s) => (sort = s)} />);
    expect(credentialColumn()).toEqual(['nasm.cpt', 'aha.bls']);
    expect(
      within(table)
        .getByRole('columnheader', { name: /Deadline/ })
        .getAttribute('aria-sort'),
    ).toBe('descending');
    fireEvent.click(within(table).getByRole('button', { name: /Status/ }));
    expect(sort).toEqual({ key: 'status', descending: false });
  });
});
