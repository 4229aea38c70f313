import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileStorage } from '../files/storage.ts';
import { createContext, SYSTEM } from '../usecases/context.ts';
import { logCompletion } from '../usecases/records.ts';
import { reevaluate } from '../usecases/status.ts';
import { type Change, type ChangeFeed, createStatusCache, drizzleChangeFeed } from './status-cache.ts';
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
    const invitation = await t.app.inject({
      method: 'POST',
      url: `/organisations/${org.id}/invitations`,
      headers: owner.headers,
      payload: { email: viewer.email, role: 'viewer' },
    });
    const joined = await t.app.inject({
      method: 'POST',
      url: '/invitations/accept',
      headers: viewer.headers,
      payload: { token: invitation.json().token },
    });
    expect(joined.statusCode).toBe(200);
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

describe('values kept for an organisation (memo)', () => {
  /** A change feed driven by the test: `write` appends a change, as the audit log would. */
  function feed() {
    const log: Change[] = [];
    return {
      feed: {
        latestSeq: async () => log.length,
        since: async (seq: number, limit: number) => log.slice(seq, seq + limit),
      } satisfies ChangeFeed,
      write(personId: string | null, organisationId: string | null, entity = 'completion') {
        log.push({ seq: log.length + 1, personId, organisationId, entity });
      },
    };
  }
  const roster = (people: string[]) => async () => ({ value: [...people], personIds: people });

  it('keeps a value until a change names its organisation, one of its people, or no person', async () => {
    const f = feed();
    const cache = await createStatusCache(f.feed);
    let computed = 0;
    const get = () =>
      cache.memo('roster:o1', 'o1', async () => {
        computed++;
        return roster(['p1', 'p2'])();
      });
    expect(await get()).toEqual(['p1', 'p2']);
    await get();
    expect(computed).toBe(1);

    // Someone else, another organisation, and re-derived summaries leave it.
    f.write('p9', null);
    f.write('p9', 'o2');
    f.write('p1', null, 'holding-status');
    await cache.sync();
    await get();
    expect(computed).toBe(1);

    for (const [personId, organisationId] of [
      ['p2', null],
      ['p9', 'o1'],
      [null, null],
    ] as const) {
      f.write(personId, organisationId);
      await cache.sync();
      await get();
    }
    expect(computed).toBe(4);
    expect(cache.memos).toBe(1);
    cache.close();
  });

  it('does not keep a value a change touched while it was computed', async () => {
    const f = feed();
    const cache = await createStatusCache(f.feed);
    let computed = 0;
    const slow = (during: () => void) => () =>
      cache.memo('roster:o1', 'o1', async () => {
        computed++;
        during();
        await cache.sync();
        return roster(['p1'])();
      });
    await slow(() => f.write('p1', null))();
    expect(cache.memos).toBe(0);
    // A change to someone not on the roster does not spoil it.
    await slow(() => f.write('p7', null))();
    expect(cache.memos).toBe(1);
    await slow(() => undefined)();
    expect(computed).toBe(2);
    cache.close();
  });

  it('brings a kept value up to date for the people who changed, when it can', async () => {
    const f = feed();
    const cache = await createStatusCache(f.feed);
    const calls: string[] = [];
    let version = 0;
    const get = (during?: () => void) =>
      cache.memo(
        'roster:o1',
        'o1',
        async () => {
          calls.push('compute');
          return { value: `v${++version}`, personIds: ['p1', 'p2', 'p3'] };
        },
        async (kept, changed) => {
          calls.push(`refresh ${kept} ${[...changed].sort().join(',')}`);
          during?.();
          await cache.sync();
          return { value: `v${++version}`, personIds: ['p1', 'p2', 'p3'] };
        },
      );
    expect(await get()).toBe('v1');
    f.write('p2', null);
    f.write('p3', null);
    f.write('p9', null);
    await cache.sync();
    expect(await get()).toBe('v2');
    expect(await get()).toBe('v2');
    expect(calls).toEqual(['compute', 'refresh v1 p2,p3']);
    // A change while it refreshes: the answer is given, the kept value stays marked for next time.
    f.write('p1', null);
    await cache.sync();
    expect(await get(() => f.write('p3', null))).toBe('v3');
    expect(await get()).toBe('v4');
    expect(calls.slice(2)).toEqual(['refresh v2 p1', 'refresh v2 p1,p3']);
    // Someone joining (a change naming the organisation and a person not in the value) is brought in
    // by a refresh too; a change naming the organisation and nobody computes it again.
    f.write('p4', 'o1');
    await cache.sync();
    expect(await get()).toBe('v5');
    expect(calls.at(-1)).toBe('refresh v4 p4');
    f.write(null, 'o1');
    await cache.sync();
    expect(await get()).toBe('v6');
    expect(calls.at(-1)).toBe('compute');
    // Someone joining while the value is computed: that value is not kept.
    f.write(null, null);
    await cache.sync();
    await cache.memo(
      'roster:o1',
      'o1',
      async () => {
        f.write('p5', 'o1');
        await cache.sync();
        return { value: 'without p5', personIds: ['p1'] };
      },
      async () => ({ value: 'unused', personIds: [] }),
    );
    expect(cache.memos).toBe(0);
    cache.close();
  });

  it('keeps a bounded number, dropping the least recently used', async () => {
    const cache = await createStatusCache(feed().feed, { maxMemos: 2 });
    let computed = 0;
    const get = (org: string) =>
      cache.memo(`roster:${org}`, org, async () => {
        computed++;
        return roster([])();
      });
    await get('a');
    await get('b');
    await get('a');
    await get('c');
    expect(cache.memos).toBe(2);
    await get('a');
    expect(computed).toBe(3);
    await get('b');
    expect(computed).toBe(4);
    cache.close();
  });

  it('keeps the people they cover within a bound, and always the newest', async () => {
    const cache = await createStatusCache(feed().feed, { maxMemoPeople: 5 });
    const people = (n: number, org: string) => Array.from({ length: n }, (_, i) => `${org}-${i}`);
    const get = (org: string, n: number) => cache.memo(`roster:${org}`, org, roster(people(n, org)));
    await get('a', 2);
    await get('b', 3);
    expect(cache.memos).toBe(2);
    await get('c', 1);
    expect(cache.memos).toBe(2); // a (the oldest) went to make room
    await get('d', 9);
    expect(cache.memos).toBe(1); // over the bound alone, the newest is kept
    cache.close();
  });
});
