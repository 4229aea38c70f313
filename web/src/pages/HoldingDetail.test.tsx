// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Allocation, StoredCompletion } from '../api/types.ts';
import { AllocationTable } from './HoldingDetail.tsx';

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
    return new Response(JSON.stringify({}), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

const allocation = (
  completion: number,
  title: string,
  reason: Allocation['reason'],
  counted: string,
  message: string,
) => ({
  completion,
  ref: `c${completion}`,
  title,
  date: '2025-05-01',
  offered: '0.5',
  counted,
  reason,
  message,
});
const completion = (
  id: string,
  credits: StoredCompletion['completion']['credits'],
  evidence: StoredCompletion['completion']['evidence'] = [],
) => ({
  id,
  personId: 'p1',
  position: 0,
  completion: { title: id, completed: '2025-05-01', credits, source: 'self-reported' as const, evidence },
});

describe('AllocationTable', () => {
  const completions: StoredCompletion[] = [
    completion(
      'c0',
      [{ credential: 'nasm.cpt', units: '0.5', status: 'approved' }],
      [{ file: 'evidence:e1', sha256: 'a'.repeat(64) }],
    ),
    completion('c1', [
      { credential: 'ace.cpt', units: '0.5', status: 'approved' },
      { credential: 'nasm.cpt', units: '0.5', status: 'pending' },
    ]),
    completion('c2', [{ credential: 'nasm.cpt', units: '0.5', status: 'approved' }]),
  ];
  const allocations = [
    allocation(0, 'Counted course', 'counted', '0.5', 'Counts in full.'),
    allocation(1, 'Petitioned course', 'pending-petition', '0', 'The petition is pending.'),
    allocation(2, 'Old course', 'outside-window', '0', 'Finished before this cycle began.'),
  ];

  it('lists every completion, counted or not, with the reason in words and the server’s message', () => {
    render(
      <AllocationTable
        allocations={allocations}
        completions={completions}
        credential="nasm.cpt"
        onDecided={() => {}}
      />,
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      'Counted course',
      'Petitioned course',
      'Old course',
    ]);
    const why = (row: HTMLElement | undefined) => row?.querySelectorAll('td')[3]?.textContent;
    expect(why(rows[0])).toBe('Counted Counts in full.');
    expect(why(rows[1])).toContain('Petition pending The petition is pending.');
    expect(why(rows[2])).toBe('Outside the cycle Finished before this cycle began.');
    expect(
      within(rows[0]!).getByRole('link', { name: 'file 1 of Counted course' }).getAttribute('href'),
    ).toBe('/evidence/e1');
  });

  it('records a petition outcome on the pending credit toward this credential', async () => {
    let decided = 0;
    render(
      <AllocationTable
        allocations={allocations}
        completions={completions}
        credential="nasm.cpt"
        onDecided={() => {
          decided++;
        }}
      />,
    );
    expect(screen.getAllByRole('button', { name: /Petition approved/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Petition denied for Petitioned course' }));
    await new Promise((r) => setTimeout(r, 0));
    // The second credit of that completion is the pending one toward nasm.cpt.
    expect(calls).toEqual([
      { url: '/completions/c1/credits/1/status', method: 'PUT', body: { status: 'denied' } },
    ]);
    expect(decided).toBe(1);
  });
});
