/** `recert backup <file>`: every table to one JSON-lines file, gzip'd when the name ends in .gz. */
import type { Command } from 'commander';
import { SYSTEM } from '../../usecases/context.ts';
import type { CliContext } from '../context.ts';
import { writeFileWhole } from '../files.ts';
import { withStore } from './db.ts';
import { type Progress, progress, withProgressWhenStarted } from './progress.ts';

export function registerBackup(program: Command, cli: CliContext): void {
  program
    .command('backup')
    .description(
      'write every table to a JSON-lines file (gzip when it ends in .gz); restore with `recert restore`',
    )
    .argument('<file>', 'the backup file to write')
    .action((file: string) =>
      withStore(cli, async (_store, ctx) => {
        // Written to a temporary name and renamed at the end, so a failed backup never looks complete.
        const { backup } = await import('../../usecases/backup.ts');
        let bar: Progress | undefined;
        const result = await withProgressWhenStarted(
          () => bar,
          writeFileWhole(
            file,
            '<file>',
            (lines) =>
              backup(ctx, SYSTEM, lines, (rows, total) => {
                bar ??= progress(`backing up to ${file}`, total);
                bar.update(rows);
              }),
            { gzip: file.endsWith('.gz') },
          ),
        );
        const total = Object.values(result.tables).reduce((a, b) => a + b, 0);
        cli.printer.out(
          `backed up ${total} rows from ${Object.keys(result.tables).length} tables to ${file}`,
        );
      }),
    );
}
