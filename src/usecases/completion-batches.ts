/**
 * A completions CSV read, checked and encoded in batches, ready for the import to say whose each
 * row is and write it. Everything here depends on the file alone, so a large file is read on a
 * worker thread (completion-batches-worker.ts) while the calling thread resolves people and the
 * database writes the rows before; on PGlite, whose database runs on the calling thread, that
 * moves the reading off the thread the database waits on. A small file (or one read from a
 * source that ends early) is read in this thread: a worker costs about a second to start.
 */
import { Worker } from 'node:worker_threads';
import {
  COMPLETIONS_SPEC,
  type CsvCatalog,
  completionFromCsv,
  type RowError,
  readCsvBatches,
} from '../files/csv.ts';
import { completionTail, contentHashOfTail } from '../store/completion-line.ts';
import { workerEntry } from './worker-entry.ts';

/** One batch of a completions file: its valid rows encoded, and the problems found in it. */
export interface CompletionBatch {
  /** Data rows read (valid or not), for progress. */
  read: number;
  /** Bytes of the file read when the batch was made (its rows, and at most a chunk more), for progress. */
  bytes: number;
  errors: RowError[];
  /** Per valid row, in file order: its row number (the header is row 1). */
  rows: number[];
  /** Per valid row: the `person` column, or '' when the file has none or leaves it empty. */
  persons: string[];
  /** Per valid row: the completion id the file gives, or ''. */
  ids: string[];
  /** Per valid row: the completion's columns as COPY text (`completionTail`). */
  tails: string[];
  /**
   * Per valid row without an id: the hash of its content (`contentHashOfTail`), made here so that
   * on a worker thread it is made beside the database; 0 for a row with an id.
   */
  hashes: number[];
}

/** Reads, checks and encodes a completions CSV stream in this thread. */
export async function* completionBatches(
  input: AsyncIterable<Buffer | string>,
  catalog?: CsvCatalog,
): AsyncGenerator<CompletionBatch> {
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of input) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      yield chunk;
    }
  })();
  let errors: RowError[] = [];
  for await (const { columns, records } of readCsvBatches(counted, COMPLETIONS_SPEC, (e) => errors.push(e))) {
    const batch: CompletionBatch = {
      read: records.length,
      bytes,
      errors,
      rows: [],
      persons: [],
      ids: [],
      tails: [],
      hashes: [],
    };
    errors = [];
    for (const record of records) {
      const parsed = completionFromCsv(record, columns, catalog);
      if (Array.isArray(parsed)) {
        batch.errors.push(...parsed);
        continue;
      }
      batch.rows.push(parsed.row);
      batch.persons.push(parsed.person ?? '');
      batch.ids.push(parsed.completion.id ?? '');
      const tail = completionTail(parsed.completion);
      batch.tails.push(tail);
      batch.hashes.push(parsed.completion.id === undefined ? contentHashOfTail(tail) : 0);
    }
    yield batch;
  }
  if (errors.length > 0)
    yield { read: 0, bytes, errors, rows: [], persons: [], ids: [], tails: [], hashes: [] };
}

export interface ReadOptions {
  /**
   * Files of at least this many bytes are read on a worker thread (default 4 MB, some tens of
   * thousands of rows); 0 always uses one, Infinity never.
   */
  workerFrom?: number;
  /** Refuse rows naming credentials or offerings the catalog does not have. */
  catalog?: CsvCatalog;
}

const DEFAULT_WORKER_FROM = 4 * 1024 * 1024;

/**
 * The batches of a completions CSV stream: read in this thread, or, once the stream has given
 * `workerFrom` bytes, on a worker thread. The batches are the same either way.
 */
export async function* readCompletionBatches(
  input: AsyncIterable<Buffer | string>,
  options: ReadOptions = {},
): AsyncGenerator<CompletionBatch> {
  const workerFrom = options.workerFrom ?? DEFAULT_WORKER_FROM;
  if (workerFrom === Number.POSITIVE_INFINITY) {
    yield* completionBatches(input, options.catalog);
    return;
  }
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: (Buffer | string)[] = [];
  let bytes = 0;
  let ended = false;
  while (bytes < workerFrom) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    bytes += next.value.length;
  }
  const all = async function* () {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  };
  if (ended) yield* completionBatches(all(), options.catalog);
  else yield* completionBatchesInWorker(all(), options.catalog);
}

