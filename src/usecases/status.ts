/**
 * Status: the pure engine applied to stored records. One person on demand
 * (getPersonStatus), or the whole population in batches (reevaluate), which
 * writes the per-holding summaries: a snapshot of everyone's status as of one date, for reports
 * that query a whole population in SQL (who lapses in the next 90 days). Rosters do not wait for
 * it: they evaluate their own people on the date asked (currentSummaries).
 */

import { availableParallelism } from 'node:os';
import { isIsoDate, toEpochDay, toIsoDate } from '../core/dates.ts';
import { evaluate } from '../core/engine/evaluate.ts';
import { evaluatePopulation, NONE, type PopulationResult, STATUS_NAMES } from '../core/engine/kernel.ts';
import type { Evaluation } from '../core/engine/result.ts';
import { earliestCountingDay } from '../core/engine/window.ts';
import { AppError } from '../core/errors.ts';
import type { RuleSet } from '../core/ruleset.ts';
import { tryParseUnits } from '../core/units.ts';
import type {
  EvaluationRecords,
  HoldingStatusSummary,
  PersonRecords,
  StoredHolding,
} from '../store/model.ts';
import type { Repositories, StatusRebuild } from '../store/port.ts';
import { findPerson, personAccess, requirePersonRead } from './access.ts';
import { recordChange } from './audit.ts';
import { columnsOf, factsOf, type KernelRules, type PopulationBatch, sharedKernelRules } from './columns.ts';
import type { Actor, UseCaseContext } from './context.ts';
import { profileOf, profileOfRecords } from './profile.ts';
import { BATCHES_PER_WORKER, ReevaluationPool } from './reevaluate-pool.ts';

function checkDate(asOf: string): void {
  if (!isIsoDate(asOf)) {
    throw AppError.invalid('the as-of date is not valid', [
      { field: 'asOf', message: 'must be a calendar date YYYY-MM-DD' },
    ]);
  }
}

/**
 * The engine's evaluation of a person as of a date. With status-only consent
 * the allocations (which name each completion) are left out.
 */
export async function getPersonStatus(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  asOf: string,
): Promise<Evaluation> {
  checkDate(asOf);
  const person = await requirePersonRead(ctx.store, actor, personId, 'status');
  const records = (await ctx.store.records.load([personId])).get(personId)!;
  const evaluation = evaluate(profileOf(person, records.holdings, records.completions), ctx.ruleSet(), asOf);
  const access = await personAccess(ctx.store, actor, person);
  if (access !== 'status') return evaluation;
  return { ...evaluation, holdings: evaluation.holdings.map((h) => ({ ...h, allocations: [] })) };
}

/** The stored summary rows for one evaluated person; units become milli-units. */
export function summarise(
  personId: string,
  records: PersonRecords,
  evaluation: Evaluation,
): HoldingStatusSummary[] {
  const milli = (units: string | undefined) => (units === undefined ? undefined : tryParseUnits(units));
  return evaluation.holdings.flatMap((h) => {
    const stored = records.holdings[h.holding];
    if (!stored) return [];
    const summary: HoldingStatusSummary = {
      holdingId: stored.id,
      personId,
      credential: h.credential,
      asOf: evaluation.asOf,
      status: h.status,
    };
    // A specialization has no cycle to report, whichever engine evaluated it.
    if (h.cycle && h.kind !== 'specialization') {
      summary.cycleStart = h.cycle.start;
      summary.cycleEnd = h.cycle.end;
    }
    const required = milli(h.required);
    const counted = milli(h.counted);
    const missing = milli(h.missing);
    if (required !== undefined) summary.requiredMilli = required;
    if (counted !== undefined) summary.countedMilli = counted;
    if (missing !== undefined) summary.missingMilli = missing;
    return [summary];
  });
}

/** Summary rows from the kernel's columns, in the same form summarise() gives for the object engine. */
function kernelSummaries(
  batch: PopulationBatch,
  loaded: ReadonlyMap<string, { holdings: readonly StoredHolding[] }>,
  result: PopulationResult,
  kernel: KernelRules,
  asOf: string,
): HoldingStatusSummary[] {
  const { columns } = batch;
  const rows: HoldingStatusSummary[] = [];
  const value = (n: number) => (n === NONE ? undefined : n);
  // Cycles of a batch start and end on few distinct days: each day's text is made once.
  const days = new Map<number, string>();
  const dayText = (day: number) => {
    let text = days.get(day);
    if (text === undefined) {
      text = toIsoDate(day);
      days.set(day, text);
    }
    return text;
  };
  for (let p = 0; p < columns.persons; p++) {
    const personId = batch.personIds[p]!;
    const records = loaded.get(personId)!;
    const first = columns.personHoldingStart[p]!;
    for (let h = first; h < columns.personHoldingStart[p + 1]!; h++) {
      const summary: HoldingStatusSummary = {
        holdingId: records.holdings[h - first]!.id,
        personId,
        credential: kernel.vocab.credentials[columns.holdingCredential[h]!]!,
        asOf,
        status: STATUS_NAMES[result.status[h]!]!,
      };
      const start = value(result.cycleStart[h]!);
      if (start !== undefined) {
        summary.cycleStart = dayText(start);
        summary.cycleEnd = dayText(result.cycleEnd[h]!);
      }
      const required = value(result.required[h]!);
      const counted = value(result.counted[h]!);
      const missing = value(result.missing[h]!);
      if (required !== undefined) summary.requiredMilli = required;
      if (counted !== undefined) summary.countedMilli = counted;
      if (missing !== undefined) summary.missingMilli = missing;
      rows.push(summary);
    }
  }
  return rows;
}

