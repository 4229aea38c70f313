import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { wholeNumberOption } from './options.ts';

describe('wholeNumberOption', () => {
  it('takes digits within the range', () => {
    expect(wholeNumberOption('0', '--seed', { min: 0 })).toBe(0);
    expect(wholeNumberOption('007', '--seed', { min: 0 })).toBe(7);
    expect(wholeNumberOption('65535', '--port', { min: 0, max: 65535 })).toBe(65535);
  });

  it('refuses what Number would take but a person did not mean, and values out of range', () => {
    for (const [value, range] of [
      ['1e3', { min: 1 }],
      ['0x50', { min: 0 }],
      [' 12', { min: 0 }],
      ['', { min: 0 }],
      ['-1', { min: 0 }],
      ['2.5', { min: 0 }],
      ['0', { min: 1 }],
      ['65536', { min: 0, max: 65535 }],
      ['9999999999999999', { min: 0 }],
    ] as const) {
      let error: unknown;
      try {
        wholeNumberOption(value, '--people', range);
      } catch (e) {
        error = e;
      }
      expect(error, value).toBeInstanceOf(AppError);
      const wanted =
        'max' in range
          ? `a whole number from ${range.min} to ${range.max}`
          : `a whole number of at least ${range.min}`;
      expect((error as AppError).message).toBe(`--people must be ${wanted}`);
      expect((error as AppError).issues).toEqual([
        { field: '--people', message: `"${value}" is not ${wanted}` },
      ]);
    }
  });
});
