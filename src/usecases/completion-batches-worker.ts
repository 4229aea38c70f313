/**
 * The body of the worker thread that reads a completions file (completion-batches.ts): it is sent
 * the file's chunks, says how many bytes its reader has taken, and posts each batch as it is made.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type BatchWorkerInput,
  type BatchWorkerMessage,
  type BatchWorkerSetup,
  completionBatches,
} from './completion-batches.ts';

const port = parentPort!;
const post = (message: BatchWorkerMessage) => port.postMessage(message);

const queue: (Uint8Array | string)[] = [];
let ended = false;
let wake: (() => void) | undefined;
port.on('message', (message: BatchWorkerInput) => {
  if ('chunk' in message) queue.push(message.chunk);
  else ended = true;
  const w = wake;
  wake = undefined;
  w?.();
});

async function* chunks(): AsyncGenerator<Buffer | string> {
  for (;;) {
    const chunk = queue.shift();
    if (chunk !== undefined) {
      post({ taken: chunk.length });
      yield typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

try {
  for await (const batch of completionBatches(chunks(), (workerData as BatchWorkerSetup).catalog))
    post({ batch });
  post({ done: true });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ error: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) } });
}
port.close();
