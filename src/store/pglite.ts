/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) in a folder, with
 * nothing to install. PGlite is one connection; it queues every query behind
 * an open transaction, so writes are serialised by construction.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { AppError } from '../core/errors.ts';
import { type CopyDriver, driverClient } from './copy.ts';
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

/**
 * PGlite is one process's database: a second process writing the same folder
 * would corrupt it. A lock file holds the owner's pid; a lock left by a dead
 * process (a kill, a crash) is taken over.
 */
function lockFolder(dir: string): () => void {
  // Beside the folder, not in it: PGlite owns what is inside.
  const path = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new AppError(
          'conflict',
          `the data folder ${dir} is in use by process ${pid}; stop it first (or use PostgreSQL with DATABASE_URL for several processes)`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError('conflict', `cannot lock the data folder ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface PgliteQueryable {
  query(query: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ blob?: Blob }>;
}

/** COPY through PGlite's virtual `/dev/blob` file, on the client or transaction drizzle holds. */
export const pgliteCopy: CopyDriver = {
  async copyIn(db, target, data) {
    const client = driverClient(db) as PgliteQueryable;
    await client.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([data]) });
  },
  async copyOut(db, query) {
    const client = driverClient(db) as PgliteQueryable;
    try {
      const result = await client.query(`copy (${query}) to '/dev/blob'`);
      return result.blob ? await result.blob.text() : '';
    } catch (error) {
      // PGlite (0.5) keeps what a failed COPY TO wrote to /dev/blob and hands it over with the next
      // successful query's result, so the next COPY would begin with the failed one's rows. A query
      // now takes it; in an aborted transaction that fails too, and the rollback takes it instead.
      await client.query('select 1').catch(() => undefined);
      throw error;
    }
  },
};

export async function openPglite(options: PgliteOptions = {}): Promise<Store> {
  let unlock = () => {};
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    unlock = lockFolder(options.dir);
  }
  let client: PGlite;
  try {
    client = options.dir ? await PGlite.create(options.dir) : await PGlite.create();
  } catch (error) {
    unlock();
    throw error;
  }
  await client.exec(`SET work_mem = '${options.workMem ?? '128MB'}'; SET TimeZone = 'UTC';`);
  const db = drizzle({ client }) as unknown as Db;
  return drizzleStore({
    db,
    info: {
      description: options.dir ? `PGlite at ${options.dir}` : 'PGlite in memory',
      concurrentReads: false,
      sharedByProcesses: false,
      overlapWrites: false,
    },
    copy: pgliteCopy,
    applyMigrations: () => migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    async close() {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  });
}
