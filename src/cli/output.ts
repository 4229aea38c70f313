/**
 * The CLI's one output formatter: every command hands it rows (or a JSON
 * value) and the chosen --format decides how they are printed.
 */
import { Option } from 'commander';
import { stringify } from 'csv-stringify/sync';

export type OutputFormat = 'json' | 'table' | 'csv';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined;
  align?: 'left' | 'right';
}

export interface Printer {
  out(text: string): void;
  err(text: string): void;
}

export const processPrinter: Printer = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => String(c.value(row) ?? '')));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(v)));
        return columns[i]?.align === 'right' ? pad + v : v + pad;
      })
      .join('  ')
      .trimEnd();
  return (
    [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join(
      '\n',
    ) + '\n'
  );
}

export function renderCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r) ?? ''))]);
}

export function render<T>(
  format: OutputFormat,
  rows: readonly T[],
  columns: readonly Column<T>[],
  json?: unknown,
): string {
  if (format === 'json') return renderJson(json ?? rows);
  if (format === 'csv') return renderCsv(rows, columns);
  return renderTable(rows, columns);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes to measure width
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** The shared --format option. */
export const formatOption = (choices: OutputFormat[] = ['table', 'json', 'csv']) =>
  new Option('--format <format>', 'output format').choices(choices).default('table');
