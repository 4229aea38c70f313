import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../catalog/load.ts';
import { buildApp } from './app.ts';
import { manualClock } from './deps.ts';

describe('the API shell', () => {
  it('answers /health, /openapi.json and /docs', async () => {
    const app = await buildApp({ ruleSet: shippedRuleSet(), clock: manualClock('2026-03-01T12:00:00Z') });
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', today: '2026-03-01' });
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toBe('3.1.0');
    expect(Object.keys(doc.json().paths)).toContain('/health');
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
    const missing = await app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({ status: 404, code: 'not-found', instance: '/nope' });
    await app.close();
  });
});
