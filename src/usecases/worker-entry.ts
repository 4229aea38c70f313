/**
 * Where a worker thread starts. The product runs its TypeScript through tsx's loader, and a worker
 * thread that registers it loads every module through the loader's own thread: about 0.8 s before
 * a re-evaluation worker is ready, on a machine where the same code as one JavaScript module is
 * ready in about 0.3 s. So a worker's source is bundled once (esbuild, our own modules only:
 * packages stay imports, resolved from the project's node_modules as before) into
 * `node_modules/.cache/recert-workers/`, named by its content's hash, and the thread starts on that.
 * Each module keeps its own `import.meta.url` (paths next to it still resolve). Where the bundle
 * cannot be made (no esbuild, a read-only install), the worker starts on its `.mjs` wrapper, which
 * registers tsx in the thread, as before.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entries = new Map<string, Promise<URL>>();

/**
 * The module to start a worker on: `source` (the worker's TypeScript) bundled, or `wrapper` (its
 * `.mjs` that registers tsx) when bundling fails. Bundled once per process and source.
 */
export function workerEntry(source: URL, wrapper: URL): Promise<URL> {
  let entry = entries.get(source.href);
  if (!entry) {
    entry =
      process.env.RECERT_WORKER_BUNDLE === '0'
        ? Promise.resolve(wrapper)
        : bundled(source).catch(() => wrapper);
    entries.set(source.href, entry);
  }
  return entry;
}

async function bundled(source: URL): Promise<URL> {
  const path = fileURLToPath(source);
  const root = projectRoot(dirname(path));
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          // Each module's import.meta.url stays its own file's, not the bundle's.
          b.onLoad({ filter: /\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replaceAll(
              'import.meta.url',
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = join(root, 'node_modules', '.cache', 'recert-workers');
  const file = join(dir, `${basename(path, '.ts')}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a thread never starts on half a file another process writes.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
    pruneOlder(dir, basename(path, '.ts'), file);
  }
  return pathToFileURL(file);
}

/** A day: bundles of a worker's earlier code older than this go when a new one is written. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Removes this worker's bundles of earlier code (other hashes) written more than a day ago, so
 * the cache holds about one file per worker; a process still running older code has long started
 * its threads. Best effort: a file another process removes first is no error.
 */
export function pruneOlder(dir: string, name: string, keep: string): void {
  const pattern = new RegExp(`^${name.replace(/[^\w-]/g, '')}-[0-9a-f]{16}\\.mjs$`);
  const now = Date.now();
  for (const entry of readdirSync(dir)) {
    const file = join(dir, entry);
    if (file === keep || !pattern.test(entry)) continue;
    try {
      if (now - statSync(file).mtimeMs > KEEP_MS) rmSync(file, { force: true });
    } catch {
      // gone already
    }
  }
}

/** The nearest folder above the sources holding node_modules: where the bundle's imports resolve. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no node_modules above ${from}`);
  }
}
