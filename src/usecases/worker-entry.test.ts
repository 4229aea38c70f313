import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { pruneOlder, workerEntry } from './worker-entry.ts';

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

  it("removes a worker's bundles of earlier code once they are a day old, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-cache-'));
    const day = 24 * 60 * 60;
    const file = (name: string, ageSeconds: number) => {
      const path = join(dir, name);
      writeFileSync(path, '');
      const at = Date.now() / 1000 - ageSeconds;
      utimesSync(path, at, at);
      return path;
    };
    const kept = file('hello-worker-1111111111111111.mjs', 0);
    const old = file('hello-worker-2222222222222222.mjs', 2 * day);
    const recent = file('hello-worker-3333333333333333.mjs', 60);
    const otherWorker = file('other-worker-4444444444444444.mjs', 2 * day);
    const notABundle = file('hello-worker-notes.txt', 2 * day);
    pruneOlder(dir, 'hello-worker', kept);
    expect([kept, old, recent, otherWorker, notABundle].map(existsSync)).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    // The one just written stays, however old its time says it is.
    utimesSync(kept, 0, 0);
    pruneOlder(dir, 'hello-worker', kept);
    expect(existsSync(kept)).toBe(true);
  });

  it('falls back to the wrapper, which gives the same worker, when the source cannot be bundled', async () => {
    const missing = new URL('./worker-entry-fixture/no-such-worker.ts', import.meta.url);
    expect(await workerEntry(missing, WRAPPER)).toBe(WRAPPER);
    expect(await firstMessage(WRAPPER)).toEqual(await firstMessage(await workerEntry(SOURCE, WRAPPER)));
  });
});
