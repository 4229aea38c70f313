// A worker thread reading a completions file (completion-batches.ts). The code it runs is
// TypeScript, so the thread registers tsx's loader first, as bin/recert.mjs does for the main thread.
import { register } from 'tsx/esm/api';

register();
await import('./completion-batches-worker.ts');
