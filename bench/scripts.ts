/**
 * Benchmarks that run as their own scripts (they start servers, child
 * processes or a browser and write their own result file): the runner starts
 * each in a fresh Node process and indexes the file it wrote.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from './suite.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function scriptSuite(name: string, script: string, description: string): BenchSuite {
  return {
    name,
    description,
    async run({ args, log }) {
      const argv = [...args].flatMap(([k, v]) => [`--${k}`, v]);
      log(`node bin/run-ts.mjs ${script} ${argv.join(' ')}`);
      const child = spawnSync(
        process.execPath,
        [
          '--expose-gc',
          '--max-old-space-size=16384',
          // As the CLI and server run (package.json, bin/recert.mjs): see docs/ARCHITECTURE.md.
          '--max-semi-space-size=64',
          join(ROOT, 'bin/run-ts.mjs'),
          join(ROOT, script),
          ...argv,
        ],
        { cwd: ROOT, stdio: 'inherit' },
      );
      if (child.status !== 0) throw new Error(`${script} exited with ${child.status ?? child.signal}`);
      const file = `${name}-${new Date().toISOString().slice(0, 10)}.json`;
      const path = join(ROOT, 'bench', 'results', file);
      if (!existsSync(path)) throw new Error(`${script} wrote no ${file}`);
      const written = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      return { external: file, headline: written.headline ?? written.summary ?? null };
    },
  };
}
