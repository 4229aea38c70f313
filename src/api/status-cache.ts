/**
 * A cache of evaluated statuses, as the JSON bytes the API sends, keyed by who
 * asks, whom and for which date (so a new day is a new key).
 *
 * Invalidation follows the audit log, which every use-case appends to on
 * every change: a change naming a person drops that person's entries; a
 * change naming no person (memberships, organisations) drops everything,
 * since it may change who may see whom. This process reads the log after
 * each of its own writes, before answering them (so a client reads its own
 * writes), and every `pollMs` for writes made elsewhere (the CLI, other API
 * processes). Entries computed while an invalidation happened are not kept.
 */
import { asc, gt, max } from 'drizzle-orm';
import type { Db } from '../store/repositories.ts';
import { auditLog } from '../store/schema.ts';

export interface Change {
  seq: number;
  personId: string | null;
  organisationId: string | null;
  entity: string;
}

/** Entries that change neither records nor who may see them (stored summaries are re-derived). */
const NEUTRAL_ENTITIES = new Set(['holding-status']);

/** The part of the audit log the cache reads. */
export interface ChangeFeed {
  latestSeq(): Promise<number>;
  since(seq: number, limit: number): Promise<Change[]>;
}

export function drizzleChangeFeed(db: Db): ChangeFeed {
  return {
    async latestSeq() {
      const rows = await db.select({ seq: max(auditLog.seq) }).from(auditLog);
      return Number(rows[0]?.seq ?? 0);
    },
    since: (seq, limit) =>
      db
        .select({
          seq: auditLog.seq,
          personId: auditLog.personId,
          organisationId: auditLog.organisationId,
          entity: auditLog.entity,
        })
        .from(auditLog)
        .where(gt(auditLog.seq, seq))
        .orderBy(asc(auditLog.seq))
        .limit(limit),
  };
}

export interface StatusCacheOptions {
  maxEntries?: number;
  /** Values computed over many people (an organisation's roster) kept at once; the oldest go first. */
  maxMemos?: number;
  /**
   * People those values may cover in all (default 400,000): a certifying body's roster of 100,000,
   * kept with two sort orders, measured 96 MB of heap, so a few large ones fill the bound where
   * many gyms' would not.
   */
  maxMemoPeople?: number;
  pollMs?: number;
  /** Told when a poll fails (the next poll retries from the same place). */
  onPollError?: (error: unknown) => void;
}

export interface StatusCache {
  get(accountId: string, personId: string, asOf: string, compute: () => Promise<Buffer>): Promise<Buffer>;
  /**
   * A value computed from an organisation's people (its roster), kept until a change names no
   * person, or names one of its people or the organisation with a person (someone joining, leaving,
   * or changing consent). With `refresh`, a change naming a person does not drop it: the next call
   * brings the kept value up to date for the people who changed. The caller authorises first: a hit
   * skips `compute`.
   */
  memo<T>(
    key: string,
    organisationId: string,
    compute: () => Promise<{ value: T; personIds: Iterable<string> }>,
    refresh?: (value: T, changed: string[]) => Promise<{ value: T; personIds: Iterable<string> }>,
  ): Promise<T>;
  /** Reads the audit log and drops what changed since the last read. */
  sync(): Promise<void>;
  close(): void;
  readonly size: number;
  /** Values held by `memo`. */
  readonly memos: number;
}

const PAGE = 1000;

