/**
 * API benchmark: GET one person's status with N people stored (default one
 * million), 50 connections for 30 s, beside the bare JSON route (/health)
 * on the same server in the same run — with the status cache on, and again
 * with it off — on the embedded store (PGlite) and on PostgreSQL.
 *
 *   npm run bench -- --only api [--people 1000000] [--backend pglite,postgres]
 *                               [--duration 30] [--connections 50] [--port 3990]
 *
 * The server runs as `recert serve` in a child process; the load generator
 * (autocannon) runs here, on the same machine. The PGlite seed is kept in
 * data/bench-api-pglite-<N> and reused by later runs; PostgreSQL runs in a
 * private throw-away cluster (durable settings) and is seeded each run, unless
 * RECERT_TEST_PG names a server. Results: bench/results/api-<date>.json.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { openStore } from '../src/store/open.ts';
import { startTestCluster, type TestCluster } from '../test/pg.ts';
import { type BenchCaller, benchCaller, type SeedResult, seedPeople } from './api-seed.ts';
import type { BenchSuite } from './suite.ts';

interface Settings {
  /** Server on core 0, load generator on core 1 (Linux, two cores or more). */
  pin: boolean;
  people: number;
  duration: number;
  connections: number;
  port: number;
  log(message: string): void;
}
const ROOT = resolve(import.meta.dirname, '..');

