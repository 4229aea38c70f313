import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi, type TestUser } from '../testing.ts';

let t: TestApi;
let user: TestUser;
beforeAll(async () => {
  t = await buildTestApi();
  user = await signUp(t.app, 'planner');
});
afterAll(() => t.close());

const SEED = {
  holdings: [
    { credential: 'nasm.cpt', earned: '2025-06-01' },
    { credential: 'aha.bls', earned: '2025-05-10' },
  ],
};
const GOALS = { on: '2025-06-01', goals: { until: '2029-12-31', earn: ['nasm.ces', 'nasm.pes'] } };

describe('planning', () => {
  it('plans the seed scenario: one specialization per two-year cycle', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/plan',
      headers: user.headers,
      payload: { profile: SEED, ...GOALS },
    });
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan).toMatchObject({ status: 'optimal', verified: true, asOf: '2025-06-01' });
    // The response keeps every solve statistic, including whether the fewest hours were proven.
    expect(plan.stats).toMatchObject({ gap: 0, timedOut: false, hoursProven: true });
    const specs = plan.actions.filter(
      (a: { grants?: string }) => a.grants === 'nasm.ces' || a.grants === 'nasm.pes',
    );
    const cycles = specs.map(
      (a: { counts: { credential: string; cycleEnd: string }[] }) =>
        a.counts.find((c) => c.credential === 'nasm.cpt')?.cycleEnd,
    );
    expect(new Set(cycles)).toEqual(new Set(['2027-06-01', '2029-06-01']));
  });

  it('plans for a stored person, and refuses another tenant', async () => {
    await t.app.inject({
      method: 'PUT',
      url: `/people/${user.personId}/profile`,
      headers: user.headers,
      payload: SEED,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/people/${user.personId}/plan`,
      headers: user.headers,
      payload: GOALS,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('optimal');
    const other = await signUp(t.app, 'planner-other');
    const denied = await t.app.inject({
      method: 'POST',
      url: `/people/${user.personId}/plan`,
      headers: other.headers,
      payload: GOALS,
    });
    expect(denied.statusCode).toBe(403);
  });

  it('names bad goals, and says why an impossible goal is infeasible', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/plan',
      headers: user.headers,
      payload: { profile: SEED, goals: { until: 'someday', earn: ['NASM CES'] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['goals.until', 'goals.earn[0]']),
    );
    // A plan through a far year is refused at once (it held the server's thread for most of a minute).
    for (const until of ['9999-12-31', '2000-01-01']) {
      const far = await t.app.inject({
        method: 'POST',
        url: '/plan',
        headers: user.headers,
        payload: { profile: SEED, ...GOALS, goals: { ...GOALS.goals, until } },
      });
      expect(far.statusCode, until).toBe(400);
      expect(far.json().errors).toEqual([expect.objectContaining({ field: 'goals.until' })]);
    }
    const broke = await t.app.inject({
      method: 'POST',
      url: '/plan',
      headers: user.headers,
      payload: { profile: SEED, ...GOALS, constraints: { budget: 10 } },
    });
    expect(broke.statusCode).toBe(200);
    expect(broke.json().status).toBe('infeasible');
    expect(broke.json().infeasible.length).toBeGreaterThan(0);
  });

  it('needs a credential', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/plan', payload: { profile: SEED, ...GOALS } });
    expect(res.statusCode).toBe(401);
  });
});
