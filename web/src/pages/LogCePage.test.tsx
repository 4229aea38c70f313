// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../api/types.ts';
import { SessionContext } from '../session.tsx';
import { LogCePage } from './LogCe.tsx';
import { parseProfileFile } from './Profile.tsx';

const person: Person = { id: 'p1', accountId: 'a1', createdAt: '2026-01-01T00:00:00Z' };
const calls: { url: string; method: string; body: unknown }[] = [];
let offeringsStatus = 200;
const realFetch = globalThis.fetch;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  calls.length = 0;
  offeringsStatus = 200;
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    calls.push({
      url,
      method: init.method ?? 'GET',
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    if (url === '/people/p1/holdings')
      return json(200, {
        holdings: [
          {
            id: 'h1',
            personId: 'p1',
            position: 0,
            holding: { credential: 'nasm.cpt', earned: '2025-01-10', renewals: [] },
          },
          {
            id: 'h2',
            personId: 'p1',
            position: 1,
            holding: { credential: 'ace.cpt', earned: '2025-02-01', renewals: [] },
          },
          {
            id: 'h3',
            personId: 'p1',
            position: 2,
            holding: { credential: 'aha.bls', earned: '2025-09-01', renewals: [] },
          },
        ],
      });
    if (url === '/rules')
      return json(200, {
        credentials: [
          {
            id: 'nasm.cpt',
            name: 'NASM-CPT',
            kind: 'certification',
            unit: 'CEU',
            body: { id: 'nasm', name: 'NASM' },
            lowConfidenceCount: 0,
          },
          {
            id: 'ace.cpt',
            name: 'ACE-CPT',
            kind: 'certification',
            unit: 'CEC',
            body: { id: 'ace', name: 'ACE' },
            lowConfidenceCount: 0,
          },
          {
            id: 'aha.bls',
            name: 'BLS',
            kind: 'card',
            body: { id: 'aha', name: 'AHA' },
            lowConfidenceCount: 0,
          },
        ],
      });
    if (url === '/offerings')
      return offeringsStatus === 200
        ? json(200, {
            offerings: [
              {
                id: 'nasm.ce-stretching-webinar',
                title: 'Stretching webinar',
                provider: 'NASM',
                hours: 2,
                credits: [{ credential: 'nasm.cpt', units: 0.2, status: 'approved' }],
              },
            ],
          })
        : json(404, { title: 'Not found', status: 404, detail: 'no route' });
    if (url === '/people/p1/completions' && init.method === 'POST')
      return json(201, { id: 'c1', personId: 'p1', position: 0, completion: {} });
    return json(404, { title: 'Not found', status: 404, detail: url });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

const page = () =>
  render(
    <SessionContext.Provider value={{ person, setPerson: () => {} }}>
      <LogCePage />
    </SessionContext.Provider>,
  );

describe('LogCePage', () => {
  it('pre-fills credits toward each held certification from the chosen offering, and logs it', async () => {
    page();
    const select = await screen.findByLabelText('Catalog course');
    // Cards take no CE: only the two certifications get a credits field.
    expect(screen.getByLabelText('NASM-CPT (CEU)')).toBeTruthy();
    expect(screen.getByLabelText('ACE-CPT (CEC)')).toBeTruthy();
    expect(screen.queryByLabelText(/BLS/)).toBeNull();
    fireEvent.change(select, { target: { value: 'nasm.ce-stretching-webinar' } });
    expect((screen.getByLabelText('NASM-CPT (CEU)') as HTMLInputElement).value).toBe('0.2');
    expect((screen.getByLabelText('ACE-CPT (CEC)') as HTMLInputElement).value).toBe('');
    fireEvent.change(screen.getByLabelText('Date completed'), { target: { value: '2025-05-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log CE' }));
    await screen.findByText(/Logged “Stretching webinar”/);
    expect(calls.at(-1)).toEqual({
      url: '/people/p1/completions',
      method: 'POST',
      body: {
        completed: '2025-05-01',
        activity: 'nasm.ce-stretching-webinar',
        credits: [{ credential: 'nasm.cpt', units: '0.2' }],
      },
    });
  });

  it('without a catalog of offerings, CE is entered by hand', async () => {
    offeringsStatus = 404;
    page();
    await screen.findByLabelText('Title');
    expect(screen.queryByLabelText('Catalog course')).toBeNull();
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Kettlebell Fundamentals' } });
    fireEvent.change(screen.getByLabelText('Hours'), { target: { value: '8' } });
    fireEvent.change(screen.getByLabelText('ACE-CPT (CEC)'), { target: { value: '0.8' } });
    fireEvent.change(screen.getByLabelText('Date completed'), { target: { value: '2025-05-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log CE' }));
    await screen.findByText(/Logged “Kettlebell Fundamentals”/);
    expect(calls.at(-1)?.body).toEqual({
      completed: '2025-05-01',
      title: 'Kettlebell Fundamentals',
      hours: 8,
      credits: [{ credential: 'ace.cpt', units: '0.8' }],
    });
  });
});

describe('parseProfileFile', () => {
  it('reads JSON and YAML profile documents by their extension', async () => {
    const yaml = 'holdings:\n  - credential: nasm.cpt\n    earned: 2025-01-10\n';
    expect(await parseProfileFile('me.yaml', yaml)).toEqual({
      holdings: [{ credential: 'nasm.cpt', earned: '2025-01-10' }],
    });
    expect(await parseProfileFile('me.YML', yaml)).toEqual({
      holdings: [{ credential: 'nasm.cpt', earned: '2025-01-10' }],
    });
    expect(await parseProfileFile('me.json', '{"holdings":[]}')).toEqual({ holdings: [] });
    await expect(parseProfileFile('me.json', 'holdings: []')).rejects.toThrow(SyntaxError);
  });
});
