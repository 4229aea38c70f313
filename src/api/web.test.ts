import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from './testing.ts';

let t: TestApi;
const root = mkdtempSync(join(tmpdir(), 'recert-web-'));
beforeAll(async () => {
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Recert</title><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("recert")');
  t = await buildTestApi({ webRoot: root });
});
afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the web app hook', () => {
  it('serves the built web app at / without signing in', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const script = await t.app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('answers a page request for a client-side route with index.html, and API misses with a problem', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/wallet/nasm.cpt',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<title>Recert</title>');
    const api = await t.app.inject({
      method: 'GET',
      url: '/wallet/nasm.cpt',
      headers: { accept: 'application/json' },
    });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('keeps the API closed: routes still need a credential', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/me/person', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(401);
  });
});
