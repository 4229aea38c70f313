/**
 * The file-storage port for evidence (certificates): bytes in, bytes out,
 * addressed by a key the store keeps. A local folder is the default adapter.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

export interface FileStorage {
  put(key: string, bytes: Uint8Array): Promise<StoredFile>;
  get(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Stores files under a folder; keys are relative paths and may not climb out of it. */
export function localFileStorage(root: string): FileStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    if (!path.startsWith(base + sep)) throw new Error(`file key escapes the storage folder: ${key}`);
    return path;
  };
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Write then rename, so a crash never leaves a half-written file under the key.
      const temp = `${path}.${process.pid}.part`;
      await writeFile(temp, bytes);
      await rename(temp, path);
      return { key, size: bytes.byteLength, sha256: sha256Hex(bytes) };
    },
    async get(key) {
      return new Uint8Array(await readFile(pathOf(key)));
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** Joins key segments with '/', the separator keys use on every platform. */
export function fileKey(...parts: string[]): string {
  return join(...parts)
    .split(sep)
    .join('/');
}
