/**
 * `recert serve`: runs the HTTP API (and the web app, when built) until
 * interrupted; SIGINT/SIGTERM drain open requests before exiting.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { shippedRuleSet } from '../../catalog/load.ts';
import type { CliContext } from '../context.ts';
import { wholeNumberOption } from '../options.ts';

const WEB_ROOT = resolve(fileURLToPath(new URL('../../../web/dist', import.meta.url)));

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the HTTP API and the web app')
    .option('--port <n>', 'port to listen on (env PORT)', '')
    .option('--host <address>', 'address to bind (env HOST)', '')
    .action(async (opts: { port: string; host: string }) => {
      const portText = opts.port || ctx.env.PORT || '3000';
      const port = wholeNumberOption(portText, opts.port ? '--port' : 'PORT', { min: 0, max: 65535 });
      // Loaded here, not at start-up: the API is the heaviest part of the CLI.
      const { startServer } = await import('../../api/server.ts');
      const server = await startServer({
        port,
        host: opts.host || ctx.env.HOST || '127.0.0.1',
        dataDir: ctx.globals().data,
        env: ctx.env,
        ruleSet: shippedRuleSet(),
        webRoot: WEB_ROOT,
      });
      ctx.printer.err(`Recert is running at ${server.url} (API docs at ${server.url}/docs)`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
