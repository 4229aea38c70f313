/**
 * `npm run bench [-- --only <suite>] [suite options]`: runs the benchmark
 * suites and writes each one's results to bench/results/<suite>-<date>.json,
 * with bench/results/latest.json indexing the newest file of every suite.
 * A suite is one module exporting `suite: BenchSuite`; add it with one line
 * in SUITES.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptSuite } from './scripts.ts';
import { type BenchSuite, environment, peakRssMB, round } from './suite.ts';

const SUITES: Record<string, () => Promise<BenchSuite>> = {
  engine: async () => (await import('./engine.ts')).suite,
  api: async () => (await import('./api.ts')).suite,
  store: async () =>
    scriptSuite(
      'store',
      'bench/store.ts',
      'Bulk import, whole-population re-evaluation and status reads on each backend',
    ),
  roster: async () =>
    scriptSuite(
      'roster',
      'bench/roster.ts',
      "A certifying body's roster dashboard through the API: first view, further pages, after a change",
    ),
  planner: async () =>
    scriptSuite('planner', 'bench/planner.ts', 'Planner solve times on generated catalogs'),
  cli: async () =>
    scriptSuite('cli', 'bench/cli.ts', 'CLI: one-shot status and plan commands, each a new process'),
  web: async () =>
    scriptSuite('web', 'bench/web.ts', 'Web app: JS gzipped and first useful render in Chromium'),
};

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

function parseArgs(argv: string[]): { only: string | undefined; options: Map<string, string> } {
  const options = new Map<string, string>();
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? (argv[i + 1]?.startsWith('--') === false ? argv[++i]! : 'true');
    if (name === 'only') only = value;
    else options.set(name, value);
  }
  return { only, options };
}

interface LatestIndex {
  updated: string;
  suites: Record<string, { file: string; date: string; headline?: unknown }>;
}

async function main(): Promise<void> {
  const { only, options } = parseArgs(process.argv.slice(2));
  const names = only === undefined ? Object.keys(SUITES) : [only];
  for (const name of names) {
    if (!SUITES[name]) {
      console.error(`no suite "${name}"; suites: ${Object.keys(SUITES).join(', ')}`);
      process.exit(2);
    }
  }
  mkdirSync(RESULTS, { recursive: true });
  const indexPath = join(RESULTS, 'latest.json');
  const index: LatestIndex = existsSync(indexPath)
    ? (JSON.parse(readFileSync(indexPath, 'utf8')) as LatestIndex)
    : { updated: '', suites: {} };

  for (const name of names) {
    const suite = await SUITES[name]!();
    const started = new Date();
    const t0 = performance.now();
    console.log(`bench ${name}: ${suite.description}`);
    const results = await suite.run({ args: options, log: (m) => console.log(`  ${m}`) });
    if (typeof results.external === 'string') {
      // The script wrote its own result file; index it as it is.
      index.suites[name] = {
        file: results.external,
        date: started.toISOString(),
        headline: results.headline,
      };
      index.updated = started.toISOString();
      writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
      console.log(`  indexed bench/results/${results.external}`);
      continue;
    }
    const report = {
      suite: name,
      description: suite.description,
      date: started.toISOString(),
      environment: environment(),
      options: Object.fromEntries(options),
      durationSeconds: round((performance.now() - t0) / 1000, 1),
      peakRssMB: peakRssMB(),
      ...results,
    };
    const file = `${name}-${started.toISOString().slice(0, 10)}.json`;
    writeFileSync(join(RESULTS, file), `${JSON.stringify(report, null, 2)}\n`);
    index.suites[name] = { file, date: report.date, headline: results.headline };
    index.updated = report.date;
    writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
    console.log(`  wrote bench/results/${file}`);
  }
}

await main();
