/** `recert demo --people N --seed S`: loads a deterministic synthetic population. */
import type { Command } from 'commander';
import { SYSTEM } from '../../usecases/context.ts';
import type { CliContext } from '../context.ts';
import { wholeNumberOption } from '../options.ts';
import { formatOption, type OutputFormat, render } from '../output.ts';
import { withStore } from './db.ts';
import { progress, withProgress } from './progress.ts';
import { parseDateOption } from './status.ts';

export function registerDemo(program: Command, cli: CliContext): void {
  program
    .command('demo')
    .description(
      'load a deterministic synthetic population: people, holdings, completions, organisations, consents',
    )
    .option('--people <n>', 'how many people', '1000')
    .option('--seed <s>', 'random seed: the same seed gives the same population', '1')
    .option('--base-date <date>', 'the population\'s "today"; nothing is dated after it', '2026-01-01')
    .addOption(formatOption())
    .action((opts: { people: string; seed: string; baseDate: string; format: OutputFormat }) => {
      const people = wholeNumberOption(opts.people, '--people', { min: 1 });
      const seed = wholeNumberOption(opts.seed, '--seed', { min: 0 });
      const baseDate = parseDateOption(opts.baseDate, '--base-date');
      return withStore(cli, async (_store, ctx) => {
        const { DEMO_PASSWORD, loadDemo } = await import('../../demo/load.ts');
        const bar = progress('generating people', people);
        const summary = await withProgress(
          bar,
          loadDemo(ctx, SYSTEM, { people, seed, baseDate }, (done) => bar.update(done)),
        );
        const rows = Object.entries(summary).map(([what, count]) => ({ what, count }));
        cli.printer.out(
          render(
            opts.format,
            rows,
            [
              { header: 'loaded', value: (r) => r.what },
              { header: 'count', value: (r) => r.count, align: 'right' },
            ],
            { ...summary, seed, baseDate, password: DEMO_PASSWORD },
          ),
        );
        if (opts.format !== 'json') {
          cli.printer.err(
            `demo accounts (e.g. owner1@org.demo${seed}.example) sign in with the password "${DEMO_PASSWORD}"`,
          );
        }
      });
    });
}
