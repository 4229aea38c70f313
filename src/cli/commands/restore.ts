/** `recert restore <file>`: loads a backup into an empty store (gzip detected from the content). */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { SYSTEM } from '../../usecases/context.ts';
import type { CliContext } from '../context.ts';
import { withStore } from './db.ts';
import { type Progress, progress, withProgressWhenStarted } from './progress.ts';

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export function registerRestore(program: Command, cli: CliContext): void {
  program
    .command('restore')
    .description('load a backup into an empty store (a new --data folder or an empty database)')
    .argument('<file>', 'a file written by `recert backup`')
    .action((file: string) =>
      withStore(cli, async (_store, ctx) => {
        let gzip: boolean;
        try {
          gzip = isGzip(file);
        } catch {
          throw AppError.invalid(`cannot read ${file}`, [{ field: 'file', file, message: 'no such file' }]);
        }
        const raw = createReadStream(file);
        const input: Readable = gzip ? raw.pipe(createGunzip()) : raw;
        const { restore } = await import('../../usecases/backup.ts');
        let bar: Progress | undefined;
        const result = await withProgressWhenStarted(
          () => bar,
          restore(ctx, SYSTEM, input, (rows, total) => {
            bar ??= progress(`restoring ${file}`, total);
            bar.update(rows);
          }),
        ).catch((error: unknown) => {
          // The use case numbers the lines; the file is the CLI's to name.
          if (error instanceof AppError)
            for (const issue of error.issues) if (issue.line !== undefined) issue.file ??= file;
          throw error;
        });
        const total = Object.values(result.tables).reduce((a, b) => a + b, 0);
        cli.printer.out(
          `restored ${total} rows into ${Object.keys(result.tables).length} tables from ${file}`,
        );
      }),
    );
}
