/**
 * The `recert` command line. Each command lives in commands/<name>.ts and
 * registers itself; this file wires the global options and the single error
 * handler that maps failures to exit codes (2 for bad input).
 */
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

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('recert')
    .description('Keep professional certifications current.')
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
    return error.code === 'invalid-input' || error.code === 'not-found' || error.code === 'infeasible'
      ? EXIT_BAD_INPUT
      : EXIT_FAILURE;
  }
  printer.err(`error: ${(error as Error)?.message ?? String(error)}`);
  return EXIT_FAILURE;
}
