/**
 * Rate limits across API processes on one PostgreSQL: two apps (as two processes behind a load
 * balancer would be) count the same sign-in attempts, windows restart, and keys made of client
 * input of any length are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, startTestCluster, type TestCluster } from '../../test/pg.ts';
import type { Store } from '../store/port.ts';
import { openPostgres } from '../store/postgres.ts';
import type { Api } from './app.ts';
import { sharedRateLimitStore } from './rate-limit-store.ts';
import { buildTestApi, TEST_LIMITS, type TestApi } from './testing.ts';

describe.skipIf(!postgresAvailable())('rate limits shared through PostgreSQL', () => {
  let cluster: TestCluster;
  const stores: Store[] = [];
  const apis: TestApi[] = [];
  const apps: Api[] = [];

  beforeAll(async () => {
    cluster = (await startTestCluster())!;
    const url = await createTestDatabase(cluster);
    for (let i = 0; i < 2; i++) {
      const store = await openPostgres({ url, maxConnections: 2 });
      stores.push(store);
      const api = await buildTestApi({
        store,
        limits: { ...TEST_LIMITS, signIn: { max: 3, timeWindow: 60_000 } },
      });
      apis.push(api);
      apps.push(api.app);
    }
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    for (const store of stores) await store.close();
    await cluster?.stop();
  });

  it('counts sign-in attempts made through either process against one limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await apps[i % 2]!.inject({
        method: 'POST',
        url: '/auth/sign-in',
        payload: { email: 'x@example.test', password: 'whatever it is' },
      });
      codes.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().code).toBe('rate-limited');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    // Each process alone has seen at most three attempts; together they are over the limit.
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });

  it('starts a new window after the last one ends, and stores keys of any length', async () => {
    const Shared = sharedRateLimitStore(stores[0]!);
    const counter = new Shared();
    const hit = (key: string, window: number) =>
      new Promise<{ current: number; ttl: number }>((resolve, reject) =>
        counter.incr(key, (error, result) => (error ? reject(error) : resolve(result!)), window, 3),
      );
    const read = (key: string) =>
      new Promise<{ current: number; ttl: number }>((resolve, reject) =>
        counter.read(key, (error, result) => (error ? reject(error) : resolve(result!)), 200, 3),
      );
    expect((await hit('window:test', 200)).current).toBe(1);
    const second = await hit('window:test', 200);
    expect(second.current).toBe(2);
    expect(second.ttl).toBeGreaterThan(0);
    expect(second.ttl).toBeLessThanOrEqual(200);
    expect((await read('window:test')).current).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await read('window:test')).toEqual({ current: 0, ttl: 0 });
    expect((await hit('window:test', 200)).current).toBe(1);

    const long = `account:${'a'.repeat(20_000)}@example.test`;
    expect((await hit(long, 60_000)).current).toBe(1);
    expect((await hit(long, 60_000)).current).toBe(2);
    // A different long key with the same beginning counts on its own.
    expect((await hit(`${long}x`, 60_000)).current).toBe(1);
  });
});