export async function createStatusCache(
  feed: ChangeFeed,
  options: StatusCacheOptions = {},
): Promise<StatusCache> {
  const maxEntries = options.maxEntries ?? 20_000;
  const maxMemos = options.maxMemos ?? 8;
  const maxMemoPeople = options.maxMemoPeople ?? 400_000;
  interface Memo {
    organisationId: string;
    persons: Set<string>;
    value: unknown;
    /** People who changed since the value was computed, for `refresh` to bring up to date. */
    dirty: Set<string>;
    refreshable: boolean;
  }
  const memos = new Map<string, Memo>();
  // Memos being computed, with what changed meanwhile: a value is kept only if none of it touched it.
  const memoFlights = new Map<
    string,
    { work?: Promise<unknown>; organisationId: string; spoiled: boolean; changed: Set<string> }
  >();
  // Insertion order doubles as recency: a hit is moved to the end, the oldest is evicted first.
  const entries = new Map<string, { personId: string; json: Buffer }>();
  const keysByPerson = new Map<string, Set<string>>();
  const inFlight = new Map<string, Promise<Buffer>>();
  let lastSeq = await feed.latestSeq();
  let generation = 0;
  let syncing: Promise<void> | undefined;

  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    keysByPerson.get(entry.personId)?.delete(key);
  };
  const dropPerson = (personId: string) => {
    for (const key of keysByPerson.get(personId) ?? []) entries.delete(key);
    keysByPerson.delete(personId);
  };
  const dropAll = () => {
    entries.clear();
    keysByPerson.clear();
    memos.clear();
    for (const flight of memoFlights.values()) flight.spoiled = true;
  };
  /** A change naming a person (one naming nobody drops everything). */
  const dropMemos = (change: Change, personId: string) => {
    for (const flight of memoFlights.values()) {
      // Someone joining meanwhile may be missing from the value being computed: it is not kept.
      if (flight.organisationId === change.organisationId) flight.spoiled = true;
      else flight.changed.add(personId);
    }
    for (const [key, memo] of memos) {
      // Joining, leaving and consent name the person and the organisation: bringing the value up to
      // date for that person reads their place on the roster again.
      if (memo.organisationId !== change.organisationId && !memo.persons.has(personId)) continue;
      if (memo.refreshable) memo.dirty.add(personId);
      else memos.delete(key);
    }
  };

  async function readFeed(): Promise<void> {
    for (;;) {
      const changes = await feed.since(lastSeq, PAGE);
      if (changes.length === 0) return;
      lastSeq = changes.at(-1)!.seq;
      const relevant = changes.filter((c) => !NEUTRAL_ENTITIES.has(c.entity));
      if (relevant.length > 0) {
        generation += 1;
        if (changes.length === PAGE || relevant.some((c) => c.personId === null)) dropAll();
        else
          for (const c of relevant) {
            dropPerson(c.personId!);
            dropMemos(c, c.personId!);
          }
      }
      if (changes.length < PAGE) return;
    }
  }

  const sync = () => {
    // One read at a time; callers arriving during a read wait for the next one, which sees their write.
    const next = (syncing ?? Promise.resolve()).then(readFeed, readFeed);
    syncing = next.finally(() => {
      if (syncing === next) syncing = undefined;
    });
    return next;
  };

  const onPollError = options.onPollError ?? (() => {});
  const timer = options.pollMs
    ? setInterval(() => void sync().catch(onPollError), options.pollMs)
    : undefined;
  timer?.unref();

  return {
    get size() {
      return entries.size;
    },
    get memos() {
      return memos.size;
    },
    async get(accountId, personId, asOf, compute) {
      const key = `${accountId}\u0000${personId}\u0000${asOf}`;
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.json;
      }
      const started = generation;
      // Joining a computation is safe only if nothing changed since it began.
      const flightKey = `${key}\u0000${started}`;
      const pending = inFlight.get(flightKey);
      if (pending) return pending;
      const work = compute().then((json) => {
        if (generation === started) {
          entries.set(key, { personId, json });
          const keys = keysByPerson.get(personId) ?? new Set<string>();
          keysByPerson.set(personId, keys);
          keys.add(key);
          if (entries.size > maxEntries) forget(entries.keys().next().value!);
        }
        return json;
      });
      inFlight.set(flightKey, work);
      try {
        return await work;
      } finally {
        inFlight.delete(flightKey);
      }
    },
    async memo<T>(
      key: string,
      organisationId: string,
      compute: () => Promise<{ value: T; personIds: Iterable<string> }>,
      refresh?: (value: T, changed: string[]) => Promise<{ value: T; personIds: Iterable<string> }>,
    ): Promise<T> {
      const hit = memos.get(key);
      if (hit && hit.dirty.size === 0) {
        memos.delete(key);
        memos.set(key, hit);
        return hit.value as T;
      }
      const joined = memoFlights.get(key);
      if (joined?.work && !joined.spoiled && joined.changed.size === 0) return joined.work as Promise<T>;
      const flight: { work?: Promise<T>; organisationId: string; spoiled: boolean; changed: Set<string> } = {
        organisationId,
        spoiled: false,
        changed: new Set(),
      };
      const changed = hit && refresh ? [...hit.dirty] : undefined;
      const run = changed ? refresh!(hit!.value as T, changed) : compute();
      const work = run.then(({ value, personIds }) => {
        const persons = new Set(personIds);
        const touched = flight.spoiled || [...flight.changed].some((p) => persons.has(p));
        // A value something changed under is not kept; a kept one stays, with those people marked.
        if (!touched) {
          memos.delete(key);
          memos.set(key, {
            organisationId,
            persons,
            value,
            dirty: new Set(),
            refreshable: refresh !== undefined,
          });
          // The least recently used go first; the newest stays, however large.
          let people = 0;
          for (const memo of memos.values()) people += memo.persons.size;
          for (const [oldest, memo] of memos) {
            if (oldest === key || (memos.size <= maxMemos && people <= maxMemoPeople)) break;
            memos.delete(oldest);
            people -= memo.persons.size;
          }
        }
        return value;
      });
      flight.work = work;
      memoFlights.set(key, flight);
      try {
        return await work;
      } finally {
        if (memoFlights.get(key) === flight) memoFlights.delete(key);
      }
    },
    sync,
    close: () => clearInterval(timer),
  };
}
