/**
 * `recert db migrate | status`, and the CLI's composition root for the store:
 * PostgreSQL when DATABASE_URL is set, otherwise PGlite in --data <dir>.
 */
import type { Command } from 'commander';
import type { Store } from '../../store/port.ts';
import { SYSTEM, type UseCaseContext } from '../../usecases/context.ts';
import type { CliContext } from '../context.ts';
import { wholeNumberOption } from '../options.ts';
import { formatOption, type OutputFormat, render } from '../output.ts';
import { progress, withProgress } from './progress.ts';
import { parseDateOption } from './status.ts';

/** Opens the configured store (migrating it unless told not to), runs fn, and always closes it. */
export async function withStore<T>(
  cli: CliContext,
  fn: (store: Store, ctx: UseCaseContext) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  // Loaded here, not at start-up: commands that need no store (status, plan, rules) start faster.
  const [{ filesDir, openStore }, { localFileStorage }, { createContext }] = await Promise.all([
    import('../../store/open.ts'),
    import('../../files/storage.ts'),
    import('../../usecases/context.ts'),
  ]);
  const dataDir = cli.globals().data;
  const store = await openStore({
    dataDir,
    databaseUrl: cli.env.DATABASE_URL,
    migrate: options.migrate ?? true,
  });
  try {
    return await fn(store, createContext({ store, files: localFileStorage(filesDir(dataDir)) }));
  } finally {
    await store.close();
  }
}

export function registerDb(program: Command, cli: CliContext): void {
  const db = program.command('db').description('the database: migrations and where it is');

  const report = (store: Store, format: OutputFormat, migrations: { tag: string; applied: boolean }[]) => {
    const rows = migrations.map((m) => ({ migration: m.tag, state: m.applied ? 'applied' : 'pending' }));
    const json = {
      store: store.info.description,
      migrations: rows,
      pending: rows.filter((r) => r.state === 'pending').length,
    };
    // A CSV is its rows alone; the table says where the database is first.
    if (format === 'table') cli.printer.out(store.info.description);
    cli.printer.out(
      render(
        format,
        rows,
        [
          { header: 'migration', value: (r) => r.migration },
          { header: 'state', value: (r) => r.state },
        ],
        json,
      ),
    );
  };

  db.command('migrate')
    .description('apply pending migrations (they also run whenever a command opens the store)')
    .addOption(formatOption())
    .action((opts: { format: OutputFormat }) =>
      withStore(cli, async (store) => report(store, opts.format, (await store.migrate()).migrations), {
        migrate: false,
      }),
    );

  db.command('status')
    .description('list migrations and whether each is applied, without applying any')
    .addOption(formatOption())
    .action((opts: { format: OutputFormat }) =>
      withStore(cli, async (store) => report(store, opts.format, (await store.migrationState()).migrations), {
        migrate: false,
      }),
    );

  db.command('reevaluate')
    .description(
      "recompute and store every holding's status summary as of a date (a snapshot for population-wide reports)",
    )
    .option('--on <date>', 'evaluate as of this date (YYYY-MM-DD); default today')
    .option(
      '--workers <n>',
      'worker threads evaluating batches side by side (PostgreSQL only; 0 = this thread); default one per core, up to 8',
    )
    .addOption(formatOption())
    .action((opts: { on?: string; workers?: string; format: OutputFormat }) =>
      withStore(cli, async (store, ctx) => {
        const asOf = opts.on !== undefined ? parseDateOption(opts.on, '--on') : cli.today();
        const { reevaluate } = await import('../../usecases/status.ts');
        const bar = progress('re-evaluating people', await store.people.count());
        const workers =
          opts.workers === undefined
            ? undefined
            : wholeNumberOption(opts.workers, '--workers', { min: 0, max: 64 });
        const result = await withProgress(
          bar,
          reevaluate(ctx, SYSTEM, asOf, {
            onProgress: (done) => bar.update(done),
            ...(workers === undefined ? {} : { workers }),
          }),
        );
        cli.printer.out(
          opts.format === 'json'
            ? render('json', [], [], { asOf, ...result })
            : `re-evaluated ${result.people} people (${result.holdings} holdings) as of ${asOf}`,
        );
      }),
    );
}
