// A worker for worker-entry.test.ts: says where it and a module it imports think they are.
import { parentPort } from 'node:worker_threads';
import { where } from './where.ts';

parentPort!.postMessage({ self: import.meta.url, imported: where(), typed: (1 satisfies number) + 1 });