/**
 * Per-holding summaries of many people as of a date: through the kernel where
 * it represents a person exactly (when compiled rules are given), through the
 * object engine otherwise. Both paths give the same rows.
 */
export function statusSummaries(
  loaded: ReadonlyMap<string, PersonRecords>,
  ruleSet: RuleSet,
  asOf: string,
  kernel?: KernelRules,
): HoldingStatusSummary[] {
  if (!kernel) return objectSummaries(loaded, loaded.keys(), ruleSet, asOf);
  const { rows, fallback } = kernelPass(factsOf(loaded), kernel, asOf);
  rows.push(...objectSummaries(loaded, fallback, ruleSet, asOf));
  return rows;
}

/** The kernel's summaries of everyone it represents exactly; the others are listed in `fallback`. */
function kernelPass(
  loaded: ReadonlyMap<string, EvaluationRecords>,
  kernel: KernelRules,
  asOf: string,
): { rows: HoldingStatusSummary[]; fallback: string[] } {
  const batch = columnsOf(loaded, kernel);
  const result = evaluatePopulation(batch.columns, kernel.compiled, toEpochDay(asOf));
  return { rows: kernelSummaries(batch, loaded, result, kernel, asOf), fallback: batch.fallback };
}

/**
 * Summaries from facts read by `records.loadFacts`: the kernel's for everyone it represents, the
 * object engine's for the others, read again in full.
 */
async function summariesOfFacts(
  store: Repositories,
  facts: ReadonlyMap<string, EvaluationRecords>,
  ruleSet: RuleSet,
  asOf: string,
  kernel: KernelRules,
  completionsFrom: (held: readonly StoredHolding[]) => string | null,
): Promise<HoldingStatusSummary[]> {
  const { rows, fallback } = kernelPass(facts, kernel, asOf);
  if (fallback.length > 0) {
    const full = await store.records.load(fallback, { completionsFrom, evidence: false });
    rows.push(...objectSummaries(full, fallback, ruleSet, asOf));
  }
  return rows;
}

/** People per read when a long list is evaluated (currentSummaries). */
const SUMMARY_BATCH = 2000;

/**
 * The summaries of these people as of a date, read and evaluated now (a roster): only the facts
 * of completions that can still count are read, and the kernel compiled for this rule set is kept
 * for the next call. A long list is read in batches, the next READ_AHEAD batches read while one is
 * evaluated (on PostgreSQL the reads run on other connections beside the evaluation).
 */
export async function currentSummaries(
  store: Repositories,
  personIds: readonly string[],
  ruleSet: RuleSet,
  asOf: string,
  options: { batchSize?: number } = {},
): Promise<HoldingStatusSummary[]> {
  checkDate(asOf);
  const batch = options.batchSize ?? SUMMARY_BATCH;
  const evaluateBatch = batchEvaluator(store, ruleSet, asOf, { contiguous: false });
  if (personIds.length <= batch) return evaluateBatch(personIds);
  const pages = function* () {
    for (let i = 0; i < personIds.length; i += batch) yield personIds.slice(i, i + batch);
  };
  const summaries: HoldingStatusSummary[] = [];
  for await (const { rows } of evaluatedAhead(pages(), evaluateBatch)) {
    for (const row of rows) summaries.push(row);
  }
  return summaries;
}

/**
 * Each batch of people with its summaries, in order, the next READ_AHEAD batches read and
 * evaluated while the caller works on the one it was given. A read takes several round trips
 * (holdings, renewals, then the completions that can still count), each advancing only when
 * evaluation yields, so one batch of lead left the caller waiting on the server. On an error, or
 * when the caller stops early, nothing is left running.
 */
