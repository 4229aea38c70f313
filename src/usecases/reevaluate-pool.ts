/**
 * Re-evaluating everyone on several cores: worker threads that each read a batch of people over
 * their own connection, evaluate it, and write its summaries into the rebuild's staging table.
 * The calling thread only hands out batches. Batches are independent (a person's summaries depend
 * on their own records alone), so the result is the same as one thread's, batch for batch.
 *
 * Workers get the context's rule set by structured clone (plain data in maps: a few milliseconds,
 * against half a second to load the catalog again), and open the database the store describes
 * (`store.shared`), so only PostgreSQL has them.
 */
import { Worker } from 'node:worker_threads';
import { AppError, type AppErrorCode } from '../core/errors.ts';
import type { RuleSet } from '../core/ruleset.ts';
import type { SharedStore } from '../store/port.ts';
import { workerEntry } from './worker-entry.ts';

const WORKER_SOURCE = new URL('./reevaluate-worker.ts', import.meta.url);
const WORKER_URL = new URL('./reevaluate-worker.mjs', import.meta.url);

/** Batches handed to one worker at a time: one being evaluated while the next is read. */
export const BATCHES_PER_WORKER = 2;

export interface WorkerSetup {
  shared: SharedStore;
  ruleSet: RuleSet;
  asOf: string;
  /** The rebuild the workers write into (`StatusRebuild.id`). */
  rebuildId: string;
}

/** A batch's outcome as a worker posts it. */
export type WorkerReply =
  | { seq: number; holdings: number }
  | { seq: number; error: { message: string; code?: AppErrorCode; stack?: string } };

/** What a worker posts when it is ready, or could not start. */
export type WorkerHello = { ready: true } | { ready: false; error: { message: string; stack?: string } };

interface Pending {
  resolve(holdings: number): void;
  reject(error: Error): void;
}

interface Member {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
  /** Set once the worker has stopped (or failed): nothing more is sent to it. */
  gone?: Error;
}

export class ReevaluationPool {
  private seq = 0;
  private constructor(private readonly members: Member[]) {}

  /** Starts `size` workers and waits until each has opened its connection and rule set. */
  static async start(size: number, setup: WorkerSetup): Promise<ReevaluationPool> {
    const members: Member[] = [];
    const started: Promise<void>[] = [];
    const entry = await workerEntry(WORKER_SOURCE, WORKER_URL);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(entry, {
        workerData: setup,
        // As bin/recert.mjs gives the main thread (--max-semi-space-size=64): evaluation makes
        // short-lived objects by the million. V8's young generation is three semi-spaces.
        resourceLimits: { maxYoungGenerationSizeMb: 192 },
      });
      const member: Member = { worker, busy: 0, pending: new Map() };
      members.push(member);
      started.push(
        new Promise<void>((resolve, reject) => {
          const exited = (code: number) => reject(new Error(`a re-evaluation worker exited (code ${code})`));
          // Only these listeners are removed: a Worker's own (on newListener) carry its messages.
          const settle = () => {
            worker.off('error', reject);
            worker.off('exit', exited);
          };
          worker.once('message', (message: WorkerHello) => {
            settle();
            if (message.ready) resolve();
            else reject(Object.assign(new Error(message.error.message), { stack: message.error.stack }));
          });
          worker.once('error', reject);
          worker.once('exit', exited);
        }).then(() => listen(member)),
      );
    }
    const pool = new ReevaluationPool(members);
    try {
      await Promise.all(started);
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.members.length;
  }

  /** Evaluates and writes one batch of people on the least busy worker; resolves to its holdings. */
  run(ids: readonly string[]): Promise<number> {
    const member = this.members.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (member.gone) return Promise.reject(member.gone);
    const seq = ++this.seq;
    member.busy++;
    return new Promise<number>((resolve, reject) => {
      member.pending.set(seq, { resolve, reject });
      member.worker.postMessage({ seq, ids });
    }).finally(() => {
      member.busy--;
    });
  }

  /** Lets every worker close its connection and exit (after the batches it holds). */
  async close(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        if (m.gone) return;
        const exited = new Promise<void>((resolve) => m.worker.once('exit', () => resolve()));
        m.worker.postMessage({ close: true });
        await exited;
      }),
    );
  }

  /** Stops every worker at once; their connections close with them. */
  async terminate(): Promise<void> {
    await Promise.all(this.members.map((m) => m.worker.terminate().catch(() => undefined)));
  }
}

function listen(member: Member): void {
  const { worker, pending } = member;
  worker.on('message', (reply: WorkerReply) => {
    const waiting = pending.get(reply.seq);
    if (!waiting) return;
    pending.delete(reply.seq);
    if ('error' in reply) waiting.reject(errorOf(reply.error));
    else waiting.resolve(reply.holdings);
  });
  const stop = (error: Error) => {
    member.gone ??= error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => stop(error instanceof Error ? error : new Error(String(error))));
  worker.on('exit', (code) => stop(new Error(`a re-evaluation worker exited (code ${code})`)));
}

/** A worker's error as the caller would have seen it in one thread: AppErrors keep their code. */
function errorOf(error: { message: string; code?: AppErrorCode; stack?: string }): Error {
  const made = error.code ? new AppError(error.code, error.message) : new Error(error.message);
  if (error.stack) made.stack = error.stack;
  return made;
}
