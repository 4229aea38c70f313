/**
 * Settings every PostgreSQL connection of the store runs with: timestamps in UTC (as on the
 * embedded store), and no JIT compilation, which cost population reads more than it saved.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.ts';
import type { Db } from '../../src/store/repositories.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';

reportSkippedBackends();

describe.each(BACKENDS.filter((b) => b.name === 'postgres'))('connections on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('run in UTC and without JIT', async () => {
    const settings = (db: Db) =>
      db.execute(sql`select current_setting('TimeZone') as tz, current_setting('jit') as jit`);
    const outside = await store.repositoriesFor(settings);
    // Several at once, so that more than one pooled connection answers.
    const many = await Promise.all(Array.from({ length: 4 }, () => store.repositoriesFor(settings)));
    for (const result of [outside, ...many]) {
      const rows = (result as unknown as { rows: { tz: string; jit: string }[] }).rows;
      expect(rows).toEqual([{ tz: 'UTC', jit: 'off' }]);
    }
  });
});
