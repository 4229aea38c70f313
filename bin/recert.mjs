#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation (V8's default is 16 MB): bulk imports and re-evaluation make short-lived
// objects by the million, and with the default most of them were copied and promoted before they
// died, which about doubled an import's CPU time (docs/ARCHITECTURE.md).
// Runs the TypeScript CLI directly through tsx's loader, so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main, endQuietlyOnClosedPipe } = await import('../src/cli/main.ts');
endQuietlyOnClosedPipe();
process.exitCode = await main(process.argv);
