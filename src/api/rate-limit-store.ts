/**
 * @fastify/rate-limit's counters in PostgreSQL, for API processes that share one database behind a
 * load balancer: the plugin's own store counts per process, so N processes would allow N times each
 * limit (a sign-in limit among them). One row per key holds the hits of its current window; a hit
 * after the window starts a new one. Used when the store says other processes share it.
 */
import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import type { Store } from '../store/port.ts';
import { queryRows } from '../store/repositories.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Rows whose window ended this long ago are deleted now and then. */
const SWEEP_AFTER_MS = 60 * 60 * 1000;
/** One hit in this many sweeps. */
const SWEEP_EVERY = 1000;

/** The plugin's store, with the `read` its `{ increment: false }` checks call (missing from its types). */
export type RateLimitStore = FastifyRateLimitStore & {
  read(key: string, callback: Callback, timeWindow: number, max: number): void;
};

/** Keys name what they limit and carry client input (an e-mail address): long ones are hashed. */
function storedKey(key: string): string {
  return key.length <= 200 ? key : `${key.slice(0, 64)}…${createHash('sha256').update(key).digest('hex')}`;
}

/** A store class for the plugin's `store` option, counting in this store's `rate_limits` table. */
export function sharedRateLimitStore(store: Store): new () => RateLimitStore {
  const rows = <T>(query: ReturnType<typeof sql>) => store.repositoriesFor((db) => queryRows<T>(db, query));
  let hits = 0;
  const sweep = () =>
    rows(
      sql`delete from rate_limits where reset_at < now() - make_interval(secs => ${SWEEP_AFTER_MS / 1000})`,
    );

  class SharedRateLimitStore implements RateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      if (++hits % SWEEP_EVERY === 0) sweep().catch(() => undefined);
      rows<{ hits: number; ttl: number }>(sql`
        insert into rate_limits (key, hits, reset_at)
        values (${storedKey(key)}, 1, now() + make_interval(secs => ${timeWindow / 1000}))
        on conflict (key) do update set
          hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
          reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
        returning hits, ceil(extract(epoch from reset_at - now()) * 1000)::float8 as ttl`).then(
        ([row]) => callback(null, { current: row!.hits, ttl: Math.max(0, row!.ttl) }),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: Callback): void {
      rows<{ hits: number; ttl: number }>(sql`
        select hits, ceil(extract(epoch from reset_at - now()) * 1000)::float8 as ttl
        from rate_limits where key = ${storedKey(key)} and reset_at > now()`).then(
        ([row]) =>
          callback(null, row ? { current: row.hits, ttl: Math.max(0, row.ttl) } : { current: 0, ttl: 0 }),
        (error: Error) => callback(error),
      );
    }

    child(): RateLimitStore {
      // Keys carry their limiter's name (app.ts), so every limiter can share the table.
      return new SharedRateLimitStore();
    }
  }
  return SharedRateLimitStore;
}
