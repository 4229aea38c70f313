/**
 * Every store backend the suites run against, like Kysely's DIALECTS list:
 * `describe.each(BACKENDS)` runs a suite once per backend. PostgreSQL runs on
 * a private cluster started once per test file (see test/pg.ts); when it is
 * not installed the suite is reported as skipped, loudly (and fails under CI).
 */
import { afterAll, describe, it } from 'vitest';
import { openPglite } from '../../src/store/pglite.ts';
import type { Store } from '../../src/store/port.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { createTestDatabase, postgresAvailable, startTestCluster, type TestCluster } from '../pg.ts';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh, migrated, empty store. */
  open(): Promise<Store>;
}

let cluster: Promise<TestCluster | undefined> | undefined;

const pglite: Backend = {
  name: 'pglite',
  async open() {
    const store = await openPglite();
    await store.migrate();
    return store;
  },
};

const postgres: Backend = {
  name: 'postgres',
  async open() {
    cluster ??= startTestCluster();
    const c = await cluster;
    if (!c) throw new Error('PostgreSQL is not available');
    const store = await openPostgres({ url: await createTestDatabase(c), maxConnections: 4 });
    await store.migrate();
    return store;
  },
};

/** Stops this file's cluster once its tests are done. */
afterAll(async () => {
  const c = await cluster;
  cluster = undefined;
  await c?.stop();
});

const withPostgres = postgresAvailable();

export const BACKENDS: Backend[] = withPostgres ? [pglite, postgres] : [pglite];

/** Registers a visibly skipped suite for each backend that is not installed here. */
export function reportSkippedBackends(): void {
  if (!withPostgres)
    describe.skip('postgres backend: not installed (apt-get install -y postgresql)', () => it('skipped'));
}

/** Opens a store for a backend given its name, for child processes and benchmarks. */
export async function databaseUrlForChild(): Promise<string | undefined> {
  cluster ??= startTestCluster();
  const c = await cluster;
  return c ? createTestDatabase(c) : undefined;
}
