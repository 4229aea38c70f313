/**
 * What the API is built from. The composition root (the serve command, a
 * test, a benchmark) chooses each part; the API reads no globals.
 */

import { utcDateOf } from '../core/dates.ts';

/** The API's one window on time: the date for evaluations, the instant for sessions. */
export interface Clock {
  now(): Date;
  /** Today as a calendar date YYYY-MM-DD (UTC). */
  today(): string;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => utcDateOf(new Date()),
};

/** A clock that stands still until moved; for tests and reproducible runs. */
export interface ManualClock extends Clock {
  set(instant: string): void;
}

export function manualClock(instant: string): ManualClock {
  let at = new Date(instant);
  return {
    now: () => new Date(at.getTime()),
    today: () => utcDateOf(at),
    set: (next) => {
      at = new Date(next);
    },
  };
}
