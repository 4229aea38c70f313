/** COPY text format: what copyText writes, parseCopyText reads back, field for field. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyText, parseCopyText } from './copy.ts';

describe('COPY text', () => {
  const field = fc.oneof(
    fc.constant(null),
    fc.constantFrom('', '\\N', '\\', '\t', '\n', '\r', 'a\\tb', 'N'),
    fc.string({ unit: fc.constantFrom('a', 'é', '\\', '\t', '\n', '\r', 'N', ' ', '😀') }),
  );

  it('reads back every row written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          // Every row of one COPY has the same number of fields.
          const width = rows[0]!.length;
          const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? null));
          const text = table.map((r) => `${r.map(copyText).join('\t')}\n`).join('');
          expect(parseCopyText(text)).toEqual(table);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a last row without its newline, and nothing from nothing', () => {
    expect(parseCopyText('a\t\\N\nb\tc')).toEqual([
      ['a', null],
      ['b', 'c'],
    ]);
    expect(parseCopyText('')).toEqual([]);
  });
});
