import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentHashOfTail } from '../store/completion-line.ts';
import { type CompletionBatch, readCompletionBatches } from './completion-batches.ts';

/** The stream's chunks: the text's bytes cut every `size` bytes (through multi-byte characters too). */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(chunks);
}

/** Every batch's rows and errors, flattened, with the batches' sizes. */
async function readAll(input: Readable, workerFrom: number) {
  const out = { read: 0, errors: [] as CompletionBatch['errors'], rows: [] as unknown[], batches: 0 };
  for await (const batch of readCompletionBatches(input, { workerFrom })) {
    out.batches++;
    out.read += batch.read;
    out.errors.push(...batch.errors);
    for (let i = 0; i < batch.rows.length; i++) {
      out.rows.push([batch.rows[i], batch.persons[i], batch.ids[i], batch.tails[i], batch.hashes[i]]);
      // Rows without an id carry their content's hash (the import's duplicate check), others 0.
      expect(batch.hashes[i]).toBe(batch.ids[i] === '' ? contentHashOfTail(batch.tails[i]!) : 0);
    }
  }
  return out;
}

function bigFile(rows: number, quoted: boolean): string {
  const lines = ['person,id,completed,title,provider,hours,credential,units,status'];
  for (let i = 0; i < rows; i++) {
    const title = quoted && i % 7 === 0 ? `"Café, ""quoted"" ${i}"` : `Course é ${i % 13}`;
    const date = i % 501 === 0 ? '2025-02-30' : `2025-0${1 + (i % 9)}-1${i % 10}`;
    lines.push(
      `p${i % 17},${i % 3 === 0 ? '' : `c${Math.floor(i / 2)}`},${date},${title},Provider ${i % 5},1.5,nasm.cpt,0.${i % 10},approved`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('readCompletionBatches', () => {
  it('gives the same batches on a worker thread as in this thread', async () => {
    for (const quoted of [false, true]) {
      const text = bigFile(9_000, quoted);
      const here = await readAll(chunked(text, 65_536), Number.POSITIVE_INFINITY);
      const there = await readAll(chunked(text, 4_099), 0);
      expect(here.read).toBe(9_000);
      expect(here.rows.length).toBe(9_000 - 18); // every 501st row has a bad date
      expect(here.errors).toHaveLength(18);
      expect(here.batches).toBeGreaterThan(2);
      expect(there).toEqual(here);
    }
  });

  it('reads small files in this thread and files past the threshold on a worker, with the same result', async () => {
    const text = bigFile(300, true);
    const small = await readAll(chunked(text, 1_000), text.length + 1);
    const past = await readAll(chunked(text, 1_000), 5_000);
    expect(past).toEqual(small);
    expect(small.rows.length).toBe(299);
  });

  it('reports a bad header from the worker, as in this thread', async () => {
    const text = 'who,completed\nx,2025-01-01\n';
    const there = await readAll(chunked(text, 5), 0);
    expect(there.errors).toEqual([
      // Fatal: the header is the file's, so not even the valid rows may be imported (it crosses the thread).
      { row: 1, column: 'who', reason: expect.stringContaining('unknown column'), fatal: true },
    ]);
    expect(there).toEqual(await readAll(chunked(text, 5), Number.POSITIVE_INFINITY));
  });

  it('raises a failed read of the stream, and stops the worker', async () => {
    const text = bigFile(2_000, false);
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from(text.slice(0, 50_000));
        throw new Error('the upload was cut off');
      })(),
    );
    await expect(readAll(failing, 0)).rejects.toThrow('the upload was cut off');
  });

  it('stops the worker when the caller stops early', async () => {
    const text = bigFile(9_000, false);
    let seen = 0;
    for await (const batch of readCompletionBatches(chunked(text, 10_000), { workerFrom: 0 })) {
      seen += batch.read;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(9_000);
  });
});
