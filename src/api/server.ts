/**
 * Starting and stopping the API as a process: the composition root for
 * `recert serve`. It chooses the store from the environment, builds the app
 * and listens; `close` drains requests and closes the store.
 */
import type { RuleSet } from '../core/ruleset.ts';
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

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const app = await buildApp({
    ruleSet: options.ruleSet,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? { level: options.env.LOG_LEVEL ?? 'info' },
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const address = await app.listen({ port: options.port, host: options.host });
  let closing: Promise<void> | undefined;
  return {
    app,
    url: address,
    close: () => {
      closing ??= app.close();
      return closing;
    },
  };
}
