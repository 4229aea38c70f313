/** Files the CLI writes: whole or not at all, with errors said in the user's terms. */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AppError } from '../core/errors.ts';

/**
 * Writes a file through `write`, which is handed a stream: the bytes go to a temporary file beside
 * it, renamed over `path` only once everything is written; gives what `write` gave. A failure (a refused export, a database
 * error, a full disk) leaves an existing file as it was and no partial one behind. `field` names
 * where the path came from (`--out`, `<file>`) in errors; `gzip` compresses the bytes.
 */
export async function writeFileWhole<T>(
  path: string,
  field: string,
  write: (stream: Writable) => Promise<T>,
  options: { gzip?: boolean } = {},
): Promise<T> {
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw AppError.invalid(`cannot write ${path}: there is no folder ${folder}`, [
      { field, message: `the folder ${folder} does not exist` },
    ]);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw AppError.invalid(`cannot write ${path}: it is a folder`, [
      { field, message: 'is a folder, not a file' },
    ]);
  }
  const partial = join(folder, `.${basename(path)}.${process.pid}.partial`);
  const bytes = new PassThrough();
  const written = options.gzip
    ? pipeline(bytes, createGzip(), createWriteStream(partial))
    : pipeline(bytes, createWriteStream(partial));
  // A failed write surfaces below, after the producer has stopped.
  written.catch(() => undefined);
  try {
    const result = await write(bytes);
    bytes.end();
    await written;
    await rename(partial, path);
    return result;
  } catch (error) {
    bytes.destroy();
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw AppError.invalid(`cannot write ${path} (${code}: ${(error as Error).message})`, [
        { field, message: `cannot be written (${code})` },
      ]);
    }
    throw error;
  }
}
