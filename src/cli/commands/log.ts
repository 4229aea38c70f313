/**
 * `recert log`: record a completed CE activity, in a profile document (YAML or JSON, its comments
 * and layout kept) or, with --person, in the store.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { isMap, isSeq, parseDocument } from 'yaml';
import { loadCatalog } from '../../catalog/load.ts';
import { AppError } from '../../core/errors.ts';
import type { CompletionInput } from '../../core/profile/schema.ts';
import { parseProfileText } from '../../io/profile-file.ts';
import { SYSTEM } from '../../usecases/context.ts';
import type { CliContext } from '../context.ts';
import { writeFileWhole } from '../files.ts';
import { withStore } from './db.ts';
import { findPersonByKey } from './import.ts';
import { parseDateOption } from './status.ts';

interface LogOptions {
  person?: string;
  title?: string;
  activity?: string;
  provider?: string;
  completed?: string;
  hours?: string;
  delivery?: string;
  type?: string;
  event?: string;
  credit: string[];
  catalog?: string;
}

/** `--credit credential:units[:category]`, e.g. nasm.cpt:0.5 or nsca.cscs:0.2:D. */
function credit(value: string): NonNullable<CompletionInput['credits']>[number] {
  const [credential, units, category, ...rest] = value.split(':');
  if (!credential || !units || rest.length > 0) {
    throw AppError.invalid(`--credit "${value}" is not credential:units[:category]`, [
      { field: '--credit', message: 'e.g. nasm.cpt:0.5, or nsca.cscs:0.2:D with a category' },
    ]);
  }
  // A number where it reads back the same, as people write them in the document; else the text.
  const asNumber = Number(units);
  return {
    credential,
    units: String(asNumber) === units ? asNumber : units,
    ...(category ? { category } : {}),
  };
}

/** The completion the options describe, as a document holds it (only what was given). */
function completionOf(opts: LogOptions, today: string): CompletionInput {
  if (!opts.title && !opts.activity) {
    throw AppError.invalid('say what was completed: --title, or --activity with a catalog offering id', [
      { field: '--title', message: 'is required without --activity' },
    ]);
  }
  let hours: number | undefined;
  if (opts.hours !== undefined) {
    hours = /^\d+(\.\d+)?$/.test(opts.hours.trim()) ? Number(opts.hours) : Number.NaN;
    if (Number.isNaN(hours)) {
      throw AppError.invalid('--hours must be a number of hours', [
        { field: '--hours', message: `"${opts.hours}" is not a number of hours` },
      ]);
    }
  }
  const completion: Record<string, unknown> = {};
  if (opts.activity) completion.activity = opts.activity;
  if (opts.title) completion.title = opts.title;
  if (opts.provider) completion.provider = opts.provider;
  completion.completed =
    opts.completed !== undefined ? parseDateOption(opts.completed, '--completed') : today;
  if (hours !== undefined) completion.hours = hours;
  if (opts.delivery) completion.format = opts.delivery;
  if (opts.type) completion.type = opts.type;
  if (opts.event) completion.event = opts.event;
  if (opts.credit.length > 0) completion.credits = opts.credit.map(credit);
  return completion as CompletionInput;
}

/**
 * The document's text with the completion added at the end of its list: YAML keeps its comments
 * and layout; JSON is written with two-space indentation.
 */
function withCompletion(text: string, file: string, completion: CompletionInput): string {
  if (extname(file).toLowerCase() === '.json') {
    let value: { completions?: unknown[] };
    try {
      value = JSON.parse(text) as { completions?: unknown[] };
    } catch {
      return text; // the parse below names the problem with its line
    }
    value.completions = [...(value.completions ?? []), completion];
    return `${JSON.stringify(value, null, 2)}\n`;
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return text;
  const list = doc.get('completions');
  if (isSeq(list)) list.add(doc.createNode(completion));
  else doc.set('completions', doc.createNode([completion]));
  return doc.toString();
}

export function registerLog(program: Command, cli: CliContext): void {
  program
    .command('log')
    .description('record a completed CE activity in a profile document, or with --person in the store')
    .argument('[profile]', 'profile document to add it to (YAML or JSON); its comments and layout are kept')
    .option('--person <id|email>', 'record it for this person in the store instead of a document')
    .option('--title <text>', 'what it was called')
    .option('--activity <offering-id>', 'a catalog offering (its credits come from the catalog)')
    .option('--provider <name>', 'who gave it')
    .option('--completed <date>', 'the day it was completed (YYYY-MM-DD); default today')
    .option('--hours <n>', 'contact hours')
    .option('--delivery <format>', 'live, online or self-study')
    .option('--type <type>', 'course, workshop, conference, college, …')
    .option('--event <id>', 'an event several completions share (for per-event caps)')
    .option(
      '--credit <credential:units[:category]>',
      'credit claimed for a credential, e.g. nasm.cpt:0.5 (repeat for several)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--catalog <dir>', 'rule catalog folder for a document (default: the shipped catalog)')
    .action(async (file: string | undefined, opts: LogOptions) => {
      const completion = completionOf(opts, cli.today());
      const what = `${completion.title ?? completion.activity} on ${completion.completed}`;
      if (opts.person !== undefined) {
        if (file !== undefined) {
          throw AppError.invalid('give a profile document or --person, not both', [
            { field: '--person', message: 'records it in the store; leave out the document' },
          ]);
        }
        await withStore(cli, async (_store, ctx) => {
          const person = await findPersonByKey(ctx.store, opts.person!);
          const { logCompletion } = await import('../../usecases/records.ts');
          await logCompletion(ctx, SYSTEM, person.id, completion);
          cli.printer.out(`logged ${what} for person ${person.id}`);
        });
        return;
      }
      if (file === undefined) {
        throw AppError.invalid('say where to record it: a profile document, or --person', [
          { field: 'profile', message: 'is required without --person' },
        ]);
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw AppError.invalid(`cannot read ${file}`, [
          {
            field: 'profile',
            file,
            message: `cannot read the file (${(error as NodeJS.ErrnoException).code})`,
          },
        ]);
      }
      const updated = withCompletion(text, file, completion);
      // The whole document, new entry included, is checked as `status` reads it (lines, catalog ids)
      // before the file is replaced; a refused entry leaves the file as it was.
      parseProfileText(updated, file, loadCatalog(opts.catalog).ruleSet);
      await writeFileWhole(file, 'profile', async (out) => {
        out.write(updated);
      });
      cli.printer.out(`logged ${what} in ${file}`);
    });
}
