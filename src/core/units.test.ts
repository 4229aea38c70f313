import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUnits, parseRatio, parseUnits, scale, UnitsFormatError } from './units.ts';

describe('exact units', () => {
  it('1.9 + 0.1 is exactly 2.0', () => {
    expect(parseUnits('1.9') + parseUnits('0.1')).toBe(parseUnits('2.0'));
    expect(parseUnits(1.9) + parseUnits(0.1)).toBe(parseUnits(2));
    expect(formatUnits(parseUnits(0.1) * 3)).toBe('0.3');
  });

  it.each([
    ['2', 2000, '2.0'],
    ['0.15', 150, '0.15'],
    ['10', 10000, '10.0'],
    ['0.001', 1, '0.001'],
    [0.3, 300, '0.3'],
    ['-1.5', -1500, '-1.5'],
  ])('parses %s as %i milli-units and prints %s', (input, milli, text) => {
    expect(parseUnits(input)).toBe(milli);
    expect(formatUnits(milli)).toBe(text);
  });

  it.each(['0.0001', '1e3', 'abc', '', '1.2.3', Number.NaN])('rejects %s rather than rounding', (input) => {
    expect(() => parseUnits(input)).toThrow(UnitsFormatError);
  });

  it('converts between unit scales exactly (NETA: 0.1 NASM CEU = 1.0 NETA CEC)', () => {
    expect(formatUnits(scale(parseUnits('0.1'), parseRatio('10')))).toBe('1.0');
    expect(formatUnits(scale(parseUnits('1.9'), parseRatio('10')))).toBe('19.0');
    expect(formatUnits(scale(parseUnits('3'), parseRatio('0.5')))).toBe('1.5');
  });

  it('formats and parses back every value unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (milli) => {
        expect(parseUnits(formatUnits(milli))).toBe(milli);
      }),
    );
  });
});
