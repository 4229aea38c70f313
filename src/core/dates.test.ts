import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  endOfMonth,
  isIsoDate,
  localDateOf,
  monthsBetween,
  toEpochDay,
  toIsoDate,
  utcDateOf,
} from './dates.ts';

const plain = (iso: string) => Temporal.PlainDate.from(iso);

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', 24, '2026-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-03-15', 24, '2026-03-15'],
    ['2024-12-31', 6, '2025-06-30'],
    ['2026-03-31', -1, '2026-02-28'],
  ])('%s + %i months = %s (clamped to the month end)', (from, months, expected) => {
    expect(toIsoDate(addMonths(toEpochDay(from), months))).toBe(expected);
  });

  it.each([
    ['2025-06-10', '2025-06-30'],
    ['2024-02-01', '2024-02-29'],
    ['2100-02-10', '2100-02-28'],
    ['2000-02-10', '2000-02-29'],
  ])('the end of the month of %s is %s', (day, expected) => {
    expect(toIsoDate(endOfMonth(toEpochDay(day)))).toBe(expected);
  });

  it.each([
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '2024-1-01',
    'not a date',
    '2024-00-10',
    '0000-01-01',
    '0000-12-31',
  ])('rejects %s', (text) => {
    expect(isIsoDate(text)).toBe(false);
    expect(() => toEpochDay(text)).toThrow(RangeError);
  });

  it('reads exactly the strings isIsoDate accepts', () => {
    const near = fc
      .array(fc.constantFrom('0', '1', '2', '3', '9', '-', '/', ' ', '+', '٣'), {
        minLength: 9,
        maxLength: 11,
      })
      .map((chars) => chars.join(''));
    const shaped = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(
        ([y, m, d]) =>
          `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      );
    fc.assert(
      fc.property(fc.oneof(near, shaped), (text) => {
        if (isIsoDate(text)) expect(toIsoDate(toEpochDay(text))).toBe(text);
        else expect(() => toEpochDay(text)).toThrow(RangeError);
      }),
      { numRuns: 2000 },
    );
  });

  const isoDate = fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2200-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));

  it('round-trips every date through epoch days and agrees with Temporal', () => {
    fc.assert(
      fc.property(isoDate, (iso) => {
        const day = toEpochDay(iso);
        expect(toIsoDate(day)).toBe(iso);
        expect(day).toBe(plain(iso).since(plain('1970-01-01')).days);
      }),
    );
  });

  it('adds months exactly as Temporal.PlainDate does (overflow: constrain)', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -600, max: 600 }), (iso, months) => {
        expect(toIsoDate(addMonths(toEpochDay(iso), months))).toBe(plain(iso).add({ months }).toString());
      }),
    );
  });

  it('counts whole months between dates as Temporal does', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        const expected = plain(a).until(plain(b), { largestUnit: 'months' }).months;
        expect(monthsBetween(toEpochDay(a), toEpochDay(b))).toBe(expected);
      }),
    );
  });

  it('takes the calendar date of an instant in UTC or in local time', () => {
    expect(utcDateOf(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-01');
    expect(localDateOf(new Date(2026, 1, 28, 23, 59))).toBe('2026-02-28');
    expect(localDateOf(new Date(2024, 1, 29, 0, 0))).toBe('2024-02-29');
  });
});
