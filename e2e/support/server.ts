/**
 * The real server for browser tests and the web benchmark: `recert serve`'s
 * own startServer on 127.0.0.1 with a free port, a temporary embedded
 * database, the shipped catalog, the built web app and a clock that stands
 * still, so statuses do not change with the day the tests run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manualClock } from '../../src/api/deps.ts';
import { startServer } from '../../src/api/server.ts';
import { shippedRuleSet } from '../../src/catalog/load.ts';

export const WEB_ROOT = resolve(fileURLToPath(new URL('../../web/dist', import.meta.url)));

/** The day the test server believes it is. */
export const TEST_TODAY = '2026-03-01';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(options: { today?: string } = {}): Promise<TestServer> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    throw new Error(
      `The web app is not built (${WEB_ROOT}/index.html is missing): run "npm run build:web" first.`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'recert-e2e-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    env: {},
    ruleSet: shippedRuleSet(),
    clock: manualClock(`${options.today ?? TEST_TODAY}T12:00:00Z`),
    logger: false,
    webRoot: WEB_ROOT,
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
