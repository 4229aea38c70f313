import { useCallback, useState } from 'react';

export interface Action {
  /** True while an action runs (disable its buttons). */
  busy: boolean;
  /** What the last action failed with, until the next one starts. */
  error: unknown;
  setError(error: unknown): void;
  /** Runs a form's or button's request: busy meanwhile, its failure kept in `error`, never thrown. */
  run(action: () => Promise<void>): Promise<void>;
}

export function useAction(): Action {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
