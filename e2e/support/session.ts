/**
 * A test server and a browser for one describe block: started before its tests, closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { type Browsing, launchBrowser } from './browser.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface Session {
  server: TestServer;
  browser: Browsing;
}

export function serverAndBrowser(): Session {
  const session = {} as Session;
  beforeAll(async () => {
    session.server = await startTestServer();
    session.browser = await launchBrowser();
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