async function* evaluatedAhead(
  source: Iterable<readonly string[]> | AsyncIterable<readonly string[]>,
  evaluate: (ids: readonly string[]) => Promise<HoldingStatusSummary[]>,
): AsyncGenerator<{ ids: readonly string[]; rows: HoldingStatusSummary[] }> {
  const batches = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const reads: { ids: readonly string[]; rows: Promise<HoldingStatusSummary[]> }[] = [];
  let exhausted = false;
  const readAhead = async () => {
    while (!exhausted && reads.length < READ_AHEAD) {
      const next = await batches.next();
      if (next.done) exhausted = true;
      else {
        const rows = evaluate(next.value);
        rows.catch(() => undefined); // surfaced when awaited
        reads.push({ ids: next.value, rows });
      }
    }
  };
  try {
    await readAhead();
    while (reads.length > 0) {
      const batch = reads.shift()!;
      const rows = await batch.rows;
      await readAhead();
      yield { ids: batch.ids, rows };
    }
  } finally {
    for (const pending of reads) await pending.rows.catch(() => undefined);
  }
}

/** The object engine's summaries of these people, one by one. */
function objectSummaries(
  loaded: ReadonlyMap<string, PersonRecords>,
  ids: Iterable<string>,
  ruleSet: RuleSet,
  asOf: string,
): HoldingStatusSummary[] {
  const rows: HoldingStatusSummary[] = [];
  for (const id of ids) {
    const records = loaded.get(id)!;
    rows.push(...summarise(id, records, evaluate(profileOfRecords(records), ruleSet, asOf)));
  }
  return rows;
}

/**
 * For `records.load`: the first completion date that can still change a person's statuses as of
 * `asOf` (core/engine/window.ts). Reads that only produce summaries leave earlier ones unread.
 */
export function countingCompletionsFrom(
  ruleSet: RuleSet,
  asOf: string,
): (held: readonly StoredHolding[]) => string | null {
  const asOfDay = toEpochDay(asOf);
  return (held) => {
    const day = earliestCountingDay(
      held.map((h) => h.holding),
      ruleSet,
      asOfDay,
    );
    return day === undefined ? null : toIsoDate(day);
  };
}

/** Batches read ahead of the one being evaluated. */
const READ_AHEAD = 2;

/**
 * How a re-evaluation turns a batch of people into their summaries: the completions that can still
 * count are read (facts only, for the kernel), and the people the kernel cannot represent are read
 * again in full for the object engine. `contiguous`: batches are pages of `people.idsAfter`.
 */
export function batchEvaluator(
  store: Repositories,
  ruleSet: RuleSet,
  asOf: string,
  options: { contiguous: boolean; engine?: 'kernel' | 'object' },
): (ids: readonly string[]) => Promise<HoldingStatusSummary[]> {
  const completionsFrom = countingCompletionsFrom(ruleSet, asOf);
  if (options.engine === 'object') {
    return async (ids) =>
      objectSummaries(
        await store.records.load(ids, { completionsFrom, evidence: false }),
        ids,
        ruleSet,
        asOf,
      );
  }
  const kernel = sharedKernelRules(ruleSet);
  return async (ids) => {
    const facts = await store.records.loadFacts(ids, { completionsFrom, contiguous: options.contiguous });
    return summariesOfFacts(store, facts, ruleSet, asOf, kernel, completionsFrom);
  };
}

/**
 * Worker threads a re-evaluation of everyone uses by default: one per core (up to 8) where the
 * store can be opened from other threads (PostgreSQL); otherwise none, and it runs in this thread.
 */
export function defaultReevaluationWorkers(ctx: UseCaseContext): number {
  if (!ctx.store.shared) return 0;
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores, 8);
}

export interface ReevaluateOptions {
  /** Only these people; default everyone (system only). */
  personIds?: readonly string[];
  batchSize?: number;
  onProgress?: (done: number) => void;
  /** 'kernel' (default) runs the columnar kernel where it represents a person exactly; 'object' evaluates one by one. */
  engine?: 'kernel' | 'object';
  /**
   * Worker threads for a re-evaluation of everyone (default `defaultReevaluationWorkers`); 0 runs
   * it in this thread. Needs a store other threads can open (PostgreSQL).
   */
  workers?: number;
}

export interface ReevaluateResult {
  people: number;
  holdings: number;
}

/**
 * Recomputes and stores every holding's status as of a date, in batches:
 * read a batch of people, evaluate each, replace their summaries in one
 * transaction. The system may re-evaluate everyone; a person themself.
 */
