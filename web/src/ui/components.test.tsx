// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HoldingResult } from '../api/types.ts';
import { CycleTimeline } from './CycleTimeline.tsx';
import { Deadline, deadlineText } from './Deadline.tsx';
import { Field } from './Field.tsx';
import { HoldingCard } from './HoldingCard.tsx';
import { ProgressRing } from './ProgressRing.tsx';
import { StatementList } from './Sources.tsx';
import { StatusBadge } from './StatusBadge.tsx';

afterEach(cleanup);

function holding(overrides: Partial<HoldingResult> = {}): HoldingResult {
  return {
    holding: 0,
    credential: 'nasm.cpt',
    name: 'NASM Certified Personal Trainer (NASM-CPT)',
    kind: 'certification',
    status: 'in-progress',
    cycle: { index: 0, start: '2025-01-10', end: '2027-01-10', lateCreditEnd: '2027-04-10' },
    daysLeft: 315,
    unit: 'CEU',
    required: '2.0',
    counted: '1.9',
    missing: '0.1',
    requirements: [],
    allocations: [
      {
        completion: 0,
        ref: 'c0',
        title: 'Stretching webinar',
        date: '2025-05-01',
        offered: '0.2',
        counted: '0.2',
        reason: 'counted',
        message: 'Counts in full.',
      },
      {
        completion: 1,
        ref: 'c1',
        title: 'Old workshop',
        date: '2024-11-01',
        offered: '0.8',
        counted: '0',
        reason: 'before-earned',
        message: 'Finished before the credential was earned.',
      },
    ],
    fees: [],
    nextActions: [{ code: 'earn-ce', message: 'Earn 0.1 more CEU by 2027-01-10.' }],
    findings: [],
    sources: [],
    lowConfidence: [],
    ...overrides,
  };
}

describe('ProgressRing', () => {
  it('names counted and required units, as sent, and fills in proportion', () => {
    const { container } = render(<ProgressRing counted="1.9" required="2.0" unit="CEU" />);
    expect(screen.getByRole('img', { name: '1.9 of 2.0 CEU counted' })).toBeTruthy();
    const fill = container.querySelector('.ring-fill');
    const [dash, gap] = (fill?.getAttribute('stroke-dasharray') ?? '').split(' ').map(Number);
    expect(dash! / gap!).toBeCloseTo(0.95, 5);
    expect(fill?.classList.contains('ring-full')).toBe(false);
  });

  it('marks a full ring, and has no fill without a requirement', () => {
    const { container, rerender } = render(<ProgressRing counted="2.0" required="2.0" unit="CEU" />);
    expect(container.querySelector('.ring-full')).not.toBeNull();
    rerender(<ProgressRing counted={undefined} required={undefined} />);
    expect(screen.getByRole('img', { name: 'No CE requirement' })).toBeTruthy();
    expect(container.querySelector('.ring-fill')).toBeNull();
  });
});

describe('StatusBadge', () => {
  it.each([
    ['complete', 'Complete'],
    ['in-progress', 'In progress'],
    ['due-soon', 'Due soon'],
    ['grace', 'Grace period'],
    ['expired', 'Expired'],
    ['permanent', 'Permanent'],
    ['valid', 'Valid'],
  ])('%s is said in words', (status, words) => {
    render(<StatusBadge status={status} />);
    expect(screen.getByText(words)).toBeTruthy();
  });
});

describe('deadline countdown', () => {
  it.each([
    [{ daysLeft: 315 }, 'Due in 315 days · 10 Jan 2027'],
    [{ daysLeft: 1 }, 'Due in 1 day · 10 Jan 2027'],
    [{ daysLeft: 0 }, 'Due today · 10 Jan 2027'],
    [{ daysLeft: -3, status: 'grace' as const }, 'Deadline passed 3 days ago · 10 Jan 2027'],
    [{ daysLeft: 20, kind: 'card' as const }, 'Expires in 20 days · 10 Jan 2027'],
    [{ daysLeft: -1, kind: 'card' as const, status: 'expired' as const }, 'Expired 1 day ago · 10 Jan 2027'],
    [{ status: 'permanent' as const, cycle: undefined }, 'Does not expire'],
  ])('%j', (overrides, text) => {
    expect(deadlineText(holding(overrides))).toBe(text);
  });

  it('puts the machine-readable date on the time element', () => {
    const { container } = render(<Deadline result={holding()} />);
    expect(container.querySelector('time')?.getAttribute('datetime')).toBe('2027-01-10');
  });
});

