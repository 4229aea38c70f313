/**
 * Store benchmarks, on each backend (embedded PGlite in a temp folder, and
 * PostgreSQL from DATABASE_URL or a private cluster started here):
 *
 *   import      bulk import of a completions CSV through the product's import
 *               use-case (streamed parse, checks, one transaction): rows/s, peak RSS
 *   reevaluate  a demo population re-evaluated end to end: read every person,
 *               run the engine, write the per-holding status summaries
 *   status      one person's status (authorised read + evaluation) with the
 *               population stored: p50 / p99 latency
 *
 *   node --expose-gc bin/run-ts.mjs bench/store.ts [--people N] [--completions M]
 *        [--backend pglite|postgres|both] [--only import|population] [--samples K] [--out file]
 *        [--import-order people|scattered]
 *
 * Full-scale run (the targets): --people 1000000 --completions 1000000.
 * Results go to bench/results/store-<date>.json (medians of --repeat runs,
 * where a phase is repeated).
 */

import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { shippedRuleSet } from '../src/catalog/load.ts';
import { loadDemo } from '../src/demo/load.ts';
import { localFileStorage } from '../src/files/storage.ts';
import { openPglite } from '../src/store/pglite.ts';
import type { Store } from '../src/store/port.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { registerAccount } from '../src/usecases/accounts.ts';
import { type Actor, createContext, SYSTEM, type UseCaseContext } from '../src/usecases/context.ts';
import { timeOrderedIds } from '../src/usecases/ids.ts';
import { importCompletionsCsv, importRosterCsv } from '../src/usecases/imports.ts';
import { createOrganisation } from '../src/usecases/organisations.ts';
import { defaultReevaluationWorkers, getPersonStatus, reevaluate } from '../src/usecases/status.ts';
import { createTestDatabase, startTestCluster, type TestCluster } from '../test/pg.ts';

interface Args {
  people: number;
  completions: number;
  backends: ('pglite' | 'postgres')[];
  samples: number;
  out?: string;
  asOf: string;
  /** Which phases run: the import, the population (load, re-evaluate, status reads), or both. */
  phases: ('import' | 'population')[];
  /** The import file's rows name people in turn (people), or each round in a scattered order. */
  importOrder: 'people' | 'scattered';
}

function importOrderOf(value: string | undefined): Args['importOrder'] {
  if (value === undefined || value === 'people' || value === 'scattered') return value ?? 'people';
  throw new Error(`--import-order must be people or scattered, not "${value}"`);
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const backend = get('backend') ?? 'both';
  return {
    people: Number(get('people') ?? 20_000),
    completions: Number(get('completions') ?? 200_000),
    backends: backend === 'both' ? ['pglite', 'postgres'] : [backend as 'pglite' | 'postgres'],
    samples: Number(get('samples') ?? 500),
    ...(get('out') ? { out: get('out')! } : {}),
    asOf: '2026-01-01',
    phases: get('only') ? [get('only') as 'import' | 'population'] : ['import', 'population'],
    importOrder: importOrderOf(get('import-order')),
  };
}

