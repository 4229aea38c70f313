/**
 * PostgreSQL for tests: a private, throw-away cluster on 127.0.0.1.
 *
 * - RECERT_TEST_PG (or DATABASE_URL) names a server to use; each caller gets a
 *   fresh database on it.
 * - Otherwise initdb and pg_ctl are looked for in /usr/lib/postgresql/<v>/bin,
 *   /usr/local/bin and PATH, and a cluster is created in a temp folder on a
 *   free port (as root, through `runuser -u postgres`, since PostgreSQL
 *   refuses to run as root).
 * - When no PostgreSQL can be found, tests of that backend are skipped with a
 *   loud message locally, but with CI=true this throws: CI must not pass by
 *   skipping.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestCluster {
  /** A server URL with a superuser, database "postgres". */
  adminUrl: string;
  stop(): Promise<void>;
}

/** Whether a PostgreSQL server or its binaries are at hand; under CI=true a missing one throws. */
export function postgresAvailable(): boolean {
  if (process.env.RECERT_TEST_PG ?? process.env.DATABASE_URL) return true;
  if (findBinDir()) return true;
  if (process.env.CI === 'true') throw new Error(postgresMissingMessage());
  console.warn(`\n*** ${postgresMissingMessage()} ***\n`);
  return false;
}

function findBinDir(): string | undefined {
  const candidates: string[] = [];
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(base, v, 'bin'));
  }
  candidates.push('/usr/local/bin', '/usr/bin');
  for (const dir of candidates)
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return found ? join(found, '..') : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd as string, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function postgresMissingMessage(): string {
  return (
    'PostgreSQL tests SKIPPED: no RECERT_TEST_PG/DATABASE_URL and no initdb/pg_ctl found. ' +
    'Install it with `apt-get install -y postgresql` (CI=true makes this a failure).'
  );
}

/** Starts a private cluster, or returns undefined (locally) when PostgreSQL is not installed. */
export async function startTestCluster(
  options: { durable?: boolean } = {},
): Promise<TestCluster | undefined> {
  const given = process.env.RECERT_TEST_PG ?? process.env.DATABASE_URL;
  if (given) return { adminUrl: given, stop: async () => {} };
  const bin = findBinDir();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error(postgresMissingMessage());
    console.warn(`\n*** ${postgresMissingMessage()} ***\n`);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'recert-pg-'));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=50',
    // A test cluster trades durability for speed; nothing here must survive a crash. Benchmarks keep the defaults.
    ...(options.durable
      ? ['-c shared_buffers=512MB', '-c max_wal_size=4GB']
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates an empty database on the cluster and returns its URL. */
export async function createTestDatabase(cluster: TestCluster): Promise<string> {
  const name = `recert_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: cluster.adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(cluster.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
