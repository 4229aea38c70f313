/**
 * Starting and stopping the API as a process: the composition root for
 * `recert serve`. It chooses the store from the environment, builds the app
 * and listens; `close` drains requests and closes the store.
 */
import type { RuleSet } from '../core/ruleset.ts';
import { localFileStorage } from '../files/storage.ts';
import { filesDir, openStore } from '../store/open.ts';
import { type Api, buildApp } from './app.ts';
import { type Clock, systemClock } from './deps.ts';
import type { ApiLoggerSettings } from './logging.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  ruleSet: RuleSet;
  clock?: Clock;
  logger?: ApiLoggerSettings | false;
  webRoot?: string;
}

export interface RunningServer {
  app: Api;
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const store = await openStore({ dataDir: options.dataDir, databaseUrl: options.env.DATABASE_URL });
  const app = await buildApp({
    store,
    files: localFileStorage(filesDir(options.dataDir)),
    // Plain HTTP on this machine only; anywhere else the server sits behind HTTPS.
    cookies: { secure: options.env.RECERT_SECURE_COOKIES === 'true' || !LOOPBACK.has(options.host) },
    trustProxy: options.env.RECERT_TRUST_PROXY === 'true',
    // Off only to measure the uncached path (the API benchmark does).
    ...(options.env.RECERT_STATUS_CACHE === 'off' ? { statusCache: false as const } : {}),
    ruleSet: options.ruleSet,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? { level: options.env.LOG_LEVEL ?? 'info' },
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const shutdown = async () => {
    await app.close();
    await store.close();
  };
  let address: string;
  try {
    address = await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await shutdown();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    url: address,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
