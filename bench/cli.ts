/**
 * CLI benchmark: the wall time of one-shot commands as a user runs them, each
 * a fresh process through bin/recert.mjs (TypeScript loader included):
 *
 *   help    `recert --help` (start-up alone)
 *   status  `recert status examples/seed-profile.yaml --on 2026-01-01`
 *   plan    `recert plan examples/seed-profile.yaml` for the seed scenario
 *
 *   node bin/run-ts.mjs bench/cli.ts [--runs 9] [--out file]
 *
 * With --compare <dir> (another checkout, e.g. a git worktree of an older
 * commit), the same commands run from both, alternating, so the two are
 * measured side by side. Medians and ranges of the runs are reported.
 * Results: bench/results/cli-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    out: { type: 'string' },
    compare: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const ROOT = resolve(import.meta.dirname, '..');
const SEED = join(ROOT, 'examples', 'seed-profile.yaml');

const COMMANDS: Record<string, string[]> = {
  help: ['--help'],
  status: ['status', SEED, '--on', '2026-01-01'],
  plan: ['plan', SEED, '--on', '2025-06-01', '--until', '2029-12-31', '--earn', 'nasm.ces,nasm.pes'],
};

const round = (n: number) => Math.round(n);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Milliseconds for one run of the command from a checkout; fails loudly if the command fails. */
function timeOnce(checkout: string, args: string[]): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, [join(checkout, 'bin', 'recert.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`recert ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return ms;
}

const checkouts = values.compare ? { this: ROOT, compare: resolve(values.compare) } : { this: ROOT };
const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const results: Record<
  string,
  Record<string, { medianMs: number; minMs: number; maxMs: number; runs: number[] }>
> = {};
for (const [name, args] of Object.entries(COMMANDS)) {
  // One untimed run each: the loader's transform cache and the file system are warm, as for a user's
  // second command.
  for (const dir of Object.values(checkouts)) timeOnce(dir, args);
  const runs: Record<string, number[]> = Object.fromEntries(Object.keys(checkouts).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [label, dir] of Object.entries(checkouts)) runs[label]!.push(timeOnce(dir, args));
  }
  results[name] = Object.fromEntries(
    Object.entries(runs).map(([label, ms]) => [
      label,
      {
        medianMs: round(median(ms)),
        minMs: round(Math.min(...ms)),
        maxMs: round(Math.max(...ms)),
        runs: ms.map(round),
      },
    ]),
  );
  console.error(
    `${name}: ${JSON.stringify(Object.fromEntries(Object.entries(results[name]!).map(([k, v]) => [k, v.medianMs])))}`,
  );
}

const date = new Date().toISOString().slice(0, 10);
const report = {
  benchmark: 'cli',
  date,
  command: `node bin/run-ts.mjs bench/cli.ts ${process.argv.slice(2).join(' ')}`.trim(),
  machine: {
    cpus: cpus().length,
    node: process.version,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
  },
  notes: [
    'each run is a new process (node bin/recert.mjs …), timed from spawn to exit; the commands print to a pipe',
    ...(values.compare ? [`compare: ${values.compare}, run alternately with this checkout`] : []),
  ],
  results,
  headline: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.this!.medianMs])),
};
const out = values.out ?? join(ROOT, 'bench', 'results', `cli-${date}.json`);
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report.headline));
