// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../api/types.ts';
import { money, PlanView } from './Plan.tsx';

afterEach(cleanup);

const base: Plan = {
  status: 'optimal',
  asOf: '2026-03-01',
  until: '2029-01-11',
  actions: [
    {
      kind: 'take',
      from: '2026-03-01',
      by: '2027-01-10',
      date: '2026-03-01',
      offering: 'nasm.ces-course',
      title: 'NASM Corrective Exercise Specialist',
      provider: 'NASM',
      price: 699,
      priceIsSample: true,
      hours: 19,
      counts: [{ credential: 'nasm.cpt', cycleEnd: '2027-01-10', units: '1.9' }],
      grants: 'nasm.ces',
      explanation: 'Counts 1.9 CEU toward nasm.cpt in its first cycle.',
    },
  ],
  totals: { money: 798, hours: 19, fees: 99, currency: 'USD' },
  coverage: [
    {
      credential: 'nasm.cpt',
      cycle: { start: '2025-01-10', end: '2027-01-10' },
      requirement: 'total CEU',
      required: '2.0',
      counted: '2.0',
      met: true,
    },
    {
      credential: 'nasm.cpt',
      cycle: { start: '2025-01-10', end: '2027-01-10' },
      requirement: 'CPR/AED card',
      required: 'valid',
      counted: 'valid',
      met: true,
    },
  ],
  naive: { money: 1497, hours: 38, saving: 699, explanation: 'Taking both in one cycle wastes one.' },
  verified: true,
  findings: [],
  stats: {
    variables: 1,
    constraints: 1,
    offeringsConsidered: 1,
    offeringsAfterPruning: 1,
    solveMs: 1,
    gap: 0,
    timedOut: false,
    hoursProven: true,
  },
};

describe('PlanView', () => {
  it('shows totals, the saving, each dated action and each cycle covered', () => {
    render(<PlanView plan={base} />);
    expect(screen.getByRole('heading', { name: 'Your plan until 11 Jan 2029' })).toBeTruthy();
    expect(document.querySelector('.totals')?.textContent).toBe(
      '$798.00 in total (fees $99.00), 19 hours of CE.',
    );
    expect(screen.getByText(/Saves \$699\.00 against the obvious plan/)).toBeTruthy();
    const action = within(screen.getAllByRole('list')[0]!).getByRole('listitem');
    expect(action.textContent).toContain(
      '1 Mar 2026 – 10 Jan 2027: NASM Corrective Exercise Specialist (NASM) — $699.00 (sample price), 19 h',
    );
    const rows = screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => Array.from(r.children, (c) => c.textContent));
    expect(rows).toEqual([
      ['nasm.cpt', '10 Jan 2025 – 10 Jan 2027', 'total CEU', '2.0 of 2.0', '✓ Met'],
      ['nasm.cpt', '10 Jan 2025 – 10 Jan 2027', 'CPR/AED card', 'valid', '✓ Met'],
    ]);
  });

  it('says why a goal cannot be met, instead of actions', () => {
    render(
      <PlanView
        plan={{
          ...base,
          status: 'infeasible',
          actions: [],
          infeasible: [{ code: 'budget', message: 'The budget of $100 is below the cheapest plan ($798).' }],
        }}
      />,
    );
    expect(screen.getByRole('heading', { name: 'No plan meets every goal' })).toBeTruthy();
    expect(screen.getByText('The budget of $100 is below the cheapest plan ($798).')).toBeTruthy();
    expect(screen.queryByText('What to do, and when')).toBeNull();
  });

  it('formats money in the catalog currency', () => {
    expect(money(1497, 'USD')).toBe('$1,497.00');
    expect(money(12.5, 'EUR')).toBe('€12.50');
  });
});
