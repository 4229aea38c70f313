import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileStorage } from '../files/storage.ts';
import { createContext, SYSTEM } from '../usecases/context.ts';
import { logCompletion } from '../usecases/records.ts';
import { reevaluate } from '../usecases/status.ts';
import { createStatusCache, drizzleChangeFeed } from './status-cache.ts';
import { buildTestApi, signUp, type TestApi, type TestUser } from './testing.ts';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi({ statusCache: { pollMs: 50, maxEntries: 100 } });
});
afterAll(() => t.close());

const status = async (user: TestUser, personId: string, query = '') =>
  t.app.inject({ method: 'GET', url: `/people/${personId}/status${query}`, headers: user.headers });
const counted = (body: { holdings: { credential: string; counted?: string }[] }) =>
  body.holdings.find((h) => h.credential === 'nasm.cpt')?.counted;

async function withHolding(name: string) {
  const user = await signUp(t.app, name);
  await t.app.inject({
    method: 'POST',
    url: `/people/${user.personId}/holdings`,
    headers: user.headers,
    payload: { credential: 'nasm.cpt', earned: '2024-03-15' },
  });
  return user;
}

describe('the status cache', () => {
  it('shows a write through the API at once', async () => {
    const user = await withHolding('cache-api');
    const before = counted((await status(user, user.personId, '?on=2025-12-01')).json());
    await t.app.inject({
      method: 'POST',
      url: `/people/${user.personId}/completions`,
      headers: user.headers,
      payload: {
        title: 'Course',
        completed: '2025-03-01',
        credits: [{ credential: 'nasm.cpt', units: '0.5' }],
      },
    });
    const after = counted((await status(user, user.personId, '?on=2025-12-01')).json());
    expect(Number(after)).toBeCloseTo(Number(before) + 0.5, 6);
  });

  it('catches up with writes made outside this process, from the audit log', async () => {
    const user = await withHolding('cache-outside');
    const before = counted((await status(user, user.personId, '?on=2025-12-01')).json());
    const uc = createContext({
      store: t.store,
      files: localFileStorage(tmpdir()),
      clock: () => t.clock.now(),
    });
    await logCompletion(uc, SYSTEM, user.personId, {
      title: 'Logged by the operator',
      completed: '2025-04-01',
      credits: [{ credential: 'nasm.cpt', units: '0.3' }],
    });
    await expect
      .poll(async () => Number(counted((await status(user, user.personId, '?on=2025-12-01')).json())), {
        timeout: 3000,
        interval: 50,
      })
      .toBeCloseTo(Number(before) + 0.3, 6);
  });

  it('follows the date: a new day is evaluated afresh', async () => {
    const user = await withHolding('cache-date');
    const today = (await status(user, user.personId)).json();
    expect(today.asOf).toBe('2026-03-01');
    t.clock.set('2026-03-10T08:00:00Z');
    try {
      const later = (await status(user, user.personId)).json();
      expect(later.asOf).toBe('2026-03-10');
      const before = today.holdings.find((h: { credential: string }) => h.credential === 'nasm.cpt');
      const cpt = later.holdings.find((h: { credential: string }) => h.credential === 'nasm.cpt');
      expect(cpt.daysLeft).toBe(5);
      expect(before.daysLeft).toBe(14);
    } finally {
      t.clock.set('2026-03-01T12:00:00Z');
    }
  });

  it('stops showing a status as soon as consent or membership is withdrawn', async () => {
    const trainer = await withHolding('cache-trainer');
    const owner = await signUp(t.app, 'cache-owner');
    const viewer = await signUp(t.app, 'cache-viewer');
    const org = (
      await t.app.inject({
        method: 'POST',
        url: '/organisations',
        headers: owner.headers,
        payload: { name: 'Gym' },
      })
    ).json();
    await t.app.inject({
      method: 'POST',
      url: `/organisations/${org.id}/members`,
      headers: owner.headers,
      payload: { email: viewer.email, role: 'viewer' },
    });
    const consent = `/people/${trainer.personId}/consents/${org.id}`;
    await t.app.inject({
      method: 'PUT',
      url: consent,
      headers: trainer.headers,
      payload: { scope: 'status' },
    });
    expect((await status(owner, trainer.personId)).statusCode).toBe(200);
    expect((await status(viewer, trainer.personId)).statusCode).toBe(200);
    await t.app.inject({
      method: 'DELETE',
      url: `/organisations/${org.id}/members/${viewer.accountId}`,
      headers: owner.headers,
    });
    expect((await status(viewer, trainer.personId)).statusCode).toBe(403);
    expect((await status(owner, trainer.personId)).statusCode).toBe(200);
    await t.app.inject({ method: 'DELETE', url: consent, headers: trainer.headers });
    expect((await status(owner, trainer.personId)).statusCode).toBe(403);
  });

  it('keeps entries through a re-evaluation of stored summaries, and drops a changed person’s', async () => {
    const user = await withHolding('cache-reevaluate');
    const cache = await createStatusCache(t.store.repositoriesFor(drizzleChangeFeed));
    try {
      const first = await cache.get(user.accountId, user.personId, '2026-03-01', async () =>
        Buffer.from('first'),
      );
      expect(String(first)).toBe('first');
      const uc = createContext({
        store: t.store,
        files: localFileStorage(tmpdir()),
        clock: () => t.clock.now(),
      });
      await reevaluate(uc, SYSTEM, '2026-03-01', { personIds: [user.personId] });
      await cache.sync();
      const kept = await cache.get(user.accountId, user.personId, '2026-03-01', async () =>
        Buffer.from('second'),
      );
      expect(String(kept)).toBe('first');
      await logCompletion(uc, SYSTEM, user.personId, { title: 'New', completed: '2026-02-01' });
      await cache.sync();
      const fresh = await cache.get(user.accountId, user.personId, '2026-03-01', async () =>
        Buffer.from('third'),
      );
      expect(String(fresh)).toBe('third');
    } finally {
      cache.close();
    }
  });
});
