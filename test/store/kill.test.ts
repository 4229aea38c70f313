/**
 * Killing the process during an import leaves nothing half-imported: the CLI
 * is spawned on a large CSV, killed (SIGKILL) once it has written rows inside
 * its transaction, and the store is then checked for partial rows — on both
 * backends. The same import then runs to completion on the same store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { BACKENDS, databaseUrlForChild, reportSkippedBackends } from './backends.ts';

reportSkippedBackends();

const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = 200_000;

function bigCsv(path: string, person: string, rows: number): void {
  const lines = ['person,completed,title,provider,hours,credential,units'];
  for (let i = 0; i < rows; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${person},2025-03-${day},Course ${i},Provider ${i % 17},1.5,nasm.cpt,0.1`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function runCli(args: string[], env: NodeJS.ProcessEnv, killAt?: RegExp) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/recert.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let killed = false;
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
    if (killAt && !killed && killAt.test(stderr)) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
}

describe.each(BACKENDS)('a killed import on $name', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'recert-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no partial rows, and the store still works', async () => {
    const databaseUrl = backend.name === 'postgres' ? await databaseUrlForChild() : undefined;
    const env = databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' };
    const dataDir = join(dir, 'data');
    const profile = join(dir, 'person.json');
    writeFileSync(profile, JSON.stringify({ person: { email: 'killed@example.com' }, holdings: [] }));
    const created = await runCli(['--data', dataDir, 'import', profile], env);
    expect(created.code).toBe(0);

    const csv = join(dir, 'big.csv');
    bigCsv(csv, 'killed@example.com', ROWS);
    // Killed once 40% of the file has been read: by then batches of rows are written, uncommitted.
    const killed = await runCli(['--data', dataDir, 'import', csv], env, /: [4-9]0%/);
    expect(killed.signal).toBe('SIGKILL');

    const store = await openStore({ dataDir, databaseUrl });
    try {
      expect(await store.records.countCompletions()).toBe(0);
      expect(await store.people.count()).toBe(1);
    } finally {
      await store.close();
    }

    const small = join(dir, 'small.csv');
    bigCsv(small, 'killed@example.com', 1000);
    const finished = await runCli(['--data', dataDir, 'import', small], env);
    expect(finished.code).toBe(0);
    const after = await openStore({ dataDir, databaseUrl });
    try {
      expect(await after.records.countCompletions()).toBe(1000);
      const [person] = await after.people.findByKeys(['killed@example.com']);
      const records = (await after.records.load([person!.id])).get(person!.id)!;
      expect(records.completions.map((c) => c.completion.credits.length)).toEqual(Array(1000).fill(1));
    } finally {
      await after.close();
    }
    // Four child processes and a 200,000-row file: generous on a busy machine.
  }, 300_000);
});
