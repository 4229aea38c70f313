/**
 * Status: the pure engine applied to stored records. One person on demand
 * (getPersonStatus), or the whole population in batches (reevaluate), which
 * writes the per-holding summaries that rosters and dashboards read.
 */

import { isIsoDate } from '../core/dates.ts';
import { evaluate } from '../core/engine/evaluate.ts';
import type { Evaluation } from '../core/engine/result.ts';
import { AppError } from '../core/errors.ts';
import { tryParseUnits } from '../core/units.ts';
import type { HoldingStatusSummary, PersonRecords } from '../store/model.ts';
import { findPerson, personAccess, requirePersonRead } from './access.ts';
import { recordChange } from './audit.ts';
import type { Actor, UseCaseContext } from './context.ts';
import { profileOf, profileOfRecords } from './profile.ts';

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
    if (h.cycle) {
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

export interface ReevaluateOptions {
  /** Only these people; default everyone (system only). */
  personIds?: readonly string[];
  batchSize?: number;
  onProgress?: (done: number) => void;
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
  const ruleSet = ctx.ruleSet();
  const batchSize = options.batchSize ?? 2000;
  if (actor.kind !== 'system') {
    if (!options.personIds) throw AppError.forbidden('only the operator re-evaluates the whole population');
    for (const id of options.personIds) {
      const person = await findPerson(ctx.store, id);
      if ((await personAccess(ctx.store, actor, person)) !== 'owner') throw AppError.forbidden();
    }
  }
  let people = 0;
  let holdings = 0;
  const runBatch = async (ids: string[]) => {
    const loaded = await ctx.store.records.load(ids);
    const rows: HoldingStatusSummary[] = [];
    for (const [id, records] of loaded) {
      rows.push(...summarise(id, records, evaluate(profileOfRecords(records), ruleSet, asOf)));
    }
    await ctx.store.transaction((tx) => tx.statuses.replaceFor(ids, rows));
    people += ids.length;
    holdings += rows.length;
    options.onProgress?.(people);
  };
  if (options.personIds) {
    for (let i = 0; i < options.personIds.length; i += batchSize) {
      await runBatch(options.personIds.slice(i, i + batchSize) as string[]);
    }
  } else {
    let after = '';
    for (;;) {
      const ids = await ctx.store.people.idsAfter(after, batchSize);
      if (ids.length === 0) break;
      await runBatch(ids);
      after = ids.at(-1)!;
    }
  }
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