/** Bytes sent to the worker and not yet taken by its reader: enough to keep it busy. */
const AHEAD_BYTES = 8 * 1024 * 1024;
/** Batches the worker has made and the caller has not taken: beyond this, feeding pauses. */
const AHEAD_BATCHES = 16;

const WORKER_SOURCE = new URL('./completion-batches-worker.ts', import.meta.url);
const WORKER_URL = new URL('./completion-batches-worker.mjs', import.meta.url);

/** What the worker posts. */
export type BatchWorkerMessage =
  | { taken: number }
  | { batch: CompletionBatch }
  | { done: true }
  | { error: { message: string; stack?: string } };

/** What the worker starts with. */
export interface BatchWorkerSetup {
  catalog: CsvCatalog | undefined;
}

/** What the worker is sent: the file's bytes in order, then its end. */
export type BatchWorkerInput = { chunk: Uint8Array | string } | { end: true };

/**
 * The batches of a stream read on a worker thread. This thread only passes the file's chunks on
 * (a copy of each moves to the worker) and keeps the worker at most AHEAD_BYTES ahead of what
 * its reader has taken and AHEAD_BATCHES ahead of what the caller has taken. Stopping early (the
 * caller's loop ends or throws) stops the worker.
 */
async function* completionBatchesInWorker(
  source: AsyncIterable<Buffer | string>,
  catalog?: CsvCatalog,
): AsyncGenerator<CompletionBatch> {
  // Sets travel to the worker by structured clone.
  const worker = new Worker(await workerEntry(WORKER_SOURCE, WORKER_URL), {
    workerData: { catalog } satisfies BatchWorkerSetup,
  });
  const ready: CompletionBatch[] = [];
  let sent = 0;
  let taken = 0;
  let done = false;
  let failure: Error | undefined;
  // Whoever waits (the feeder for room, the caller for a batch) is woken by any change.
  let waiting: (() => void)[] = [];
  const changed = () => {
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  const waitForChange = () => new Promise<void>((resolve) => waiting.push(resolve));
  worker.on('message', (message: BatchWorkerMessage) => {
    if ('taken' in message) taken += message.taken;
    else if ('batch' in message) ready.push(message.batch);
    else if ('done' in message) done = true;
    else failure ??= Object.assign(new Error(message.error.message), { stack: message.error.stack });
    changed();
  });
  worker.on('error', (error) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    changed();
  });
  worker.on('exit', (code) => {
    if (!done) failure ??= new Error(`the worker reading the file stopped (code ${code})`);
    changed();
  });

  let stopped = false;
  const feeding = (async () => {
    for await (const chunk of source) {
      if (stopped) return;
      // A copy of the bytes moves to the worker: the stream may still hold the buffer it gave.
      const data = typeof chunk === 'string' ? chunk : new Uint8Array(chunk);
      worker.postMessage(
        { chunk: data } satisfies BatchWorkerInput,
        typeof data === 'string' ? [] : [data.buffer as ArrayBuffer],
      );
      sent += data.length;
      while (
        !stopped &&
        failure === undefined &&
        (sent - taken > AHEAD_BYTES || ready.length > AHEAD_BATCHES)
      ) {
        await waitForChange();
      }
      if (stopped || failure) return;
    }
    worker.postMessage({ end: true } satisfies BatchWorkerInput);
  })();
  // A failed read of the source is the caller's error; it is raised where the batches are taken.
  feeding.catch((error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    changed();
  });

  try {
    for (;;) {
      const batch = ready.shift();
      if (batch) {
        changed(); // room for the feeder
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await waitForChange();
    }
  } finally {
    stopped = true;
    changed();
    await worker.terminate();
  }
}
