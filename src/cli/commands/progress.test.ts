/** The progress shown on a log (not a terminal): every 10%, and 100% only for work that finished. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progress, withProgress } from './progress.ts';

function log(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progress on a log', () => {
  it('says 100% when the work finished, even if its last update fell short', async () => {
    const out = log();
    const bar = progress('re-evaluating people', 100, out.stream);
    const done = await withProgress(
      bar,
      (async () => {
        bar.update(35);
        return 'done';
      })(),
    );
    expect(done).toBe('done');
    expect(out.text()).toBe('re-evaluating people: 30%\nre-evaluating people: 100%\n');
  });

  it('stops where it was when the work failed, and passes the failure on', async () => {
    const out = log();
    const bar = progress('importing file.csv', 100, out.stream);
    const failing = withProgress(
      bar,
      (async () => {
        bar.update(52);
        throw new Error('no such person');
      })(),
    );
    await expect(failing).rejects.toThrow('no such person');
    expect(out.text()).toBe('importing file.csv: 50%\n');
  });
});