export async function reevaluate(
  ctx: UseCaseContext,
  actor: Actor,
  asOf: string,
  options: ReevaluateOptions = {},
): Promise<ReevaluateResult> {
  checkDate(asOf);
  const batchSize = options.batchSize ?? 2000;
  if (actor.kind !== 'system') {
    if (!options.personIds) throw AppError.forbidden('only the operator re-evaluates the whole population');
    for (const id of options.personIds) {
      const person = await findPerson(ctx.store, id);
      if ((await personAccess(ctx.store, actor, person)) !== 'owner') throw AppError.forbidden();
    }
  }
  const workers =
    options.personIds || options.engine === 'object'
      ? 0
      : (options.workers ?? defaultReevaluationWorkers(ctx));
  if (!Number.isInteger(workers) || workers < 0) {
    throw AppError.invalid('the number of worker threads is not valid', [
      { field: 'workers', message: 'must be a whole number, 0 or more' },
    ]);
  }
  if (workers > 0 && !ctx.store.shared) {
    throw AppError.invalid('this store cannot be opened from worker threads', [
      {
        field: 'workers',
        message: 'the embedded database is one connection: use 0 (PostgreSQL runs workers)',
      },
    ]);
  }
  const store = ctx.store;
  async function* batches(): AsyncGenerator<string[]> {
    if (options.personIds) {
      for (let i = 0; i < options.personIds.length; i += batchSize)
        yield options.personIds.slice(i, i + batchSize);
      return;
    }
    let after = '';
    for (;;) {
      const ids = await store.people.idsAfter(after, batchSize);
      if (ids.length === 0) return;
      yield ids;
      after = ids.at(-1)!;
    }
  }
  // Everyone's summaries are rebuilt in a staging table and swapped in at the end; a list of people
  // has its own summaries replaced batch by batch.
  const rebuild = options.personIds ? undefined : await store.statuses.rebuild();
  let counts: ReevaluateResult;
  try {
    counts =
      workers > 0
        ? await inWorkers(ctx, asOf, rebuild!, batches(), workers, options.onProgress)
        : await inThisThread(ctx, asOf, rebuild, batches(), options);
    await rebuild?.commit();
  } catch (error) {
    // Nothing is left running (each path stops its own work first); an unfinished rebuild is dropped.
    await rebuild?.abandon().catch(() => undefined);
    throw error;
  }
  const { people, holdings } = counts;
  await ctx.store.transaction((tx) =>
    recordChange(ctx, tx, actor, {
      action: 'status.reevaluate',
      entity: 'holding-status',
      entityId: asOf,
      after: { asOf, people, holdings },
    }),
  );
  return { people, holdings };
}

/** reevaluate in this thread: the next batches are read while one is evaluated and the last written. */
async function inThisThread(
  ctx: UseCaseContext,
  asOf: string,
  rebuild: StatusRebuild | undefined,
  source: AsyncGenerator<string[]>,
  options: ReevaluateOptions,
): Promise<ReevaluateResult> {
  const { store } = ctx;
  let people = 0;
  let holdings = 0;
  const evaluateBatch = batchEvaluator(store, ctx.ruleSet(), asOf, {
    contiguous: !options.personIds,
    ...(options.engine ? { engine: options.engine } : {}),
  });
  const write = (ids: readonly string[], rows: HoldingStatusSummary[]) =>
    rebuild ? rebuild.add(rows) : store.transaction((tx) => tx.statuses.replaceFor(ids, rows));
  // One batch's summaries are written while the next are read and evaluated; at most one write is
  // in flight.
  let writing: Promise<void> | undefined;
  try {
    for await (const { ids, rows } of evaluatedAhead(source, evaluateBatch)) {
      await writing;
      writing = write(ids, rows).then(() => {
        people += ids.length;
        holdings += rows.length;
        options.onProgress?.(people);
      });
      writing.catch(() => undefined); // surfaced when awaited
    }
    await writing;
  } catch (error) {
    await writing?.catch(() => undefined);
    throw error;
  }
  return { people, holdings };
}

/** reevaluate on worker threads, each reading, evaluating and writing whole batches. */
async function inWorkers(
  ctx: UseCaseContext,
  asOf: string,
  rebuild: StatusRebuild,
  source: AsyncGenerator<string[]>,
  size: number,
  onProgress: ((done: number) => void) | undefined,
): Promise<ReevaluateResult> {
  const shared = ctx.store.shared!;
  const pool = await ReevaluationPool.start(size, {
    shared,
    ruleSet: ctx.ruleSet(),
    asOf,
    rebuildId: rebuild.id,
  });
  let people = 0;
  let holdings = 0;
  const running = new Set<Promise<void>>();
  try {
    for await (const ids of source) {
      // Each worker holds a batch being evaluated and the next being read; the first failure stops all.
      while (running.size >= pool.size * BATCHES_PER_WORKER) await Promise.race(running);
      const done: Promise<void> = pool.run(ids).then((count) => {
        running.delete(done);
        people += ids.length;
        holdings += count;
        onProgress?.(people);
      });
      done.catch(() => undefined); // surfaced by the race or the final wait
      running.add(done);
    }
    await Promise.all(running);
    await pool.close();
  } catch (error) {
    await pool.terminate();
    throw error;
  }
  return { people, holdings };
}
