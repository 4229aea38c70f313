/**
 * What every CLI command receives: where to print and the global options.
 * Commands never call process.exit; they throw, and main() maps the error.
 */
import type { OutputFormat, Printer } from './output.ts';

export interface GlobalOptions {
  /** Embedded database folder (default ./data); ignored when DATABASE_URL is set. */
  data: string;
  format?: OutputFormat;
}

export interface CliContext {
  printer: Printer;
  globals(): GlobalOptions;
  /** The process environment, passed in so tests can run commands in-process. */
  env: Readonly<Record<string, string | undefined>>;
  /** Today as a calendar date; the one place the CLI reads the clock. */
  today(): string;
}
