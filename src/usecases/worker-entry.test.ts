import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerEntry } from './worker-entry.ts';

const SOURCE = new URL('./worker-entry-fixture/hello-worker.ts', import.meta.url);
const WRAPPER = new URL('./worker-entry-fixture/hello-worker.mjs', import.meta.url);

/** What a worker started on `entry` posts first. */
async function firstMessage(entry: URL): Promise<{ self: string; imported: string; typed: number }> {
  const worker = new Worker(entry);
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('workerEntry', () => {
  it('starts a worker on its TypeScript bundled into one module, each module keeping its own URL', async () => {
    const entry = await workerEntry(SOURCE, WRAPPER);
    expect(entry.href).toMatch(/\/node_modules\/\.cache\/recert-workers\/hello-worker-[0-9a-f]{16}\.mjs$/);
    // Bundled once per process.
    expect(await workerEntry(SOURCE, WRAPPER)).toBe(entry);
    expect(await firstMessage(entry)).toEqual({
      self: SOURCE.href,
      imported: new URL('./worker-entry-fixture/where.ts', import.meta.url).href,
      typed: 2,
    });
  });

  it('falls back to the wrapper, which gives the same worker, when the source cannot be bundled', async () => {
    const missing = new URL('./worker-entry-fixture/no-such-worker.ts', import.meta.url);
    expect(await workerEntry(missing, WRAPPER)).toBe(WRAPPER);
    expect(await firstMessage(WRAPPER)).toEqual(await firstMessage(await workerEntry(SOURCE, WRAPPER)));
  });
});
