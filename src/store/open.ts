/**
 * The composition root's one choice of backend: PostgreSQL when a connection
 * URL is given, otherwise the embedded PGlite store in <dataDir>/pglite.
 * Migrations run on open, so a fresh folder or database is ready to use.
 */
import { join } from 'node:path';
import { openPglite } from './pglite.ts';
import type { Store } from './port.ts';
import { openPostgres } from './postgres.ts';

export interface OpenStoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Skip migrations (for `recert db status`, which reports them without applying). */
  migrate?: boolean;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres({ url: options.databaseUrl })
    : await openPglite({ dir: join(options.dataDir, 'pglite') });
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

/** Where evidence files live for a data folder. */
export function filesDir(dataDir: string): string {
  return join(dataDir, 'files');
}
