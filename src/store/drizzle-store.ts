/**
 * Builds a Store from a drizzle database and what its adapter knows how to do
 * (migrate, close). Both backends go through here, so the port's behaviour
 * cannot drift between them.
 */
import { getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { CopyDriver } from './copy.ts';
import { readMigrationState } from './migrations.ts';
import type { MigrationState, SharedStore, Store, StoreInfo } from './port.ts';
import { type Db, repositories } from './repositories.ts';
import { TABLES_IN_ORDER } from './tables.ts';

export interface AdapterParts {
  db: Db;
  info: StoreInfo;
  /** How other threads open the same database, where they can. */
  shared?: SharedStore;
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
    ...(parts.shared ? { shared: parts.shared } : {}),
    transaction: (fn) => db.transaction((tx) => fn(repositories(tx as unknown as Db, parts.copy))),
    async migrate(): Promise<MigrationState> {
      await parts.applyMigrations();
      return readMigrationState(db);
    },
    migrationState: () => readMigrationState(db),
    repositoriesFor: (build) => build(db),
    async analyze(tables) {
      if (tables === undefined) {
        await db.execute(sql`analyze`);
        return;
      }
      const known = new Map<string, PgTable>(Object.entries(TABLES_IN_ORDER));
      const names = tables.map((name) => {
        const table = known.get(name);
        if (!table) throw new Error(`no table named ${name}`);
        return sql.identifier(getTableName(table));
      });
      if (names.length > 0) await db.execute(sql`analyze ${sql.join(names, sql`, `)}`);
    },
    close: parts.close,
  };
}
