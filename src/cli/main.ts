/**
 * The `recert` command line. Each command lives in commands/<name>.ts and
 * registers itself; this file wires the global options and the single error
 * handler that maps failures to exit codes (2 for bad input).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { localDateOf } from '../core/dates.ts';
import { AppError } from '../core/errors.ts';
import { InputError } from '../io/yaml-source.ts';
import { COMMANDS } from './commands/index.ts';
import type { CliContext, GlobalOptions } from './context.ts';
import { type Printer, processPrinter } from './output.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** The version in package.json (the CLI runs from its checkout or package, beside it). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('recert')
    .description('Keep professional certifications current.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--data <dir>', 'embedded database folder (ignored when DATABASE_URL is set)', './data')
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({
    writeOut: (s) => ctx.printer.out(s),
    writeErr: (s) => ctx.printer.err(s),
  });
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

export async function main(
  argv: string[],
  printer: Printer = processPrinter,
  env = process.env,
): Promise<number> {
  let program: Command | undefined;
  const ctx: CliContext = {
    printer,
    env,
    today: () => localDateOf(new Date()),
    globals: () => (program?.opts() ?? { data: './data' }) as GlobalOptions,
  };
  program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, printer);
  }
}

/**
 * Errors that are the user's to fix (exit 2): bad input, something not found, goals that cannot be
 * met, and conflicts with what is there (a demo loaded twice, a restore into a store that has data,
 * a data folder another process holds).
 */
const USER_MISTAKES = new Set<AppError['code']>([
  'invalid-input',
  'not-found',
  'infeasible',
  'conflict',
  'payload-too-large',
  'unsupported-media-type',
]);

/**
 * Output piped into a program that stops reading (`recert export | head -1`) ends the command
 * quietly, as other command-line tools do, instead of with an unhandled EPIPE error and its trace.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
      throw error;
    });
  }
}

export function reportError(error: unknown, printer: Printer): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.exitCode === 0
    ) {
      return EXIT_OK;
    }
    return EXIT_BAD_INPUT;
  }
  if (error instanceof InputError) {
    printer.err(`error: the input is not valid\n${error.message}`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof AppError) {
    const lines = [`error: ${error.message}`];
    for (const issue of error.issues) {
      const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}: ` : '';
      lines.push(`  ${where}${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
    }
    printer.err(lines.join('\n'));
    return USER_MISTAKES.has(error.code) ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
  printer.err(`error: ${(error as Error)?.message ?? String(error)}`);
  return EXIT_FAILURE;
}
