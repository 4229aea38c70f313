/**
 * The HiGHS adapter for the solver port. HiGHS runs synchronously, so it lives
 * in a worker thread: the caller stays responsive, and a solve that overruns
 * its time limit is stopped by terminating the worker (HiGHS's own time limit
 * normally stops it first; the hard stop is the backstop).
 */
import { Worker } from 'node:worker_threads';
import type { MipModel, MipSolution, SolveOptions, SolverPort } from './solver.ts';

const WORKER_URL = new URL('./highs-worker.mjs', import.meta.url);

/** Extra time after HiGHS's own limit before the worker is terminated. */
const HARD_STOP_GRACE_MS = 2_000;

interface Pending {
  resolve(solution: MipSolution): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** The worker solving it: when that worker dies, only its own solves fail. */
  worker: Worker;
}

interface WorkerReply {
  id: number;
  ok: boolean;
  status?: MipSolution['status'];
  values?: number[];
  objective?: number;
  gap?: number;
  ms?: number;
  message?: string;
}

export class HighsSolver implements SolverPort {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      clearTimeout(entry.timer);
      this.pending.delete(reply.id);
      if (!reply.ok) {
        entry.resolve({
          status: 'error',
          values: [],
          objective: 0,
          gap: 1,
          ms: 0,
          message: reply.message ?? '',
        });
        return;
      }
      entry.resolve({
        status: reply.status ?? 'error',
        values: reply.values ?? [],
        objective: reply.objective ?? 0,
        gap: reply.status === 'optimal' ? 0 : (reply.gap ?? 1),
        ms: reply.ms ?? 0,
      });
    });
    worker.on('error', (error) => this.failAll(worker, error));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(worker, new Error('the solver stopped unexpectedly'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(worker: Worker, error: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.worker !== worker) continue;
      clearTimeout(entry.timer);
      this.pending.delete(id);
      entry.reject(error);
    }
  }

  /** Solves run one at a time, so a queued solve's time limit starts when its own solve does. */
  private queue: Promise<unknown> = Promise.resolve();

  solve(model: MipModel, options: SolveOptions): Promise<MipSolution> {
    const run = this.queue.then(() => this.solveNow(model, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private solveNow(model: MipModel, options: SolveOptions): Promise<MipSolution> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<MipSolution>((resolve, reject) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        // HiGHS did not honour its own limit: stop the thread and report the timeout.
        this.pending.delete(id);
        this.worker = undefined;
        void worker.terminate();
        resolve({
          status: 'time-limit',
          values: [],
          objective: 0,
          gap: 1,
          ms: performance.now() - started,
          message: 'the solver was stopped at its time limit',
        });
      }, options.timeLimitMs + HARD_STOP_GRACE_MS);
      this.pending.set(id, { resolve, reject, timer, worker });
      worker.postMessage({ id, model, timeLimitSeconds: Math.max(0.001, options.timeLimitMs / 1000) });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
