import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../auth/model.ts';
import { drizzleAuthRepositories } from '../auth/repository.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from '../plugins/auth.ts';
import { buildTestApi, signUp, TEST_LIMITS, type TestApi } from '../testing.ts';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi();
});
afterAll(() => t.close());

const PASSWORD = 'correct horse battery';

describe('sign-up, sign-in and sign-out', () => {
  it('signs up with HttpOnly SameSite session cookies and a readable CSRF cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-up',
      payload: { email: 'Ada@Example.test', password: PASSWORD, name: 'Ada' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().account).toMatchObject({ email: 'ada@example.test', name: 'Ada' });
    expect(res.json().account.passwordHash).toBeUndefined();
    const session = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const csrf = res.cookies.find((c) => c.name === CSRF_COOKIE)!;
    expect(csrf.httpOnly).toBeUndefined();
    expect(csrf.value).toBe(res.json().csrfToken);
    const me = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      cookies: { [SESSION_COOKIE]: session.value },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ account: { email: 'ada@example.test' }, via: 'session' });
    expect(me.headers['cache-control']).toBe('private, no-store');
  });

  it('refuses a taken e-mail, a short password and unknown fields, naming the field', async () => {
    const user = await signUp(t.app, 'taken');
    const taken = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-up',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors).toEqual([expect.objectContaining({ field: 'email' })]);
    const short = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-up',
      payload: { email: 'b@example.test', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([expect.objectContaining({ field: 'password', in: 'body' })]);
    const extra = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-up',
      payload: { email: 'c@example.test', password: PASSWORD, admin: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors).toEqual([expect.objectContaining({ field: 'admin' })]);
  });

  it('signs in with the right password only, and signs out for good', async () => {
    const user = await signUp(t.app, 'signin');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { email: user.email, password: 'wrong password!' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.cookies).toHaveLength(0);
    const nobody = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { email: 'nobody@example.test', password: PASSWORD },
    });
    expect(nobody.statusCode).toBe(401);
    expect(nobody.json().detail).toBe(wrong.json().detail);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { email: user.email.toUpperCase(), password: PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const headers = { 'x-csrf-token': ok.json().csrfToken };
    const out = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-out',
      cookies: { [SESSION_COOKIE]: cookie },
      headers,
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === SESSION_COOKIE)?.value).toBe('');
    const after = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      cookies: { [SESSION_COOKIE]: cookie },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthenticated');
  });

  it('expires sessions after their lifetime', async () => {
    const user = await signUp(t.app, 'expiry');
    t.clock.set('2026-03-16T12:00:01Z');
    try {
      const res = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: user.cookie } });
      expect(res.statusCode).toBe(401);
    } finally {
      t.clock.set('2026-03-01T12:00:00Z');
    }
  });

  it('changes the password: the old one stops working, other sessions end', async () => {
    const user = await signUp(t.app, 'pw');
    const again = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { email: user.email, password: PASSWORD },
    });
    const second = `${SESSION_COOKIE}=${again.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: second } })).statusCode,
    ).toBe(200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: user.headers,
      payload: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: user.headers,
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(ok.statusCode).toBe(204);
    const old = await t.app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(old.statusCode).toBe(401);
    // The session that changed it stays; every other session of the account ends.
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: user.cookie } })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: second } })).statusCode,
    ).toBe(401);
  });
});

describe('CSRF protection for cookie sessions', () => {
  it('refuses an unsafe request without the CSRF header, or with another session’s token', async () => {
    const user = await signUp(t.app, 'csrf');
    const other = await signUp(t.app, 'csrf-other');
    const payload = { name: 'ci', scopes: ['read'] };
    const none = await t.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { cookie: user.cookie },
      payload,
    });
    expect(none.statusCode).toBe(403);
    expect(none.json().detail).toMatch(/CSRF/);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { cookie: user.cookie, 'x-csrf-token': other.csrf },
      payload,
    });
    expect(foreign.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/auth/tokens', headers: user.headers, payload });
    expect(ok.statusCode).toBe(201);
  });

  it('needs no CSRF token for safe methods', async () => {
    const user = await signUp(t.app, 'csrf-get');
    const res = await t.app.inject({ method: 'GET', url: '/auth/tokens', headers: { cookie: user.cookie } });
    expect(res.statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  it('shows a token once, stores only its hash, and lists it without the secret', async () => {
    const user = await signUp(t.app, 'tok');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: user.headers,
      payload: { name: 'laptop', scopes: ['read', 'write'], expiresInDays: 30 },
    });
    expect(res.statusCode).toBe(201);
    const { token, secret } = res.json();
    expect(secret).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'laptop', scopes: ['read', 'write'], prefix: secret.slice(0, 8) });
    expect(token.tokenHash).toBeUndefined();
    const repos = t.store.repositoriesFor(drizzleAuthRepositories);
    const stored = await repos.tokens.findById(token.id);
    expect(stored?.tokenHash).toBe(hashSecret(secret));
    expect(JSON.stringify(stored)).not.toContain(secret);
    const list = await t.app.inject({ method: 'GET', url: '/auth/tokens', headers: { cookie: user.cookie } });
    expect(list.json().tokens).toHaveLength(1);
    expect(list.body).not.toContain(secret);
  });

  it('authenticates with its scopes, cannot manage tokens, and stops working once revoked', async () => {
    const user = await signUp(t.app, 'scopes');
    const make = async (scopes: string[]) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/auth/tokens',
          headers: user.headers,
          payload: { name: 'x', scopes },
        })
      ).json();
    const reader = await make(['read']);
    const bearer = (s: string) => ({ authorization: `Bearer ${s}` });
    const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(reader.secret) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ via: 'token', scopes: ['read'] });
    const write = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(reader.secret),
      payload: { currentPassword: PASSWORD, newPassword: 'another long passphrase' },
    });
    expect(write.statusCode).toBe(403);
    const mint = await t.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: bearer(reader.secret),
      payload: { name: 'y', scopes: ['read'] },
    });
    expect(mint.statusCode).toBe(403);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/auth/tokens/${reader.token.id}`,
      headers: user.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(reader.secret) });
    expect(after.statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/auth/tokens/${reader.token.id}`,
      headers: user.headers,
    });
    expect(again.statusCode).toBe(404);
  });

  it('rejects unknown, malformed and expired tokens, and another account’s token ids', async () => {
    const user = await signUp(t.app, 'bad-token');
    const other = await signUp(t.app, 'bad-token-other');
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { authorization: 'Bearer rt_nope' },
    });
    expect(unknown.statusCode).toBe(401);
    const malformed = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.statusCode).toBe(401);
    const short = (
      await t.app.inject({
        method: 'POST',
        url: '/auth/tokens',
        headers: user.headers,
        payload: { name: 'short', scopes: ['read'], expiresInDays: 1 },
      })
    ).json();
    t.clock.set('2026-03-02T12:00:01Z');
    try {
      const expired = await t.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { authorization: `Bearer ${short.secret}` },
      });
      expect(expired.statusCode).toBe(401);
    } finally {
      t.clock.set('2026-03-01T12:00:00Z');
    }
    const steal = await t.app.inject({
      method: 'DELETE',
      url: `/auth/tokens/${short.token.id}`,
      headers: other.headers,
    });
    expect(steal.statusCode).toBe(404);
    const still = await t.app.inject({
      method: 'GET',
      url: '/auth/tokens',
      headers: { cookie: user.cookie },
    });
    expect(still.json().tokens.map((x: { id: string }) => x.id)).toContain(short.token.id);
  });

  it('validates new tokens, naming the field', async () => {
    const user = await signUp(t.app, 'tok-valid');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: user.headers,
      payload: { name: '', scopes: ['admin'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['name', 'scopes[0]']),
    );
  });
});

describe('hardening', () => {
  it('rate-limits sign-in and token endpoints with a 429 problem and Retry-After', async () => {
    const limited = await buildTestApi({
      limits: {
        signIn: { max: 3, timeWindow: 60_000 },
        signInPerAccount: { max: 10_000, timeWindow: 60_000 },
        tokens: { max: 2, timeWindow: 60_000 },
        plans: { max: 2, timeWindow: 60_000 },
        evaluate: { max: 2, timeWindow: 60_000 },
      },
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await limited.app.inject({
          method: 'POST',
          url: '/auth/sign-in',
          payload: { email: 'x@example.test', password: 'whatever it is' },
        });
        codes.push(res.statusCode);
        if (res.statusCode === 429) {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.headers['retry-after']).toBeDefined();
          expect(res.json().code).toBe('rate-limited');
        }
      }
      expect(codes).toEqual([401, 401, 401, 429]);
      const user = await signUp(limited.app, 'rl').catch((e: Error) => e);
      expect(user).toBeInstanceOf(Error); // sign-up shares the sign-in budget
      const evaluations: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/evaluate', payload: { holdings: [] } });
        evaluations.push(res.statusCode);
      }
      expect(evaluations).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it('limits sign-in attempts per account e-mail, whatever the address', async () => {
    const limited = await buildTestApi({
      limits: { ...TEST_LIMITS, signInPerAccount: { max: 3, timeWindow: 60_000 } },
    });
    try {
      const attempt = (email: string, address: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/auth/sign-in',
          remoteAddress: address,
          payload: { email, password: 'guess guess guess' },
        });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await attempt('Target@example.test', `10.0.0.${i + 1}`)).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
      expect((await attempt('target@example.test ', '10.0.0.9')).statusCode).toBe(429);
      expect((await attempt('someone-else@example.test', '10.0.0.9')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('logs a request id on every request line and never a password, token or cookie', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logged = await buildTestApi({ logger: { level: 'debug', stream } });
    try {
      const secretPassword = 'very secret passphrase 42';
      const up = await logged.app.inject({
        method: 'POST',
        url: '/auth/sign-up',
        payload: { email: 'log@example.test', password: secretPassword },
      });
      const sessionValue = up.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
      await logged.app.inject({
        method: 'POST',
        url: '/auth/sign-in',
        payload: { email: 'log@example.test', password: 'wrong one, logged?' },
      });
      const tok = await logged.app.inject({
        method: 'POST',
        url: '/auth/tokens',
        cookies: { [SESSION_COOKIE]: sessionValue },
        headers: { 'x-csrf-token': up.json().csrfToken },
        payload: { name: 'n', scopes: ['read'] },
      });
      await logged.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { authorization: `Bearer ${tok.json().secret}` },
      });
      await logged.app.inject({ method: 'GET', url: '/nope' });
      expect(lines.length).toBeGreaterThan(5);
      const all = lines.join('\n');
      for (const secret of [
        secretPassword,
        'wrong one, logged?',
        sessionValue,
        tok.json().secret,
        up.json().csrfToken,
      ]) {
        expect(all).not.toContain(secret);
      }
      const requestLines = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.req || l.res || l.reqId || l.requestId);
      expect(requestLines.length).toBeGreaterThan(0);
      for (const line of requestLines) expect(line.requestId).toEqual(expect.any(String));
    } finally {
      await logged.close();
    }
  });
});
