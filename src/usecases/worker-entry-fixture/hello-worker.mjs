// The wrapper worker-entry falls back to: registers tsx in the thread, then runs the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./hello-worker.ts');
