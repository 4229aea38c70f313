import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedRuleSet } from '../catalog/load.ts';
import { startServer } from './server.ts';

describe('recert serve', () => {
  it('starts on the embedded store in a data folder, answers, and shuts down cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'recert-serve-'));
    try {
      const server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        env: {},
        ruleSet: shippedRuleSet(),
        logger: false,
      });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      const signUp = await fetch(`${server.url}/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'serve@example.test', password: 'a long passphrase' }),
      });
      expect(signUp.status).toBe(201);
      // Plain HTTP on loopback: the cookie cannot be Secure, or browsers would drop it.
      expect(signUp.headers.get('set-cookie')).toMatch(/HttpOnly/);
      expect(signUp.headers.get('set-cookie')).not.toMatch(/Secure/);
      await server.close();
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
      // The data folder is released: a second server opens it again.
      const again = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        env: {},
        ruleSet: shippedRuleSet(),
        logger: false,
      });
      const signIn = await fetch(`${again.url}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'serve@example.test', password: 'a long passphrase' }),
      });
      expect(signIn.status).toBe(200);
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
