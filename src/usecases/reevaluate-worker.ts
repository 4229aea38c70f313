/**
 * The body of a re-evaluation worker thread (reevaluate-pool.ts): opens its own connection, then
 * for each batch of people it is sent, reads, evaluates and writes their summaries into the
 * rebuild, and replies with how many holdings it wrote. A `close` message ends it once its batches
 * are done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../core/errors.ts';
import { openSharedPostgres } from '../store/postgres.ts';
import type { WorkerHello, WorkerReply, WorkerSetup } from './reevaluate-pool.ts';
import { batchEvaluator } from './status.ts';

const port = parentPort!;
const setup = workerData as WorkerSetup;

try {
  const store = await openSharedPostgres(setup.shared);
  const evaluateBatch = batchEvaluator(store, setup.ruleSet, setup.asOf, { contiguous: true });
  const writer = store.statuses.joinRebuild(setup.rebuildId);
  let running = 0;
  let closing = false;
  let closed = false;
  const closeWhenIdle = async () => {
    if (!closing || running > 0 || closed) return;
    closed = true;
    await store.close();
    port.close();
  };
  port.on('message', async (message: { seq: number; ids: string[] } | { close: true }) => {
    if ('close' in message) {
      closing = true;
      await closeWhenIdle();
      return;
    }
    running++;
    let reply: WorkerReply;
    try {
      const rows = await evaluateBatch(message.ids);
      await writer.add(rows);
      reply = { seq: message.seq, holdings: rows.length };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = {
        seq: message.seq,
        error: {
          message: e.message,
          ...(e.stack ? { stack: e.stack } : {}),
          ...(isAppError(e) ? { code: e.code } : {}),
        },
      };
    }
    running--;
    port.postMessage(reply);
    await closeWhenIdle();
  });
  port.postMessage({ ready: true } satisfies WorkerHello);
} catch (error) {
  // A failed connection comes wrapped (drizzle's "Failed query: select 1"): say what lies beneath.
  const messages: string[] = [];
  for (let e: unknown = error; e !== undefined && messages.length < 4; e = (e as { cause?: unknown }).cause) {
    messages.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  const stack = error instanceof Error ? error.stack : undefined;
  port.postMessage({
    ready: false,
    error: {
      message: `a re-evaluation worker could not start: ${messages.join(': ')}`,
      ...(stack ? { stack } : {}),
    },
  } satisfies WorkerHello);
}
