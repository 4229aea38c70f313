/**
 * The scale path: PostgreSQL through a node-postgres pool, selected by a
 * connection URL. Migrations take an advisory lock, so several API processes
 * starting together apply each migration once.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CopyDriver, driverClient } from './copy.ts';
import { drizzleStore } from './drizzle-store.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import { CopyOutText } from './pg-copy-out.ts';
import type { SharedStore, Store } from './port.ts';
import type { Db } from './repositories.ts';

/** An arbitrary, fixed key for pg_advisory_lock: "recert migrations". */
const MIGRATION_LOCK = 7_271_330_001;

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
  workMem?: string;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'PostgreSQL';
  }
}

/** The connection under a drizzle database (a pool: check one out) or transaction (its client). */
async function withClient<T>(
  db: Parameters<CopyDriver['copyIn']>[0],
  fn: (c: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = driverClient(db) as pg.Pool | pg.ClientBase;
  if (!(client instanceof pg.Pool)) return fn(client);
  const checkedOut = await client.connect();
  try {
    return await fn(checkedOut);
  } finally {
    checkedOut.release();
  }
}

/** COPY … FROM STDIN through pg-copy-streams, TO STDOUT through CopyOutText (node-postgres has no COPY of its own). */
export const postgresCopy: CopyDriver = {
  copyIn: (db, target, data) =>
    withClient(db, (client) =>
      pipeline(Readable.from([data]), client.query(copyFrom(`copy ${target} from stdin`))),
    ),
  copyOut: (db, query) =>
    withClient(db, (client) => {
      const copy = new CopyOutText(`copy (${query}) to stdout`);
      client.query(copy);
      return copy.text;
    }),
};

/**
 * Opens the database another thread described (`store.shared`), with a few connections of its own.
 * Migrations are left to the store that shared it.
 */
export function openSharedPostgres(shared: SharedStore, maxConnections = 3): Promise<Store> {
  return openPostgres({
    url: shared.url,
    maxConnections,
    ...(shared.workMem ? { workMem: shared.workMem } : {}),
  });
}

export async function openPostgres(options: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Timestamps come back in UTC on every connection, as on the embedded store. No JIT: the
    // batch reads of a large population are costed high enough to be compiled on every run, and
    // compiling took five times as long as running them (1M people: 136 ms of JIT, 24 ms of work
    // per batch of 2,000). Every query here is short; none gains from it.
    options: `-c TimeZone=UTC -c work_mem=${options.workMem ?? '64MB'} -c jit=off`,
  });
  const db = drizzle({ client: pool }) as unknown as Db;
  await db.execute(sql`select 1`);
  return drizzleStore({
    db,
    info: {
      description: `PostgreSQL at ${redactUrl(options.url)}`,
      concurrentReads: true,
      sharedByProcesses: true,
      overlapWrites: true,
    },
    shared: { kind: 'postgres', url: options.url, ...(options.workMem ? { workMem: options.workMem } : {}) },
    copy: postgresCopy,
    async applyMigrations() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(drizzle({ client }) as never, { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  });
}
