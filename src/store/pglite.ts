/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) in a folder, with
 * nothing to install. PGlite is one connection; it queues every query behind
 * an open transaction, so writes are serialised by construction.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { drizzleStore } from './drizzle-store.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import type { Store } from './port.ts';
import type { Db } from './repositories.ts';

export interface PgliteOptions {
  /** Folder for the database files; undefined keeps it in memory (small tests only). */
  dir?: string;
  /** work_mem for sorts and hashes: the 4 MB default made large GROUP BYs several times slower. */
  workMem?: string;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Store> {
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const client = options.dir ? await PGlite.create(options.dir) : await PGlite.create();
  await client.exec(`SET work_mem = '${options.workMem ?? '128MB'}'; SET TimeZone = 'UTC';`);
  const db = drizzle({ client }) as unknown as Db;
  return drizzleStore({
    db,
    info: {
      description: options.dir ? `PGlite at ${options.dir}` : 'PGlite in memory',
      concurrentReads: false,
      overlapWrites: false,
    },
    applyMigrations: () => migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  });
}
