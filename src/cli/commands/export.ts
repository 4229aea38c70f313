/**
 * `recert export`: a person's profile document as JSON, or CSV of
 * completions (one person's, or everyone's) or of an organisation's roster.
 */
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { Option } from 'commander';
import { AppError } from '../../core/errors.ts';
import { SYSTEM } from '../../usecases/context.ts';
import type { CliContext } from '../context.ts';
import { writeFileWhole } from '../files.ts';
import { renderJson } from '../output.ts';
import { withStore } from './db.ts';
import { findPersonByKey } from './import.ts';
import { type Progress, progress, withProgressWhenStarted } from './progress.ts';
import { parseDateOption } from './status.ts';

interface ExportOptions {
  person?: string;
  roster?: string;
  status?: string;
  on?: string;
  format: 'json' | 'csv';
  out?: string;
}

async function toOutput(
  cli: CliContext,
  out: string | undefined,
  write: (stream: Writable) => Promise<unknown>,
) {
  if (out) {
    // A failed export leaves a file already at --out as it was.
    await writeFileWhole(out, '--out', write);
    return;
  }
  // Collected through the printer so that in-process callers (tests) capture it too.
  const chunks: string[] = [];
  await write(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
  );
  cli.printer.out(chunks.join(''));
}

export function registerExport(program: Command, cli: CliContext): void {
  program
    .command('export')
    .description("export a person's profile (json), completions (csv) or an organisation's roster (csv)")
    .option('--person <id|email>', 'whose records to export (csv: default everyone)')
    .option(
      '--roster <organisation-id>',
      "export this organisation's roster, one row per person and credential with its status (csv)",
    )
    .option(
      '--status <status>',
      'roster: only the rows with this status (e.g. due-soon, expired, not-shared)',
    )
    .option('--on <date>', 'roster: statuses as of this date (YYYY-MM-DD); default today')
    .addOption(
      new Option('--format <format>', 'output format (a roster: csv)')
        .choices(['json', 'csv'])
        .default('json'),
    )
    .option('--out <file>', 'write to a file instead of stdout')
    .action((opts: ExportOptions, command: Command) =>
      withStore(cli, async (store, ctx) => {
        // A roster is CSV: without --format, --roster means csv rather than an error.
        if (opts.roster && command.getOptionValueSource('format') === 'default') opts.format = 'csv';
        const [{ exportCompletionsCsv, exportRosterCsv }, { exportProfile, profileToDocument }] =
          await Promise.all([import('../../usecases/imports.ts'), import('../../usecases/profile.ts')]);
        if (opts.roster) {
          if (opts.format !== 'csv')
            throw AppError.invalid('a roster exports as --format csv', [
              { field: 'format', message: 'use csv' },
            ]);
          const query = {
            ...(opts.status ? { status: opts.status } : {}),
            ...(opts.on !== undefined ? { asOf: parseDateOption(opts.on, '--on') } : {}),
          };
          await toOutput(cli, opts.out, (s) => exportRosterCsv(ctx, SYSTEM, opts.roster!, s, query));
          return;
        }
        for (const [option, value] of [
          ['--status', opts.status],
          ['--on', opts.on],
        ] as const) {
          if (value !== undefined) {
            throw AppError.invalid(`${option} applies to a roster export`, [
              { field: option.slice(2), message: 'use it with --roster' },
            ]);
          }
        }
        const person = opts.person ? await findPersonByKey(store, opts.person) : undefined;
        if (opts.format === 'json') {
          if (!person) {
            throw AppError.invalid(
              'say whose profile to export with --person (use `recert backup` for everything)',
              [{ field: 'person', message: 'required with --format json' }],
            );
          }
          const document = profileToDocument(await exportProfile(ctx, SYSTEM, person.id));
          await toOutput(cli, opts.out, async (s) => s.write(renderJson(document)));
          return;
        }
        // Everyone's completions can take minutes: shown on stderr as people are written.
        let bar: Progress | undefined;
        await withProgressWhenStarted(
          () => bar,
          toOutput(cli, opts.out, (s) =>
            exportCompletionsCsv(
              ctx,
              SYSTEM,
              person ? { personId: person.id } : { everyone: true },
              s,
              (n, total) => {
                if (person) return;
                bar ??= progress('exporting completions (people)', total);
                bar.update(n);
              },
            ),
          ),
        );
      }),
    );
}
