/**
 * CopyOutText reads the COPY protocol off the socket: whatever the socket's
 * chunking, it collects exactly the rows' bytes, skips the messages around
 * them, and hands node-postgres every byte after CopyDone (or from an
 * ErrorResponse on) in order.
 */
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import type { Connection } from 'pg';
import { describe, expect, it } from 'vitest';
import { CopyOutText } from './pg-copy-out.ts';

const message = (code: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};

/** A connection whose socket already has node-postgres's reader; `sent` records the SQL. */
function fakeConnection() {
  const stream = new EventEmitter();
  const handedBack: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => handedBack.push(Buffer.from(chunk)));
  const sent: string[] = [];
  const connection = { stream, query: (text: string) => sent.push(text) } as unknown as Connection;
  return { stream, connection, handedBack, sent };
}

/** Splits bytes at the given cut points (positions in 0..length). */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks.filter((c) => c.length > 0);
}

const row = fc
  .array(fc.oneof(fc.string(), fc.constantFrom('Zoë', '✓', '𝄞', '\\N', '\t')), { maxLength: 4 })
  .map((fields) => `${fields.join('\t')}\n`);

describe('CopyOutText', () => {
  it('collects exactly the rows, however the socket splits the messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.nat({ max: 30 }),
        async (rows, cuts, noticeAt) => {
          const { stream, connection, handedBack, sent } = fakeConnection();
          const copy = new CopyOutText('copy (select 1) to stdout');
          copy.submit(connection);
          expect(sent).toEqual(['copy (select 1) to stdout']);
          const data = rows.map((r) => message('d', Buffer.from(r)));
          // A notice may arrive between rows; it is not part of the data.
          data.splice(Math.min(noticeAt, data.length), 0, message('N', Buffer.from('Snotice\0\0')));
          const after = Buffer.concat([
            message('C', Buffer.from('COPY 1\0')),
            message('Z', Buffer.from('I')),
          ]);
          const wire = Buffer.concat([
            message('H', Buffer.from([0, 0, 0])),
            ...data,
            message('c', Buffer.alloc(0)),
            after,
          ]);
          for (const chunk of chunked(wire, cuts)) stream.emit('data', chunk);
          // node-postgres got its reader back, and every byte after CopyDone.
          expect(stream.listenerCount('data')).toBe(1);
          expect(Buffer.concat(handedBack).equals(after)).toBe(true);
          copy.handleCommandComplete();
          copy.handleReadyForQuery();
          expect(await copy.text).toBe(rows.join(''));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('hands an error and everything after it to node-postgres, and rejects with its error', async () => {
    for (const cut of [1, 3, 5, 6, 9, 12, 40]) {
      const { stream, connection, handedBack } = fakeConnection();
      const copy = new CopyOutText('copy (select nonsense) to stdout');
      copy.submit(connection);
      const error = Buffer.concat([
        message('E', Buffer.from('SERROR\0C42703\0Mcolumn "nonsense" does not exist\0\0')),
        message('Z', Buffer.from('I')),
      ]);
      const wire = Buffer.concat([
        message('H', Buffer.from([0, 0, 0])),
        message('d', Buffer.from('a\n')),
        error,
      ]);
      for (const chunk of chunked(wire, [cut])) stream.emit('data', chunk);
      expect(Buffer.concat(handedBack).equals(error)).toBe(true);
      expect(stream.listenerCount('data')).toBe(1);
      const failure = new Error('column "nonsense" does not exist');
      copy.handleError(failure);
      copy.handleReadyForQuery();
      await expect(copy.text).rejects.toBe(failure);
    }
  });
});
