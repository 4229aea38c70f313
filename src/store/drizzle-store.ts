/**
 * Builds a Store from a drizzle database and what its adapter knows how to do
 * (migrate, close). Both backends go through here, so the port's behaviour
 * cannot drift between them.
 */
import { sql } from 'drizzle-orm';
import type { CopyDriver } from './copy.ts';
import { readMigrationState } from './migrations.ts';
import type { MigrationState, Store, StoreInfo } from './port.ts';
import { type Db, repositories } from './repositories.ts';

export interface AdapterParts {
  db: Db;
  info: StoreInfo;
  /** How COPY travels over this backend's connection (bulk writes and columnar reads). */
  copy: CopyDriver;
  /** Applies pending migrations; the adapter serialises concurrent callers. */
  applyMigrations(): Promise<void>;
  close(): Promise<void>;
}

export function drizzleStore(parts: AdapterParts): Store {
  const { db } = parts;
  return {
    ...repositories(db, parts.copy),
    info: parts.info,
    transaction: (fn) => db.transaction((tx) => fn(repositories(tx as unknown as Db, parts.copy))),
    async migrate(): Promise<MigrationState> {
      await parts.applyMigrations();
      return readMigrationState(db);
    },
    migrationState: () => readMigrationState(db),
    repositoriesFor: (build) => build(db),
    async analyze() {
      await db.execute(sql`analyze`);
    },
    close: parts.close,
  };
}
