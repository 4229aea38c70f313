/**
 * `recert import <file>`: a profile document (YAML/JSON) into a person, or a
 * CSV of completions or of an organisation's roster. CSV is streamed with a
 * progress bar on stderr; every bad row is listed (row, column, reason) and
 * nothing is written unless --only-valid.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { readProfileFile } from '../../io/profile-file.ts';
import type { Person } from '../../store/model.ts';
import type { Store } from '../../store/port.ts';
import { SYSTEM, type UseCaseContext } from '../../usecases/context.ts';
import type { ImportReport } from '../../usecases/imports.ts';
import type { CliContext } from '../context.ts';
import { formatOption, type OutputFormat, render } from '../output.ts';
import { withStore } from './db.ts';
import { progress, withProgress } from './progress.ts';

/** Finds a person by id or email; an email shared by several people is ambiguous. */
export async function findPersonByKey(store: Store, key: string): Promise<Person> {
  const found = await store.people.findByKeys([key]);
  const exact = found.find((p) => p.id === key);
  if (exact) return exact;
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw AppError.invalid(`several people have the email ${key}; give a person id`, [
      { field: 'person', message: 'ambiguous' },
    ]);
  }
  throw AppError.notFound(`a person with the id or email "${key}"`);
}

/** The person a profile document goes to: --person, else the document's email, else a new person. */
/** Whom a profile document is imported into: --person, else the one person with its email; else nobody yet. */
async function existingPerson(
  ctx: UseCaseContext,
  key: string | undefined,
  email: string | undefined,
): Promise<Person | undefined> {
  if (key) return findPersonByKey(ctx.store, key);
  if (email) {
    const found = await ctx.store.people.findByKeys([email]);
    if (found.length === 1) return found[0]!;
  }
  return undefined;
}

function printReport(
  cli: CliContext,
  format: OutputFormat,
  report: ImportReport,
  what: string,
  onlyValid: boolean,
): void {
  if (report.errors.length > 0) {
    cli.printer.err(
      render(format === 'json' ? 'table' : format, report.errors, [
        { header: 'row', value: (e) => e.row, align: 'right' },
        { header: 'column', value: (e) => e.column },
        { header: 'reason', value: (e) => e.reason },
      ]),
    );
  }
  if (format === 'json') cli.printer.out(render('json', [], [], report));
  else if (report.committed) {
    // A row can have several problems; the rows left out are counted once each.
    const skipped = report.badRows;
    cli.printer.out(
      `imported ${report.imported} ${what} from ${report.rows} rows` +
        (skipped > 0 ? ` (${skipped} bad row${skipped === 1 ? '' : 's'} skipped)` : ''),
    );
  }
  if (!report.committed) {
    throw AppError.invalid(
      `nothing was imported: ${report.problems} problem${report.problems === 1 ? '' : 's'} in ` +
        `${report.badRows} row${report.badRows === 1 ? '' : 's'} of the file` +
        (report.problems > report.errors.length ? `, the first ${report.errors.length} listed` : '') +
        (onlyValid
          ? ' (the file cannot be read through, so even its valid rows were left: fix it)'
          : ' (fix them, or pass --only-valid to import the valid rows)'),
    );
  }
}

interface ImportOptions {
  person?: string;
  roster?: string;
  onlyValid?: boolean;
  mode: 'replace' | 'append';
  format: OutputFormat;
}

export function registerImport(program: Command, cli: CliContext): void {
  program
    .command('import')
    .description('import a profile document (.yaml/.json) or a CSV of completions or of a roster')
    .argument('<file>', 'profile document, completions CSV, or roster CSV (with --roster)')
    .option(
      '--person <id|email>',
      'whose records these are; a document without it goes to the person with its email, else to a new person (a CSV may instead name people in its person column)',
    )
    .option(
      '--roster <organisation-id>',
      "the CSV is this organisation's staff roster (columns: email,name,external_ref)",
    )
    .option('--only-valid', 'import the valid rows even when some rows are bad')
    .option('--mode <mode>', "profile documents: replace the person's records, or append to them", 'replace')
    .addOption(formatOption())
    .action((file: string, opts: ImportOptions) =>
      withStore(cli, async (store, ctx) => {
        if (opts.mode !== 'replace' && opts.mode !== 'append') {
          throw AppError.invalid('--mode must be replace or append', [
            { field: 'mode', message: `"${opts.mode}"` },
          ]);
        }
        const ext = extname(file).toLowerCase();
        if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
          const profile = readProfileFile(file, ctx.ruleSet());
          const person = await existingPerson(ctx, opts.person, profile.person?.email);
          const { importProfile, importProfileAsNewPerson } = await import('../../usecases/profile.ts');
          // Someone the store does not know is made with their records, in one transaction.
          const { personId, ...result } = person
            ? {
                personId: person.id,
                ...(await importProfile(ctx, SYSTEM, person.id, profile, { mode: opts.mode })),
              }
            : await importProfileAsNewPerson(ctx, SYSTEM, profile);
          const json = { person: personId, created: !person, ...result };
          cli.printer.out(
            opts.format === 'json'
              ? render('json', [], [], json)
              : `imported ${result.holdings} holdings and ${result.completions} completions into ${person ? 'person' : 'a new person,'} ${personId}`,
          );
          return;
        }
        if (ext !== '.csv') {
          throw AppError.invalid('the file must be .yaml, .yml, .json or .csv', [
            { field: 'file', message: file },
          ]);
        }
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw AppError.invalid(`cannot read ${file}`, [{ field: 'file', file, message: 'no such file' }]);
        }
        const input = createReadStream(file);
        const bar = progress(`importing ${file}`, size);
        const options = {
          ...(opts.onlyValid ? { onlyValid: true } : {}),
          onProgress: (_rows: number, bytes?: number) => bar.update(bytes ?? input.bytesRead),
        };
        const { importCompletionsCsv, importRosterCsv } = await import('../../usecases/imports.ts');
        const report: ImportReport = await withProgress(
          bar,
          (async () => {
            if (opts.roster) return importRosterCsv(ctx, SYSTEM, opts.roster, input, options);
            const target = opts.person ? { personId: (await findPersonByKey(store, opts.person)).id } : {};
            return importCompletionsCsv(ctx, SYSTEM, input, target, options);
          })(),
        );
        printReport(
          cli,
          opts.format,
          report,
          opts.roster ? 'roster entries' : 'completions',
          !!opts.onlyValid,
        );
      }),
    );
}
