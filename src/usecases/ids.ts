/**
 * Record ids: UUID version 7 (RFC 9562 §5.7), time-ordered. The first 48 bits are the Unix time in
 * milliseconds, so ids made later sort later, as text and as bytes.
 *
 * Why not random (version 4) ids: every table's primary key is a B-tree on the id, and a random id
 * lands on a random leaf page, so a bulk import touched pages all over the index. Loading a million
 * completions by COPY into PostgreSQL took 6.8–8.9 s with random ids against 4.3–6.3 s with ids in
 * order (docs/ARCHITECTURE.md). Time-ordered ids append at the index's right edge.
 *
 * Ids made in the same millisecond stay in order: the 12 bits after the version are a counter
 * (RFC 9562 §6.2, method 1), started at a random value below 2048 each new millisecond. When it
 * overflows, the timestamp is moved on by a millisecond, as the RFC allows; a clock that steps
 * back is ignored until it passes the last timestamp used. The other 62 bits are random.
 *
 * Ids are not secrets: sessions, API tokens and invitations carry secrets of their own.
 */
import { randomFillSync } from 'node:crypto';

export interface IdSourceOptions {
  /** Milliseconds since 1970-01-01T00:00:00Z (default `Date.now`). */
  now?: () => number;
  /** Fills a buffer with random bytes (default `crypto.randomFillSync`). */
  fill?: (bytes: Uint8Array) => void;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Random bytes drawn at once: ten per id (two seed the counter), so one draw serves 409 ids. */
const POOL = 4096;

/** A source of version 7 UUIDs, in the order they are made. */
export function timeOrderedIds(options: IdSourceOptions = {}): () => string {
  const now = options.now ?? Date.now;
  const fill = options.fill ?? ((bytes: Uint8Array) => randomFillSync(bytes));
  const pool = new Uint8Array(POOL);
  let used = POOL;
  let lastMs = -1;
  let counter = 0;
  const bytes = new Uint8Array(16);

  return () => {
    if (used + 10 > POOL) {
      fill(pool);
      used = 0;
    }
    const r = used;
    used += 10;
    const clock = now();
    if (!Number.isSafeInteger(clock) || clock < 0 || clock >= 2 ** 48) {
      throw new RangeError(`the clock gave ${clock}, not a time a UUID can hold`);
    }
    if (clock > lastMs) {
      lastMs = clock;
      // A fresh millisecond starts the counter low enough to leave room for 2048 more ids.
      counter = ((pool[r]! << 8) | pool[r + 1]!) & 0x7ff;
    } else if (++counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    // 48 bits of time, big-endian.
    let ms = lastMs;
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (pool[r + 2]! & 0x3f);
    for (let i = 9; i < 16; i++) bytes[i] = pool[r + i - 6]!;
    let id = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) id += '-';
      id += HEX[bytes[i]!];
    }
    return id;
  };
}

/** The time a version 7 UUID was made, in milliseconds since 1970; undefined for other ids. */
export function idTime(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
