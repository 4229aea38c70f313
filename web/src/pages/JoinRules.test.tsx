// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../api/types.ts';
import { SessionContext } from '../session.tsx';
import { JoinPage } from './Join.tsx';
import { RulesPage } from './Rules.tsx';

const person: Person = { id: 'p1', accountId: 'a1', createdAt: '2026-01-01T00:00:00Z' };
const calls: { url: string; method: string; body: unknown }[] = [];
let respond: (url: string, method: string) => Response;
const realFetch = globalThis.fetch;
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  calls.length = 0;
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    calls.push({ url, method, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return respond(url, method);
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

const withSession = (children: React.ReactNode, who: Person | null) => (
  <SessionContext.Provider value={{ person: who, setPerson: () => {} }}>{children}</SessionContext.Provider>
);

describe('JoinPage', () => {
  it('asks a signed-out visitor to sign up or sign in, and comes back to the invitation', () => {
    render(withSession(<JoinPage token="t/1" />, null));
    expect(screen.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe(
      '#/sign-up?next=%2Fjoin%3Ftoken%3Dt%252F1',
    );
    expect(calls).toEqual([]);
  });

  it('accepts, then shares what the professional chose, and nothing before', async () => {
    respond = (url) => {
      if (url === '/invitations/accept')
        return json(200, { organisationId: 'o1', accountId: 'a1', role: 'viewer' });
      if (url === '/people/p1/consents/o1') return json(200, { id: 'c1', scope: 'records' });
      if (url === '/organisations/o1') return json(200, { id: 'o1', name: 'Example Studio', createdAt: '' });
      return json(404, {});
    };
    render(withSession(<JoinPage token="tok" />, person));
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByLabelText(/My status and my CE records/));
    fireEvent.click(screen.getByRole('button', { name: 'Accept and share' }));
    await screen.findByText(/You now share your status and CE records with Example Studio/);
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/invitations/accept', { token: 'tok' }],
      ['PUT', '/people/p1/consents/o1', { scope: 'records' }],
      ['GET', '/organisations/o1', undefined],
    ]);
  });

  it('shows why an invitation cannot be accepted', async () => {
    respond = () =>
      json(403, {
        title: 'Not allowed',
        status: 403,
        detail: 'this invitation was sent to another email address',
      });
    render(withSession(<JoinPage token="tok" />, person));
    fireEvent.click(screen.getByRole('button', { name: 'Accept and share' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'this invitation was sent to another email address',
    );
    expect(calls).toHaveLength(1);
  });
});

describe('RulesPage', () => {
  it('groups credentials by body, marks low-confidence facts, and filters', async () => {
    respond = () =>
      json(200, {
        credentials: [
          {
            id: 'nasm.cpt',
            name: 'NASM-CPT',
            kind: 'certification',
            body: { id: 'nasm', name: 'NASM' },
            lowConfidenceCount: 0,
          },
          {
            id: 'nasm.ces',
            name: 'NASM-CES',
            kind: 'specialization',
            body: { id: 'nasm', name: 'NASM' },
            lowConfidenceCount: 1,
          },
          {
            id: 'ace.cpt',
            name: 'ACE-CPT',
            kind: 'certification',
            body: { id: 'ace', name: 'ACE' },
            lowConfidenceCount: 9,
          },
        ],
      });
    render(<RulesPage />);
    const nasm = await screen.findByRole('region', { name: 'NASM' });
    expect(
      within(nasm)
        .getAllByRole('link')
        .map((a) => a.getAttribute('href')),
    ).toEqual(['#/rules/nasm.cpt', '#/rules/nasm.ces']);
    expect(within(nasm).getByText(/1 low-confidence fact$/)).toBeTruthy();
    expect(
      within(screen.getByRole('region', { name: 'ACE' })).getByText(/9 low-confidence facts/),
    ).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search bodies and credentials'), { target: { value: 'ace' } });
    expect(screen.queryByRole('region', { name: 'NASM' })).toBeNull();
    expect(screen.getByRole('region', { name: 'ACE' })).toBeTruthy();
  });
});
