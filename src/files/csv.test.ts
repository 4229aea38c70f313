import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CsvRow,
  ROSTER_SPEC,
  type RowError,
  readCsv,
  spreadsheetPlain,
  spreadsheetSafe,
} from './csv.ts';

async function read(text: string, chunkSize: number): Promise<{ rows: CsvRow[]; errors: RowError[] }> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const errors: RowError[] = [];
  const rows: CsvRow[] = [];
  for await (const row of readCsv(Readable.from(chunks), ROSTER_SPEC, (e) => errors.push(e))) rows.push(row);
  return { rows, errors };
}

const plain = (n: number, eol = '\n') =>
  Array.from({ length: n }, (_, i) => `a${i}@x.org, Name ${i} ,r${i}`).join(eol);

describe('readCsv', () => {
  it('reports an unclosed quote at the end of the file, whichever reader meets it, in its own words', async () => {
    const text = `email,name,external_ref\n${plain(5)}\nb@x.org,"unterminated,r\nc@x.org,C,r\n`;
    for (const size of [text.length, 20, 3]) {
      const { rows, errors } = await read(text, size);
      expect(rows).toHaveLength(5);
      expect(errors).toEqual([
        {
          row: 8,
          column: '',
          reason:
            'a quoted field is still open at the end of the file: a " opens a field on this row or before it, and no " closes it',
          fatal: true,
        },
      ]);
    }
  });

  it('reports a file without a header row as empty, and a header alone as no rows', async () => {
    for (const text of ['', '\n\r\n', '\uFEFF']) {
      const { rows, errors } = await read(text, 3);
      expect(rows, JSON.stringify(text)).toEqual([]);
      expect(errors.map((e) => e.row)).toEqual([1]);
      if (text !== '"') {
        expect(errors[0]).toEqual({
          row: 1,
          column: '',
          reason: 'the file is empty: its first row must name the columns',
          fatal: true,
        });
      }
    }
    expect(await read('email,name\n', 4)).toEqual({ rows: [], errors: [] });
  });

  it('reports a cell holding a NUL character (which PostgreSQL cannot store) and reads on', async () => {
    const text = `email,name,external_ref\na@x.org,A\u0000B,r1\nb@x.org,B,r2\n`;
    const { rows, errors } = await read(text, 5);
    expect(errors).toEqual([
      { row: 2, column: 'name', reason: 'contains a NUL character (\\0), which cannot be stored' },
    ]);
    expect(rows.map((r) => r.values.email)).toEqual(['b@x.org']);
  });

  it('reads the same rows whatever the chunking, with quotes arriving after the fast path started', async () => {
    const text = `\uFEFFemail,name,external_ref\n${plain(50)}\n\n"q@x.org","Doe, ""Jo""\nSmith",r\r\n${plain(3, '\r\n')}\n`;
    const whole = await read(text, text.length);
    expect(whole.errors).toEqual([]);
    expect(whole.rows).toHaveLength(54);
    expect(whole.rows[50]).toEqual({
      row: 52,
      values: { email: 'q@x.org', name: 'Doe, "Jo"\nSmith', external_ref: 'r' },
    });
    expect(whole.rows[53]).toEqual({
      row: 55,
      values: { email: 'a2@x.org', name: 'Name 2', external_ref: 'r2' },
    });
    for (const size of [1, 7, 64, 200]) expect(await read(text, size)).toEqual(whole);
  });

  it('numbers rows as a spreadsheet does across CRLF, empty lines and a bad row count', async () => {
    const text = `email,name,external_ref\r\n${plain(2, '\r\n')}\r\n\r\nb@x.org,only two\r\n${plain(1, '\r\n')}`;
    for (const size of [3, 1000]) {
      const { rows, errors } = await read(text, size);
      expect(rows.map((r) => r.row)).toEqual([2, 3, 5]);
      expect(errors).toEqual([{ row: 4, column: '', reason: 'expected 3 fields, found 2' }]);
    }
  });

  it('reports broken quoting at its line after the fast path read earlier lines', async () => {
    const text = `email,name,external_ref\n${plain(5)}\n\n${plain(1)}\n"open@x.org,name,r\n`;
    const { rows, errors } = await read(text, 16);
    expect(rows).toHaveLength(6);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.row).toBeGreaterThanOrEqual(9);
  });

  it('refuses a header naming a column twice, and marks what stops the reading as fatal', async () => {
    const twice = await read('email,name,email\na@x.org,A,b@x.org\n', 100);
    expect(twice.rows).toEqual([]);
    expect(twice.errors).toEqual([
      { row: 1, column: 'email', reason: 'the column appears more than once', fatal: true },
    ]);
    expect((await read('', 10)).errors.every((e) => e.fatal)).toBe(true);
    expect((await read('email,name\na@x.org,"open\n', 100)).errors.at(-1)?.fatal).toBe(true);
    // A bad row is not fatal: the rows after it are read.
    const bad = await read('email,name\na@x.org\nb@x.org,B\n', 100);
    expect(bad.errors.map((e) => e.fatal)).toEqual([undefined]);
    expect(bad.rows).toHaveLength(1);
  });

  it('stops at a bad header', async () => {
    const { rows, errors } = await read(`email,nope\n${plain(3)}`, 5);
    expect(rows).toEqual([]);
    expect(errors.map((e) => e.column)).toEqual(['nope']);
  });
});

describe('spreadsheet guard', () => {
  it('writes a cell a spreadsheet would run as a formula as text, and nothing else', () => {
    expect(spreadsheetSafe('=HYPERLINK("http://x.example","y")')).toBe(`'=HYPERLINK("http://x.example","y")`);
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(spreadsheetSafe(`${start}1`)).toBe(`'${start}1`);
    // Already apostrophes before a formula: one more, so that reading takes exactly one off.
    expect(spreadsheetSafe("'=1")).toBe("''=1");
    expect(spreadsheetSafe("''-2")).toBe("'''-2");
    for (const kept of [
      '',
      'Kettlebell Fundamentals',
      "'quoted",
      "O'Brien",
      '2025-01-12',
      '0.5',
      ' =1',
      'a=b',
    ])
      expect(spreadsheetSafe(kept)).toBe(kept);
  });

  it('takes exactly one guard off, and gives back every value it guarded', () => {
    expect(spreadsheetPlain("'=1")).toBe('=1');
    expect(spreadsheetPlain("''=1")).toBe("'=1");
    expect(spreadsheetPlain("'plain")).toBe("'plain");
    expect(spreadsheetPlain("'")).toBe("'");
    const cell = fc.stringMatching(/^['=+\-@\t\ra ]{0,6}$/);
    fc.assert(
      fc.property(fc.oneof(cell, fc.string()), (value) => {
        expect(spreadsheetPlain(spreadsheetSafe(value))).toBe(value);
        // What is written never starts a formula.
        expect(spreadsheetSafe(value)).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('reads guarded cells without their guard, in both readers', async () => {
    const fast = "email,name,external_ref\na@x.org,'=1+1,'-7\nb@x.org,''@x,'plain\n";
    const general = `${fast}c@x.org,"'=SUM(A1,A2)",x\n`;
    for (const text of [fast, general]) {
      const { rows, errors } = await read(text, text.length);
      expect(errors).toEqual([]);
      expect(rows.slice(0, 2).map((r) => [r.values.name, r.values.external_ref])).toEqual([
        ['=1+1', '-7'],
        ["'@x", "'plain"],
      ]);
      if (text === general) expect(rows[2]!.values.name).toBe('=SUM(A1,A2)');
    }
  });
});