/** Peak resident memory during a phase, sampled (maxRSS would only ever grow over the whole run). */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  const start = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - start) / 1000, peakRssMb: Math.round(peak / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function openBackend(
  name: 'pglite' | 'postgres',
  dir: string,
  cluster: () => Promise<TestCluster>,
): Promise<Store> {
  const store =
    name === 'pglite'
      ? await openPglite({ dir: mkdtempSync(join(dir, 'pglite-')) })
      : await openPostgres({ url: process.env.DATABASE_URL ?? (await createTestDatabase(await cluster())) });
  await store.migrate();
  return store;
}

/** The product's own id source (time-ordered UUIDs): ids decide where rows land in the primary keys. */
function contextFor(store: Store, dir: string): UseCaseContext {
  return createContext({
    store,
    files: localFileStorage(join(dir, 'files')),
    clock: () => new Date('2026-01-01T00:00:00.000Z'),
  });
}

/**
 * The import's i-th completion: ten completions per person, one credit of 0.1 CEU. Each round
 * names every person once: in turn, or scattered (the person at a prime stride, as a file sorted by
 * something else than the person would).
 */
function importRow(i: number, people: string[], order: Args['importOrder'] = 'people') {
  const month = String(1 + (i % 12)).padStart(2, '0');
  const day = String(1 + (i % 28)).padStart(2, '0');
  const turn = i % people.length;
  return {
    person: people[order === 'people' ? turn : (turn * SCATTER_STRIDE) % people.length]!,
    completed: `2025-${month}-${day}`,
    title: `Course ${i % 997}`,
    provider: `Provider ${i % 13}`,
  };
}

/** A prime that divides no population size used here (powers of ten and their multiples by 2 or 5). */
const SCATTER_STRIDE = 7919;

/** A completions CSV naming people by id (`importRow`). */
function writeCompletionsCsv(path: string, rows: number, people: string[], order: Args['importOrder']): void {
  const chunks: string[] = ['person,completed,title,provider,hours,credential,units,status\n'];
  for (let i = 0; i < rows; i++) {
    const row = importRow(i, people, order);
    chunks.push(`${row.person},${row.completed},${row.title},${row.provider},1.5,nasm.cpt,0.1,approved\n`);
  }
  writeFileSync(path, chunks.join(''));
}

async function benchImport(
  name: 'pglite' | 'postgres',
  args: Args,
  dir: string,
  cluster: () => Promise<TestCluster>,
) {
  const store = await openBackend(name, dir, cluster);
  try {
    const ctx = contextFor(store, dir);
    const personCount = Math.max(1, Math.ceil(args.completions / 10));
    const people = Array.from({ length: personCount }, (_, i) => `imp-p${String(i).padStart(8, '0')}`);
    for (let i = 0; i < people.length; i += 10_000) {
      await store.people.insertMany(
        people.slice(i, i + 10_000).map((id) => ({ id, createdAt: '2026-01-01T00:00:00.000Z' })),
      );
    }
    const csv = join(dir, `completions-${name}.csv`);
    writeCompletionsCsv(csv, args.completions, people, args.importOrder);
    const run = await measure(() =>
      importCompletionsCsv(ctx, SYSTEM, createReadStream(csv), {}, { batchSize: 10_000 }),
    );
    if (!run.value.committed || run.value.imported !== args.completions) {
      throw new Error(`import failed: ${JSON.stringify(run.value.errors.slice(0, 3))}`);
    }
    rmSync(csv, { force: true });
    const roster = await benchRosterImport(ctx, dir, name, personCount);
    return {
      rows: args.completions,
      people: personCount,
      seconds: round(run.seconds, 2),
      rowsPerSecond: Math.round(args.completions / run.seconds),
      peakRssMb: run.peakRssMb,
      databaseOnly: await databaseCopyTime(name, args, dir, cluster, people),
      roster,
    };
  } finally {
    await store.close();
  }
}

/**
 * A certifying body's roster import: one member per ten completions (100,000 at full scale), each
 * a new person the organisation manages, then the same file again (every member found, renamed).
 */
async function benchRosterImport(ctx: UseCaseContext, dir: string, name: string, members: number) {
  const owner = await registerAccount(ctx, { email: 'owner@body.example', password: 'long enough password' });
  const actor: Actor = { kind: 'account', accountId: owner.account.id };
  const body = (await createOrganisation(ctx, actor, { name: 'Certifying body' })).id;
  const csv = join(dir, `roster-${name}.csv`);
  const write = (suffix: string) => {
    const lines = ['email,name,external_ref'];
    for (let i = 0; i < members; i++) lines.push(`member${i}@body.example,Member ${i}${suffix},M-${i}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
  };
  const run = async (suffix: string) => {
    write(suffix);
    const timed = await measure(() => importRosterCsv(ctx, actor, body, createReadStream(csv)));
    if (!timed.value.committed || timed.value.imported !== members) {
      throw new Error(`roster import failed: ${JSON.stringify(timed.value.errors.slice(0, 3))}`);
    }
    return { seconds: round(timed.seconds, 2), rowsPerSecond: Math.round(members / timed.seconds) };
  };
  const first = await run('');
  const again = await run(' (renamed)');
  rmSync(csv, { force: true });
  return { rows: members, newMembers: first, everyMemberRenamed: again };
}

/**
 * The database's own share of an import: the same completions, already encoded, written by the
 * same COPY statements in one transaction into a fresh store, timing only the writes. No import
 * can be faster than this on the same machine; it says how much of the import is our code.
 */
async function databaseCopyTime(
  name: 'pglite' | 'postgres',
  args: Args,
  dir: string,
  cluster: () => Promise<TestCluster>,
  people: string[],
) {
  const store = await openBackend(name, dir, cluster);
  try {
    for (let i = 0; i < people.length; i += 10_000) {
      await store.people.insertMany(
        people.slice(i, i + 10_000).map((id) => ({ id, createdAt: '2026-01-01T00:00:00.000Z' })),
      );
    }
    (globalThis as { gc?: () => void }).gc?.();
    let writing = 0;
    const newId = timeOrderedIds();
    await store.transaction(async (tx) => {
      const writer = tx.records.completionWriter();
      for (let start = 0; start < args.completions; start += 10_000) {
        const end = Math.min(args.completions, start + 10_000);
        for (let i = start; i < end; i++) {
          const row = importRow(i, people, args.importOrder);
          writer.add({
            id: newId(),
            personId: row.person,
            position: Math.floor(i / people.length),
            completion: {
              completed: row.completed,
              title: row.title,
              provider: row.provider,
              hours: 1.5,
              credits: [{ credential: 'nasm.cpt', units: 100, status: 'approved' }],
              source: 'imported',
              evidence: [],
            },
          });
        }
        const t0 = performance.now();
        await writer.flush();
        writing += performance.now() - t0;
      }
    });
    const seconds = writing / 1000;
    return { seconds: round(seconds, 2), rowsPerSecond: Math.round(args.completions / seconds) };
  } finally {
    await store.close();
  }
}

/** One re-evaluation's figures, as the report gives them. */
function reevaluationFigures(run: {
  value: { people: number; holdings: number };
  seconds: number;
  peakRssMb: number;
}) {
  return {
    people: run.value.people,
    holdings: run.value.holdings,
    seconds: round(run.seconds, 2),
    peoplePerSecond: Math.round(run.value.people / run.seconds),
    peakRssMb: run.peakRssMb,
    projectedSecondsFor1M: round((run.seconds * 1_000_000) / run.value.people, 0),
  };
}

async function benchPopulation(
  name: 'pglite' | 'postgres',
  args: Args,
  dir: string,
  cluster: () => Promise<TestCluster>,
) {
  const store = await openBackend(name, dir, cluster);
  try {
    const ctx = contextFor(store, dir);
    const load = await measure(() =>
      loadDemo(ctx, SYSTEM, { people: args.people, seed: 1, baseDate: args.asOf }),
    );
    const rowsLoaded = load.value.people + load.value.holdings + load.value.completions;
    const re = await measure(() => reevaluate(ctx, SYSTEM, args.asOf, { batchSize: 2000 }));
    // A nightly run meets a settled database: the bulk load's rows vacuumed (hint bits set, the
    // visibility map built), as autovacuum or an operator does after a load. The first pass above
    // did that work along the way (and on PostgreSQL, autovacuum may have run beside it).
    const vacuum = await measure(() => store.repositoriesFor((db) => db.execute(sql`vacuum analyze`)));
    const settled = await measure(() => reevaluate(ctx, SYSTEM, args.asOf, { batchSize: 2000 }));
    // Side by side, where worker threads ran: the same settled run in one thread.
    const workers = defaultReevaluationWorkers(ctx);
    const oneThread =
      workers > 0
        ? await measure(() => reevaluate(ctx, SYSTEM, args.asOf, { batchSize: 2000, workers: 0 }))
        : undefined;

    // Status reads by people signed in to their own accounts, chosen at random (seeded).
    const withAccounts: { personId: string; actor: Actor }[] = [];
    let after = '';
    while (withAccounts.length < args.samples) {
      const ids = await store.people.idsAfter(after, 5000);
      if (ids.length === 0) break;
      after = ids.at(-1)!;
      for (const id of ids) {
        if (withAccounts.length >= args.samples) break;
        const person = await store.people.findById(id);
        if (person?.accountId && (id.charCodeAt(id.length - 1) + withAccounts.length) % 3 === 0) {
          withAccounts.push({ personId: id, actor: { kind: 'account', accountId: person.accountId } });
        }
      }
    }
    for (const s of withAccounts.slice(0, 20)) await getPersonStatus(ctx, s.actor, s.personId, args.asOf);
    const latencies: number[] = [];
    for (const s of withAccounts) {
      const start = performance.now();
      await getPersonStatus(ctx, s.actor, s.personId, args.asOf);
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    return {
      load: {
        people: load.value.people,
        holdings: load.value.holdings,
        completions: load.value.completions,
        seconds: round(load.seconds, 2),
        rowsPerSecond: Math.round(rowsLoaded / load.seconds),
        peakRssMb: load.peakRssMb,
      },
      reevaluate: { workers, ...reevaluationFigures(re) },
      reevaluateSettled: {
        workers,
        vacuumAnalyzeSeconds: round(vacuum.seconds, 2),
        ...reevaluationFigures(settled),
      },
      ...(oneThread ? { reevaluateSettledOneThread: { workers: 0, ...reevaluationFigures(oneThread) } } : {}),
      status: {
        peopleStored: load.value.people,
        samples: latencies.length,
        p50Ms: round(percentile(latencies, 50), 2),
        p99Ms: round(percentile(latencies, 99), 2),
        maxMs: round(latencies.at(-1) ?? 0, 2),
      },
    };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadAtStart = loadavg().map((n) => round(n, 2));
  shippedRuleSet();
  const dir = mkdtempSync(join(tmpdir(), 'recert-bench-store-'));
  let started: Promise<TestCluster> | undefined;
  const cluster = () => {
    started ??= startTestCluster({ durable: true }).then((c) => {
      if (!c)
        throw new Error('PostgreSQL is not installed: apt-get install -y postgresql, or set DATABASE_URL');
      return c;
    });
    return started;
  };
  const results: Record<string, unknown> = {};
  try {
    for (const backend of args.backends) {
      const result: Record<string, unknown> = {};
      if (args.phases.includes('import')) {
        console.error(`[${backend}] import of ${args.completions} completions…`);
        result.import = await benchImport(backend, args, dir, cluster);
        console.error(`[${backend}] ${JSON.stringify(result.import)}`);
      }
      if (args.phases.includes('population')) {
        console.error(`[${backend}] population of ${args.people} people: load, re-evaluate, status reads…`);
        Object.assign(result, await benchPopulation(backend, args, dir, cluster));
        console.error(`[${backend}] ${JSON.stringify(result)}`);
      }
      results[backend] = result;
    }
  } finally {
    if (started) await (await started).stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 10);
  const report = {
    benchmark: 'store',
    date,
    command: `node --expose-gc bin/run-ts.mjs bench/store.ts ${process.argv.slice(2).join(' ')}`.trim(),
    scale: {
      people: args.people,
      completions: args.completions,
      importAtTargetScale: args.completions >= 1_000_000,
      populationAtTargetScale: args.people >= 1_000_000,
      importOrder: args.importOrder,
      note:
        args.people >= 1_000_000 && args.completions >= 1_000_000
          ? 'full scale'
          : 'REDUCED SCALE where below 1,000,000: run with --people 1000000 --completions 1000000 for the targets',
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: round(totalmem() / 2 ** 30),
      node: process.version,
      // Other work on a shared machine slows every figure; the load average says how much.
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((n) => round(n, 2)),
    },
    notes: [
      'peakRssMb is this process (PGlite runs inside it; a PostgreSQL server is a separate process and not counted)',
      'PostgreSQL: a private cluster started by the benchmark (initdb defaults, fsync on) unless DATABASE_URL is set',
      'the machine is shared with other work, so figures vary between runs',
      'reevaluate: the first pass straight after the demo load; reevaluateSettled: a second pass after VACUUM ANALYZE (timed on its own), the state a nightly run meets',
      'workers: the worker threads a re-evaluation of everyone used (the default: one per core on PostgreSQL, none on PGlite); reevaluateSettledOneThread: the settled pass again in one thread, straight after, side by side',
      'import.roster: a certifying body imports its roster (one member per ten completions), every member a new person it manages; then the same file with every name changed (every member found and renamed); each in one transaction',
      'import.databaseOnly: the same rows, already encoded as COPY text, written by the same COPY statements in one transaction into a fresh store; only the writes are timed (the database alone, a ceiling for any import here)',
    ],
    targets: {
      importRowsPerSecond: { pglite: 100_000, postgres: 200_000 },
      reevaluate1MSecondsPostgres: 30,
    },
    results,
  };
  const out = args.out ?? join('bench', 'results', `store-${date}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

await main();
