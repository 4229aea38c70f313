/**
 * The authorisation matrix: every route that names a stored resource, called
 * by every kind of caller from another tenant — anonymous, each role of
 * another organisation, a plain account, and that account's API tokens —
 * on tenant B's people, holdings, completions, evidence, organisation,
 * members and tokens. Every call must be refused, and B's data must be
 * exactly as it was afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  buildTestApi,
  multipartFile,
  signUp,
  type TestApi,
  type TestUser,
  TINY_PDF,
} from './testing.ts';

describe.each(BACKENDS)('on %s', (backend) => {
  let t: TestApi;

  interface Caller {
    name: string;
    headers: Record<string, string>;
    anonymous?: boolean;
  }

  const ids: Record<string, string> = {};
  const callers: Caller[] = [];
  let bob: TestUser;
  let ownerB: TestUser;
  let snapshotB: () => Promise<string>;

  async function as(user: TestUser, method: string, url: string, payload?: object) {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: user.headers,
      ...(payload ? { payload } : {}),
    });
    if (res.statusCode >= 300)
      throw new Error(`${method} ${url} failed in setup: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  beforeAll(async () => {
    t = await buildTestApi({}, backend);
    // Tenant B: an organisation with a managed person and a consenting trainer, who has records and evidence.
    ownerB = await signUp(t.app, 'owner-b');
    bob = await signUp(t.app, 'bob');
    const ob = await as(ownerB, 'POST', '/organisations', { name: 'Tenant B' });
    const hb = await as(bob, 'POST', `/people/${bob.personId}/holdings`, {
      credential: 'nasm.cpt',
      earned: '2024-03-15',
    });
    const cb = await as(bob, 'POST', `/people/${bob.personId}/completions`, {
      title: 'Workshop',
      completed: '2025-02-02',
      credits: [{ credential: 'nasm.cpt', units: '0.8', status: 'pending' }],
    });
    const form = multipartFile('cert.pdf', 'application/pdf', TINY_PDF);
    const eb = await t.app.inject({
      method: 'POST',
      url: `/completions/${cb.id}/evidence`,
      headers: { ...bob.headers, ...form.headers },
      payload: form.payload,
    });
    const mb = await as(ownerB, 'POST', `/organisations/${ob.id}/people`, { name: 'Managed by B' });
    await as(bob, 'PUT', `/people/${bob.personId}/consents/${ob.id}`, { scope: 'records' });
    await as(ownerB, 'PUT', `/organisations/${ob.id}/roster/${bob.personId}`, {});
    const tb = await as(bob, 'POST', '/auth/tokens', { name: 'bob', scopes: ['read', 'write'] });
    const invite = await as(ownerB, 'POST', `/organisations/${ob.id}/invitations`, {
      email: 'someone-else@example.test',
      role: 'admin',
    });
    Object.assign(ids, {
      personId: bob.personId,
      managedPersonId: mb.id,
      holdingId: hb.id,
      completionId: cb.id,
      evidenceId: eb.json().id,
      organisationId: ob.id,
      accountId: ownerB.accountId,
      tokenId: tb.token.id,
      invitationToken: invite.token,
    });

    // Tenant A: an organisation with one account in each role, plus a plain account and its tokens.
    const ownerA = await signUp(t.app, 'owner-a');
    const oa = await as(ownerA, 'POST', '/organisations', { name: 'Tenant A' });
    ids.attackerOrganisationId = oa.id;
    callers.push(
      { name: 'anonymous', headers: {}, anonymous: true },
      { name: 'owner of A', headers: ownerA.headers },
    );
    for (const role of ['admin', 'member', 'viewer'] as const) {
      const user = await signUp(t.app, role);
      const { token } = await as(ownerA, 'POST', `/organisations/${oa.id}/invitations`, {
        email: user.email,
        role,
      });
      await as(user, 'POST', '/invitations/accept', { token });
      callers.push({ name: `${role} of A`, headers: user.headers });
    }
    const plain = await signUp(t.app, 'plain');
    callers.push({ name: 'plain account', headers: plain.headers });
    for (const scopes of [['read'], ['read', 'write']]) {
      const made = await as(plain, 'POST', '/auth/tokens', { name: scopes.join('+'), scopes });
      callers.push({
        name: `token ${scopes.join('+')}`,
        headers: { authorization: `Bearer ${made.secret}` },
      });
    }
    callers.push({ name: 'session without CSRF', headers: { cookie: ownerA.cookie } });

    snapshotB = async () => {
      const parts = await Promise.all([
        as(bob, 'GET', `/people/${bob.personId}/profile`),
        as(bob, 'GET', `/people/${bob.personId}`),
        as(bob, 'GET', `/people/${bob.personId}/consents`),
        as(bob, 'GET', '/auth/tokens'),
        as(ownerB, 'GET', `/organisations/${ob.id}`),
        as(ownerB, 'GET', `/organisations/${ob.id}/members`),
        as(ownerB, 'GET', `/organisations/${ob.id}/roster`),
        as(ownerB, 'GET', `/people/${mb.id}/profile`),
        t.app
          .inject({ method: 'GET', url: `/organisations/${ob.id}/roster.csv`, headers: ownerB.headers })
          .then((r) => r.body),
        t.app
          .inject({ method: 'GET', url: `/evidence/${eb.json().id}`, headers: bob.headers })
          .then((r) => r.statusCode),
      ]);
      return JSON.stringify(parts);
    };
  });
  afterAll(() => t.close());

  /** A valid body for each operation, so a refusal comes from authorisation and not from validation. */
  const BODIES: Record<string, () => object | undefined> = {
    'PATCH /people/{personId}': () => ({ name: 'Taken over' }),
    'PUT /people/{personId}/profile': () => ({ holdings: [] }),
    'POST /people/{personId}/holdings': () => ({ credential: 'ace.cpt', earned: '2024-01-01' }),
    'PUT /holdings/{holdingId}': () => ({ credential: 'ace.cpt', earned: '2024-01-01' }),
    'POST /holdings/{holdingId}/renewals': () => ({ date: '2026-01-01' }),
    'POST /people/{personId}/completions': () => ({ title: 'Injected', completed: '2025-01-01' }),
    'PUT /completions/{completionId}': () => ({ title: 'Changed', completed: '2025-01-01' }),
    'PUT /completions/{completionId}/credits/{creditIndex}/status': () => ({ status: 'approved' }),
    'PUT /people/{personId}/consents/{organisationId}': () => ({ scope: 'records' }),
    'POST /organisations/{organisationId}/members': () => ({ email: 'plain-1@example.test', role: 'owner' }),
    'PATCH /organisations/{organisationId}/members/{accountId}': () => ({ role: 'viewer' }),
    'POST /organisations/{organisationId}/invitations': () => ({
      email: 'intruder@example.test',
      role: 'owner',
    }),
    'PUT /organisations/{organisationId}/roster/{personId}': () => ({}),
    'POST /organisations/{organisationId}/people': () => ({ name: 'Planted' }),
    'POST /people/{personId}/plan': () => ({ on: '2025-06-01', goals: { until: '2027-12-31' } }),
  };

  /** CSV uploads, sent as text/csv. */
  const CSV_BODIES: Record<string, string> = {
    'POST /people/{personId}/completions.csv': 'completed,title\n2025-01-01,Planted\n',
    'POST /organisations/{organisationId}/roster.csv': 'email,name\nplanted@example.test,Planted\n',
  };
  /** A person-targeted CSV import reports a person the caller may not write as a bad row: refused, nothing written. */
  const REFUSED_AS_BAD_ROWS = new Set(['POST /people/{personId}/completions.csv']);

  /** Values to try for each path parameter: tenant B's, and for consent the caller's own organisation too. */
  function candidates(param: string, route: string): string[] {
    switch (param) {
      case 'personId':
        return [ids.personId!, ids.managedPersonId!];
      case 'organisationId':
        return route.includes('/consents/')
          ? [ids.organisationId!, ids.attackerOrganisationId!]
          : [ids.organisationId!];
      case 'creditIndex':
        return ['0'];
      default: {
        const value = ids[param];
        if (!value) throw new Error(`the matrix has no value for path parameter {${param}} of ${route}`);
        return [value];
      }
    }
  }

  function expand(path: string, route: string): string[] {
    const match = /\{(\w+)\}/.exec(path);
    if (!match) return [path];
    return candidates(match[1]!, route).flatMap((v) => expand(path.replace(match[0], v), route));
  }

  describe('authorisation matrix', () => {
    it('refuses every caller from another tenant on every route that names a stored resource', async () => {
      const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      const before = await snapshotB();
      const operations = Object.entries(spec.paths)
        .filter(([path]) => path.includes('{') && !path.startsWith('/rules/'))
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
      expect(operations.length).toBeGreaterThanOrEqual(25);

      const granted: string[] = [];
      let checked = 0;
      for (const { method, path } of operations) {
        const route = `${method} ${path}`;
        for (const url of expand(path, route)) {
          for (const caller of callers) {
            let res: Awaited<ReturnType<typeof t.app.inject>>;
            if (route === 'POST /completions/{completionId}/evidence') {
              const form = multipartFile('x.pdf', 'application/pdf', TINY_PDF);
              res = await t.app.inject({
                method: 'POST',
                url,
                headers: { ...caller.headers, ...form.headers },
                payload: form.payload,
              });
            } else if (CSV_BODIES[route] !== undefined) {
              res = await t.app.inject({
                method: method as 'POST',
                url,
                headers: { ...caller.headers, 'content-type': 'text/csv' },
                payload: CSV_BODIES[route],
              });
            } else {
              const body = BODIES[route]?.();
              res = await t.app.inject({
                method: method as 'GET',
                url,
                headers: caller.headers,
                ...(body ? { payload: body } : {}),
              });
            }
            checked += 1;
            const refusals = REFUSED_AS_BAD_ROWS.has(route) ? [400, 401, 403, 404] : [401, 403, 404];
            const ok = caller.anonymous ? res.statusCode === 401 : refusals.includes(res.statusCode);
            if (!ok)
              granted.push(`${caller.name}: ${method} ${url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
            else expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          }
        }
      }
      expect(granted).toEqual([]);
      expect(checked).toBeGreaterThan(operations.length * callers.length - 1);
      expect(await snapshotB()).toBe(before);
    });

    it('refuses an invitation to someone else’s e-mail', async () => {
      for (const caller of callers.filter((c) => !c.anonymous)) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/invitations/accept',
          headers: caller.headers,
          payload: { token: ids.invitationToken },
        });
        expect([403, 404], `${caller.name}`).toContain(res.statusCode);
      }
    });

    it('refuses roles below admin inside their own organisation', async () => {
      const owner = await signUp(t.app, 'own');
      const org = await as(owner, 'POST', '/organisations', { name: 'Inside' });
      for (const role of ['member', 'viewer'] as const) {
        const user = await signUp(t.app, `in-${role}`);
        const { token } = await as(owner, 'POST', `/organisations/${org.id}/invitations`, {
          email: user.email,
          role,
        });
        await as(user, 'POST', '/invitations/accept', { token });
        const attempts = [
          t.app.inject({
            method: 'POST',
            url: `/organisations/${org.id}/invitations`,
            headers: user.headers,
            payload: { email: 'z@example.test', role: 'admin' },
          }),
          t.app.inject({
            method: 'PATCH',
            url: `/organisations/${org.id}/members/${owner.accountId}`,
            headers: user.headers,
            payload: { role: 'viewer' },
          }),
          t.app.inject({ method: 'GET', url: `/organisations/${org.id}/audit`, headers: user.headers }),
        ];
        for (const res of await Promise.all(attempts))
          expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
        const roster = await t.app.inject({
          method: 'GET',
          url: `/organisations/${org.id}/roster`,
          headers: user.headers,
        });
        expect(roster.statusCode).toBe(200);
      }
    });
  });
});