interface Measured {
  route: string;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface Prepared {
  env: Record<string, string>;
  dataDir: string;
  caller: BenchCaller;
  seed: SeedResult | { reused: true; people: number };
  cleanup(): Promise<void>;
}

async function prepare(backend: string, { people, log }: Settings): Promise<Prepared> {
  const dataDir = join(ROOT, 'data', `bench-api-${backend}-${people}`);
  mkdirSync(dataDir, { recursive: true });
  const marker = join(dataDir, 'seeded.json');
  let cluster: TestCluster | undefined;
  const env: Record<string, string> = {};
  let databaseUrl: string | undefined;
  if (backend === 'postgres') {
    cluster = await startTestCluster({ durable: true });
    if (!cluster) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
    // A database named for the population, so a reused cluster URL keeps its seed.
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    const name = `recert_bench_${people}`;
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database ${name}`);
    await admin.end();
    databaseUrl = cluster.adminUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
    env.DATABASE_URL = databaseUrl;
  }
  const store = await openStore({ dataDir, databaseUrl });
  let seed: Prepared['seed'];
  let caller: BenchCaller;
  const previous =
    existsSync(marker) && backend === 'pglite' ? JSON.parse(readFileSync(marker, 'utf8')) : undefined;
  if (previous && (await store.people.count()) >= people) {
    seed = { reused: true, people: await store.people.count() };
    caller = previous.caller;
    log(`${backend}: reusing ${seed.people} people`);
  } else {
    log(`${backend}: seeding ${people} people…`);
    let last = 0;
    seed = await seedPeople(store, people, (done) => {
      if (done - last >= 50_000 || done === people) {
        log(`${backend}: ${done} people`);
        last = done;
      }
    });
    caller = await benchCaller(store);
    writeFileSync(marker, JSON.stringify({ seed, caller }));
    log(`${backend}: seeded in ${seed.seconds.toFixed(0)} s`);
  }
  await store.close();
  return { env, dataDir, caller, seed, cleanup: async () => cluster?.stop() };
}

async function startServer(
  prepared: Prepared,
  cache: boolean,
  { port, pin }: Settings,
): Promise<ChildProcess> {
  const serve = [
    process.execPath,
    join(ROOT, 'bin/recert.mjs'),
    '--data',
    prepared.dataDir,
    'serve',
    '--port',
    String(port),
  ];
  // Pinned, the server and the load generator each keep a core instead of preempting each other.
  const [command, ...args] = pin ? ['taskset', '-c', '0', ...serve] : serve;
  const child = spawn(command!, args, {
    env: {
      ...process.env,
      ...prepared.env,
      LOG_LEVEL: 'warn',
      ...(cache ? {} : { RECERT_STATUS_CACHE: 'off' }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error('the server did not start within 60 s');
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function load(
  route: string,
  path: string,
  headers: Record<string, string>,
  duration: number,
  { port, connections }: Settings,
): Promise<Measured> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections,
    duration,
    headers,
  });
  return {
    route,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

async function measure(prepared: Prepared, cache: boolean, settings: Settings) {
  const { port, duration } = settings;
  const child = await startServer(prepared, cache, settings);
  try {
    const auth = { authorization: `Bearer ${prepared.caller.token}` };
    const statusPath = `/people/${prepared.caller.personId}/status`;
    const check = await fetch(`http://127.0.0.1:${port}${statusPath}`, { headers: auth });
    if (!check.ok) throw new Error(`status request failed: ${check.status} ${await check.text()}`);
    // Warm-up: JIT, connection pools, and (when on) the cache.
    await load('warm-up', statusPath, auth, 3, settings);
    await load('warm-up', '/health', {}, 3, settings);
    const bare = await load('GET /health (bare JSON)', '/health', {}, duration, settings);
    const status = await load(
      `GET /people/{id}/status (cache ${cache ? 'on' : 'off'})`,
      statusPath,
      auth,
      duration,
      settings,
    );
    return {
      cache,
      bare,
      status,
      statusShareOfBare: Number((status.requestsPerSecond / bare.requestsPerSecond).toFixed(3)),
      targets: {
        p99AtMost10ms: status.latencyMs.p99 <= 10,
        zeroErrors: status.errors + status.timeouts + status.non2xx === 0,
        atLeast30PercentOfBare: status.requestsPerSecond >= 0.3 * bare.requestsPerSecond,
      },
    };
  } finally {
    await stopServer(child);
  }
}

function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const suite: BenchSuite = {
  name: 'api',
  description:
    "GET one person's status with N people stored, 50 connections × 30 s, beside the bare JSON route",
  async run(ctx) {
    const pin = ctx.args.get('pin') !== 'false' && cpus().length >= 2 && canPin();
    if (pin) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    const settings: Settings = {
      pin,
      people: Number(ctx.args.get('people') ?? 1_000_000),
      duration: Number(ctx.args.get('duration') ?? 30),
      connections: Number(ctx.args.get('connections') ?? 50),
      port: Number(ctx.args.get('port') ?? 3990),
      log: ctx.log,
    };
    const { log } = settings;
    const loadBefore = loadavg()[0];
    const backends = (ctx.args.get('backend') ?? 'pglite,postgres').split(',').map((b) => b.trim());
    const results = [];
    for (const backend of backends) {
      const prepared = await prepare(backend, settings);
      try {
        log(`${backend}: measuring with the cache on`);
        const cached = await measure(prepared, true, settings);
        log(`${backend}: measuring with the cache off`);
        const uncached = await measure(prepared, false, settings);
        results.push({
          backend,
          people: prepared.seed.people,
          seed: prepared.seed,
          runs: [cached, uncached],
        });
        for (const r of [cached, uncached]) {
          log(
            `${backend} cache ${r.cache ? 'on ' : 'off'}: status ${r.status.requestsPerSecond} req/s p50 ${r.status.latencyMs.p50} ms p99 ${r.status.latencyMs.p99} ms errors ${r.status.errors + r.status.non2xx}; bare ${r.bare.requestsPerSecond} req/s p99 ${r.bare.latencyMs.p99} ms (${(r.statusShareOfBare * 100).toFixed(0)}%)`,
          );
        }
      } finally {
        await prepared.cleanup();
      }
    }
    return {
      headline: results.map((b) => {
        const cached = b.runs[0]!;
        return {
          backend: b.backend,
          people: b.people,
          statusRps: cached.status.requestsPerSecond,
          statusP50Ms: cached.status.latencyMs.p50,
          statusP99Ms: cached.status.latencyMs.p99,
          errors: cached.status.errors + cached.status.non2xx,
          bareRps: cached.bare.requestsPerSecond,
          shareOfBare: cached.statusShareOfBare,
        };
      }),
      load: {
        connections: settings.connections,
        durationSeconds: settings.duration,
        generator: 'autocannon, same machine',
      },
      targets: { p99Ms: 10, errors: 0, shareOfBare: 0.3 },
      // The cores are shared with other work; the 1-minute load average says how busy they were.
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg()[0],
      backends: results,
    };
  },
};
