import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi } from './testing.ts';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi();
});
afterAll(() => t.close());

describe('the API shell', () => {
  it('answers /health with the catalog size and the server date', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', today: '2026-03-01' });
    expect(res.json().catalog.credentials).toBeGreaterThanOrEqual(24);
  });

  it('gives every response a request id, keeping a safe one the caller sent', async () => {
    const fresh = await t.app.inject({ method: 'GET', url: '/health' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.headers['x-content-type-options']).toBe('nosniff');
    expect(fresh.headers['x-frame-options']).toBe('DENY');
    expect(fresh.headers['cache-control']).toBeUndefined();
    const kept = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const unsafe = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a b\nc' },
    });
    expect(unsafe.headers['x-request-id']).not.toBe('a b\nc');
  });

  it('serves the OpenAPI document and the browsable docs', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/health', '/evaluate', '/rules/{credentialId}']),
    );
    expect(spec.components.schemas.Problem).toBeDefined();
    // Public operations say so; every other operation needs a session or a token.
    expect(spec.paths['/health'].get.security).toEqual([]);
    expect(spec.security).toEqual([{ session: [] }, { token: [] }]);
    expect(spec.paths['/people/{personId}/status'].get.security).toBeUndefined();
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers a malformed URL and control characters in ids with a problem, never a 5xx', async () => {
    const user = await signUp(t.app, 'urls');
    const bad = await t.app.inject({ method: 'GET', url: '/people/%ff/status', headers: user.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const url of [
      '/people/%00/status',
      '/organisations/%00',
      '/people/a%00b/holdings',
      '/evidence/%00',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ in: 'path', message: 'is not an id' });
    }
  });

  it('answers an unknown route with a problem document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 404,
      code: 'not-found',
      instance: '/nope',
      type: '/problems/not-found',
    });
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
  });
});