describe('CycleTimeline', () => {
  it('summarises the cycle and marks counted and uncounted CE differently', () => {
    const { container } = render(<CycleTimeline result={holding()} earned="2025-01-10" asOf="2026-03-01" />);
    expect(
      screen.getByRole('img', {
        name: 'Current cycle 10 Jan 2025 to 10 Jan 2027, then until 10 Apr 2027 late; 2 CE completions, 1 counting.',
      }),
    ).toBeTruthy();
    expect(container.querySelectorAll('.tl-ce-counted')).toHaveLength(1);
    expect(container.querySelectorAll('.tl-ce-not')).toHaveLength(1);
    expect(container.querySelector('.tl-grace')).not.toBeNull();
  });

  it('places marks in date order along the line', () => {
    const { container } = render(<CycleTimeline result={holding()} earned="2025-01-10" asOf="2026-03-01" />);
    const pos = (el: Element | null) =>
      Number.parseFloat(el?.getAttribute('cx') ?? el?.getAttribute('x1') ?? 'NaN');
    const before = pos(container.querySelector('.tl-ce-not'));
    const counted = pos(container.querySelector('.tl-ce-counted'));
    const today = pos(container.querySelector('.tl-today'));
    expect(before).toBeLessThan(counted);
    expect(counted).toBeLessThan(today);
  });

  it('leaves CE out of the legend when there is none', () => {
    const { container } = render(
      <CycleTimeline result={holding({ allocations: [] })} earned="2025-01-10" asOf="2026-03-01" />,
    );
    expect(container.querySelector('.tl-legend')?.textContent).not.toContain('CE');
    expect(container.querySelectorAll('.tl-ce')).toHaveLength(0);
  });

  it('draws nothing for a holding without a cycle', () => {
    const { container } = render(<CycleTimeline result={holding({ cycle: undefined })} asOf="2026-03-01" />);
    expect(container.innerHTML).toBe('');
  });
});

describe('HoldingCard', () => {
  it('shows status, ring, countdown, what is missing, the next action and a details link', () => {
    render(<HoldingCard result={holding()} holdingId="h1" earned="2025-01-10" asOf="2026-03-01" />);
    const card = screen.getByRole('article', { name: 'NASM Certified Personal Trainer (NASM-CPT)' });
    const inCard = within(card);
    expect(inCard.getByText('In progress')).toBeTruthy();
    expect(inCard.getByRole('img', { name: '1.9 of 2.0 CEU counted' })).toBeTruthy();
    expect(inCard.getByText('Due in 315 days · 10 Jan 2027')).toBeTruthy();
    expect(card.querySelector('.missing')?.textContent).toBe('0.1 CEU missing');
    expect(inCard.getByText('Earn 0.1 more CEU by 2027-01-10.')).toBeTruthy();
    expect(inCard.getByRole('link', { name: /Details and reasons/ }).getAttribute('href')).toBe(
      '#/holdings/h1',
    );
  });

  it('says nothing is missing when the requirement is met, and has no ring for a specialization', () => {
    const { container, rerender } = render(
      <HoldingCard
        result={holding({ status: 'complete', counted: '2.0', missing: '0.0' })}
        holdingId="h1"
        earned="2025-01-10"
        asOf="2026-03-01"
      />,
    );
    expect(container.querySelector('.missing')).toBeNull();
    rerender(
      <HoldingCard
        result={holding({
          kind: 'specialization',
          status: 'permanent',
          cycle: undefined,
          required: undefined,
          counted: undefined,
          missing: undefined,
          allocations: [],
          nextActions: [],
        })}
        holdingId="h2"
        earned="2025-06-01"
        asOf="2026-03-01"
      />,
    );
    expect(container.querySelector('.ring')).toBeNull();
    expect(screen.getByText('Does not expire')).toBeTruthy();
  });
});

describe('Field', () => {
  it('labels its input and ties the error to it', () => {
    render(
      <Field
        label="Date earned"
        name="earned"
        error="must be a calendar date YYYY-MM-DD"
        hint="As printed"
      />,
    );
    const input = screen.getByLabelText('Date earned');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ');
    const texts = described.map((id) => document.getElementById(id)?.textContent);
    expect(texts).toEqual(['As printed', 'must be a calendar date YYYY-MM-DD']);
  });

  it('is not marked invalid without an error', () => {
    render(<Field label="E-mail" name="email" />);
    const input = screen.getByLabelText('E-mail');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.hasAttribute('aria-describedby')).toBe(false);
  });
});

describe('StatementList', () => {
  it('marks low-confidence statements in words and links their sources', () => {
    render(
      <StatementList
        statements={[
          {
            topic: 'total',
            title: 'Total CE',
            text: 'Earn 2.0 CEU in each cycle.',
            confidence: 'high',
            sources: ['s1'],
          },
          {
            topic: 'fee',
            title: 'Fee',
            text: 'A lifetime plan costs $399.',
            confidence: 'low',
            sources: ['s2'],
          },
        ]}
        sources={[
          { id: 's1', title: 'Renewal page', url: 'https://example.org/renew', kind: 'official' },
          { id: 's2', title: 'A forum thread', kind: 'third-party' },
        ]}
      />,
    );
    const items = screen.getAllByRole('listitem');
    expect(items[0]?.textContent).not.toContain('Low confidence');
    expect(items[1]?.textContent).toContain('Low confidence');
    expect(screen.getByRole('link', { name: 'Renewal page' }).getAttribute('href')).toBe(
      'https://example.org/renew',
    );
    expect(items[1]?.textContent).toContain('A forum thread');
  });
});
