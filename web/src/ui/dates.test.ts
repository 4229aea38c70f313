import { describe, expect, it } from 'vitest';
import { dayNumber, formatDate, todayLocal } from './dates.ts';

describe('calendar dates', () => {
  it('counts days across a leap day and a year end', () => {
    expect(dayNumber('2024-03-01') - dayNumber('2024-02-28')).toBe(2);
    expect(dayNumber('2025-03-01') - dayNumber('2025-02-28')).toBe(1);
    expect(dayNumber('2027-01-01') - dayNumber('2026-12-31')).toBe(1);
  });

  it('formats without a time zone shifting the day', () => {
    expect(formatDate('2026-03-01')).toBe('1 Mar 2026');
    expect(formatDate('2024-02-29')).toBe('29 Feb 2024');
    expect(formatDate(undefined)).toBe('—');
  });

  it('takes today from the local calendar', () => {
    expect(todayLocal(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
