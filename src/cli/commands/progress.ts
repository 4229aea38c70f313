/** Progress of long CLI work (imports, demo data, re-evaluation) on stderr. */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  /** Ends the bar; a plain log says 100% only when the work finished (`finished`, the default). */
  stop(finished?: boolean): void;
}

/** Runs work under a bar and stops it: at 100% when the work finished, where it was when it failed. */
export function withProgress<T>(bar: Progress, work: Promise<T>): Promise<T> {
  return withProgressWhenStarted(() => bar, work);
}

/** withProgress for a bar made once the work knows its total (it may never be made). */
export async function withProgressWhenStarted<T>(
  bar: () => Progress | undefined,
  work: Promise<T>,
): Promise<T> {
  try {
    const done = await work;
    bar()?.stop();
    return done;
  } catch (error) {
    bar()?.stop(false);
    throw error;
  }
}

/** A bar on a terminal; a plain percentage line every 10% otherwise (logs, CI). */
export function progress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(Math.min(done, total)), stop: () => bar.stop() };
  }
  let shown = -1;
  return {
    update(done) {
      const pct = total > 0 ? Math.floor((100 * Math.min(done, total)) / total / 10) * 10 : 100;
      if (pct > shown) {
        shown = pct;
        stream.write(`${label}: ${pct}%\n`);
      }
    },
    stop(finished = true) {
      if (finished && shown < 100) stream.write(`${label}: 100%\n`);
    },
  };
}
