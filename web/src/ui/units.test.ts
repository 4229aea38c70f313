import { describe, expect, it } from 'vitest';
import { isDecimal, permille } from './units.ts';

describe('permille', () => {
  it.each([
    ['1.9', '2.0', 950],
    ['2.0', '2.0', 1000],
    ['2', '2.0', 1000],
    ['0.1', '0.3', 333],
    // 0.57 * 1000 is 569.999… in binary floats; the exact answer is 570.
    ['0.57', '1', 570],
    ['0', '2.0', 0],
    ['3.5', '2.0', 1000],
    ['0.001', '24', 0],
    ['12', '24', 500],
  ])('%s of %s is %d‰', (counted, required, expected) => {
    expect(permille(counted, required)).toBe(expected);
  });

  it('is full when nothing is required, and unknown when a value is missing or unreadable', () => {
    expect(permille('0', '0')).toBe(1000);
    expect(permille(undefined, '2.0')).toBeUndefined();
    expect(permille('1', undefined)).toBeUndefined();
    expect(permille('one', '2')).toBeUndefined();
  });
});

describe('isDecimal', () => {
  it.each([
    ['1.9', true],
    ['0', true],
    [' 2.0 ', true],
    ['.5', false],
    ['1,5', false],
    ['-1', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isDecimal(value)).toBe(expected);
  });
});
