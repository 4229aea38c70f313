/** COPY text format: what copyText writes, parseCopyText reads back, field for field. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Completion } from '../core/profile/schema.ts';
import {
  COMPLETION_CONTENT_COLUMNS,
  COMPLETION_LINE_COLUMNS,
  completionLine,
  completionTail,
  contentHash,
  contentHashOfTail,
  contentOfTail,
  mergeCompletionTails,
} from './completion-line.ts';
import { CopyCursor, copyText, FieldDictionary, parseCopyText, textDictionary } from './copy.ts';
import { completionToRows, statusToRow } from './mappers.ts';
import type { HoldingStatusSummary, StoredCompletion } from './model.ts';
import { copyFormat } from './repositories.ts';
import * as t from './schema.ts';
import { statusLine } from './status-line.ts';

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

  it('reads with a cursor what parseCopyText reads, field by field', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 8 }),
        fc.nat({ max: 5 }),
        (rows, extra) => {
          const width = 1 + extra;
          const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? null));
          const text = table.map((r) => `${r.map(copyText).join('\t')}\n`).join('');
          const cursor = new CopyCursor(text);
          const read: (string | null)[][] = [];
          while (cursor.nextRow()) read.push(Array.from({ length: width }, () => cursor.field()));
          expect(read).toEqual(parseCopyText(text));
          expect(read).toEqual(table);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a row read with more or fewer fields than it has', () => {
    const short = new CopyCursor('a\tb\nc\td\n');
    expect(short.nextRow()).toBe(true);
    expect(short.field()).toBe('a');
    expect(() => short.nextRow()).toThrow(/more fields than read/);
    const long = new CopyCursor('a\tb\n');
    long.nextRow();
    long.field();
    long.field();
    expect(() => long.field()).toThrow(/fewer fields than read/);
  });

  it('reads through a dictionary what field() reads, each distinct text made once', () => {
    // Few characters, so that texts of one length often share the characters the key is made of.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\\', '\t', '\n', 'é'), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(fc.constant(null), text), { minLength: 2, maxLength: 2 }), {
          maxLength: 60,
        }),
        (rows) => {
          const data = rows.map((r) => `${r.map(copyText).join('\t')}\n`).join('');
          const made: string[] = [];
          const dictionary = new FieldDictionary((t) => {
            made.push(t);
            return { text: t };
          });
          const plain = textDictionary();
          const cursor = new CopyCursor(data);
          const read: (string | null)[][] = [];
          const seen = new Map<string, { text: string }>();
          while (cursor.nextRow()) {
            const a = cursor.dictionaryField(dictionary);
            const b = cursor.dictionaryField(plain);
            if (a !== null) {
              // One value per distinct text (while its bucket has room: here always).
              expect(seen.get(a.text) ?? a).toBe(a);
              seen.set(a.text, a);
            }
            read.push([a?.text ?? null, b]);
          }
          expect(read).toEqual(rows);
          expect(made.length).toBe(new Set(made).size);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a dictionary bucket short and still reads texts past it', () => {
    // Eight characters, those the key reads (0, 2, 4, 5, 7) the same: every text in one bucket.
    const texts = Array.from(
      { length: 20 },
      (_, i) => `x${String.fromCharCode(65 + i)}x${String.fromCharCode(65 + i)}xxxx`,
    );
    let made = 0;
    const dictionary = new FieldDictionary((t) => {
      made++;
      return t;
    });
    const data = [...texts, ...texts].map((t) => `${t}\n`).join('');
    const cursor = new CopyCursor(data);
    const read: string[] = [];
    while (cursor.nextRow()) read.push(cursor.dictionaryField(dictionary)!);
    expect(read).toEqual([...texts, ...texts]);
    // Eight kept; the other twelve made on both reads.
    expect(made).toBe(8 + 12 * 2);
  });

  it('reads whole numbers in place and refuses anything else', () => {
    const cursor = new CopyCursor('0\t-17\t123456789012345\t7\n12a\n\\N\n\t\n1234567890123456\n');
    cursor.nextRow();
    expect([cursor.intField(), cursor.intField(), cursor.intField(), cursor.intField()]).toEqual([
      0, -17, 123456789012345, 7,
    ]);
    for (const bad of ['12a', '\\N', '', '1234567890123456']) {
      expect(cursor.nextRow()).toBe(true);
      expect(() => cursor.intField(), bad).toThrow(/not a whole number/);
      // The row is left unread: skip it.
      cursor.restOfRow();
    }
  });

  it('reads a last row without its newline, and nothing from nothing', () => {
    expect(parseCopyText('a\t\\N\nb\tc')).toEqual([
      ['a', null],
      ['b', 'c'],
    ]);
    expect(parseCopyText('')).toEqual([]);
  });
});

describe('completionLine', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '\\', '\t', '\n', '\r', '"', 'N', ' ', '😀') });
  const amount = fc.oneof(
    fc.integer({ min: 0, max: 100_000 }),
    fc.double({ min: 0, max: 1000, noNaN: true }),
  );
  const credit = fc.record(
    {
      credential: text,
      units: fc.integer({ min: 0, max: 100_000 }),
      category: text,
      topic: text,
      status: fc.constantFrom('approved', 'pending', 'denied'),
    },
    { requiredKeys: ['credential', 'units', 'status'] },
  );
  const completion = fc.record(
    {
      id: text,
      activity: text,
      title: text,
      provider: text,
      completed: fc.constantFrom('2025-01-31', '1999-12-01'),
      hours: amount,
      format: fc.constantFrom('live', 'online', 'self-study'),
      type: fc.constantFrom('course', 'webinar'),
      event: text,
      college: fc.record({ semesterHours: amount, quarterHours: amount, grade: text }, { requiredKeys: [] }),
      credits: fc.array(credit, { maxLength: 3 }),
      source: fc.constantFrom('self-reported', 'provider-issued', 'imported'),
      evidence: fc.constant([]),
    },
    { requiredKeys: ['completed', 'credits', 'source', 'evidence'] },
  ) as fc.Arbitrary<Completion>;
  const stored: fc.Arbitrary<StoredCompletion> = fc.record({
    id: text,
    personId: text,
    position: fc.nat(),
    completion,
  });

  it('writes what the generic COPY line writes for the mapped row', () => {
    const generic = copyFormat(t.completions);
    fc.assert(
      fc.property(stored, (row) => {
        expect(completionLine(row)).toBe(generic.line(completionToRows(row).completion));
      }),
      { numRuns: 1000 },
    );
  });

  it('merges two tails into the tail of the first completion with both credit lists', () => {
    fc.assert(
      fc.property(completion, completion, (first, second) => {
        const merged = { ...first, credits: [...first.credits, ...second.credits] };
        expect(mergeCompletionTails(completionTail(first), completionTail(second))).toBe(
          completionTail(merged),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("gives a completion's content: its tail but the document id and the source, hashed alike", () => {
    // The content columns are the line's columns after the key, but for ref and source.
    const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    expect(COMPLETION_CONTENT_COLUMNS).toEqual(
      COMPLETION_LINE_COLUMNS.slice(3)
        .map(snake)
        .filter((c) => c !== 'ref' && c !== 'source'),
    );
    fc.assert(
      fc.property(completion, fc.constantFrom('self-reported', 'imported'), (c, source) => {
        const tail = completionTail(c);
        const content = contentOfTail(tail);
        // The line's own fields, field for field, without the two.
        const fields = parseCopyText(`${tail}\n`)[0]!;
        expect(parseCopyText(`${content}\n`)[0]).toEqual([...fields.slice(1, -2), fields.at(-1)]);
        expect(contentHashOfTail(tail)).toBe(contentHash(content));
        expect(Number.isSafeInteger(contentHash(content))).toBe(true);
        // Recorded another way (another document id, another source): the same content.
        const { id: _id, ...withoutId } = c;
        const other = completionTail({ ...withoutId, source });
        expect(contentOfTail(other)).toBe(content);
        expect(contentHashOfTail(other)).toBe(contentHashOfTail(tail));
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes different contents apart', () => {
    // Contents that differ in one field, or only by where a tab falls, hash differently.
    const base = completionTail({
      title: 'Kettlebell Fundamentals',
      provider: 'Local Workshop Co',
      completed: '2025-04-01',
      hours: 8,
      credits: [{ credential: 'nasm.cpt', units: 800, status: 'approved' }],
      source: 'imported',
      evidence: [],
    });
    const variants = [
      base.replace('2025-04-01', '2025-04-02'),
      base.replace('\t8\t', '\t8.5\t'),
      base.replace('800', '900'),
      base.replace('approved', 'pending'),
      base.replace('Fundamentals\tLocal', 'Fundamentals Local\t'),
    ];
    const hashes = new Set([base, ...variants].map(contentHashOfTail));
    expect(hashes.size).toBe(variants.length + 1);
    // No two of 200,000 distinct contents share a hash.
    const many = new Set<number>();
    for (let i = 0; i < 200_000; i++)
      many.add(contentHashOfTail(base.replace('Kettlebell', `Kettlebell ${i}`)));
    expect(many.size).toBe(200_000);
  });
});

describe('statusLine', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '\\', '\t', '\n', '\r', 'N', ' ', '😀') });
  const day = fc.constantFrom('2026-11-21', '1999-01-31', '2030-02-28');
  const units = fc.oneof(
    fc.integer({ min: -5000, max: 3_000_000 }),
    fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 40),
  );
  const summary: fc.Arbitrary<HoldingStatusSummary> = fc.record(
    {
      holdingId: text,
      personId: text,
      credential: text,
      asOf: day,
      status: fc.constantFrom('complete', 'in-progress', 'lapsed', 'grace'),
      cycleStart: day,
      cycleEnd: day,
      requiredMilli: units,
      countedMilli: units,
      missingMilli: units,
    },
    { requiredKeys: ['holdingId', 'personId', 'credential', 'asOf', 'status'] },
  );

  it("writes what the generic encoder writes for the summary's row", () => {
    const format = copyFormat(t.holdingStatuses);
    fc.assert(
      fc.property(summary, (s) => {
        expect(statusLine(s)).toBe(format.line(statusToRow(s)));
      }),
      { numRuns: 2000 },
    );
  });
});
