/**
 * Holdings and completions of one person. Inputs use the profile document's
 * own schemas, so the API, the CLI and files agree on what is valid. Reading
 * holdings needs status consent; reading completions needs records consent.
 */
import { AppError } from '../core/errors.ts';
import { CreditStatus } from '../core/offerings/schema.ts';
import {
  Completion,
  type CompletionInput,
  Holding,
  type HoldingInput,
  RenewalEntry,
} from '../core/profile/schema.ts';
import type { StoredCompletion, StoredHolding } from '../store/model.ts';
import type { Repositories } from '../store/port.ts';
import { requirePersonRead, requirePersonWrite } from './access.ts';
import { recordChange } from './audit.ts';
import type { Actor, UseCaseContext } from './context.ts';
import { checkCatalogIds, parseInput } from './validate.ts';

export async function listHoldings(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
): Promise<StoredHolding[]> {
  await requirePersonRead(ctx.store, actor, personId, 'status');
  return (await ctx.store.records.load([personId])).get(personId)?.holdings ?? [];
}

export async function listCompletions(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
): Promise<StoredCompletion[]> {
  await requirePersonRead(ctx.store, actor, personId, 'records');
  return (await ctx.store.records.load([personId])).get(personId)?.completions ?? [];
}

export async function addHolding(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  input: HoldingInput,
): Promise<StoredHolding> {
  const holding = parseInput(Holding, input, 'the holding');
  checkCatalogIds(ctx.ruleSet(), { holdings: [holding] }, 'the holding', false);
  return ctx.store.transaction(async (tx) => {
    await requirePersonWrite(tx, actor, personId);
    const stored: StoredHolding = {
      id: ctx.newId(),
      personId,
      position: await tx.records.nextPosition(personId, 'holdings'),
      holding,
    };
    await tx.records.insertHoldings([stored]);
    await recordChange(ctx, tx, actor, {
      action: 'holding.add',
      entity: 'holding',
      entityId: stored.id,
      personId,
      after: holding,
    });
    return stored;
  });
}

async function findHoldingForWrite(
  tx: Repositories,
  actor: Actor,
  holdingId: string,
): Promise<StoredHolding> {
  const found = await tx.records.findHolding(holdingId);
  if (!found) throw AppError.notFound(`holding ${holdingId}`);
  await requirePersonWrite(tx, actor, found.personId);
  return found;
}

async function findCompletionForWrite(
  tx: Repositories,
  actor: Actor,
  completionId: string,
): Promise<StoredCompletion> {
  const found = await tx.records.findCompletion(completionId);
  if (!found) throw AppError.notFound(`completion ${completionId}`);
  await requirePersonWrite(tx, actor, found.personId);
  return found;
}

export async function updateHolding(
  ctx: UseCaseContext,
  actor: Actor,
  holdingId: string,
  input: HoldingInput,
): Promise<StoredHolding> {
  const holding = parseInput(Holding, input, 'the holding');
  checkCatalogIds(ctx.ruleSet(), { holdings: [holding] }, 'the holding', false);
  return ctx.store.transaction(async (tx) => {
    const before = await findHoldingForWrite(tx, actor, holdingId);
    await tx.records.updateHolding(holdingId, holding);
    await recordChange(ctx, tx, actor, {
      action: 'holding.update',
      entity: 'holding',
      entityId: holdingId,
      personId: before.personId,
      before: before.holding,
      after: holding,
    });
    return { ...before, holding };
  });
}

export async function removeHolding(ctx: UseCaseContext, actor: Actor, holdingId: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const before = await findHoldingForWrite(tx, actor, holdingId);
    await tx.records.deleteHolding(holdingId);
    await recordChange(ctx, tx, actor, {
      action: 'holding.remove',
      entity: 'holding',
      entityId: holdingId,
      personId: before.personId,
      before: before.holding,
    });
  });
}

export async function recordRenewal(
  ctx: UseCaseContext,
  actor: Actor,
  holdingId: string,
  input: { date: string; kind?: 'renewal' | 'reinstatement' },
): Promise<StoredHolding> {
  const entry = parseInput(RenewalEntry, input, 'the renewal');
  return ctx.store.transaction(async (tx) => {
    const before = await findHoldingForWrite(tx, actor, holdingId);
    const holding: Holding = { ...before.holding, renewals: [...before.holding.renewals, entry] };
    await tx.records.updateHolding(holdingId, holding);
    await recordChange(ctx, tx, actor, {
      action: 'holding.renewal',
      entity: 'holding',
      entityId: holdingId,
      personId: before.personId,
      before: before.holding,
      after: holding,
    });
    return { ...before, holding };
  });
}

export async function logCompletion(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  input: CompletionInput,
): Promise<StoredCompletion> {
  const completion = parseInput(Completion, input, 'the completion');
  checkCatalogIds(ctx.ruleSet(), { completions: [completion] }, 'the completion', false);
  return ctx.store.transaction(async (tx) => {
    await requirePersonWrite(tx, actor, personId);
    const stored: StoredCompletion = {
      id: ctx.newId(),
      personId,
      position: await tx.records.nextPosition(personId, 'completions'),
      completion,
    };
    await tx.records.insertCompletions([stored]);
    await recordChange(ctx, tx, actor, {
      action: 'completion.add',
      entity: 'completion',
      entityId: stored.id,
      personId,
      after: completion,
    });
    return stored;
  });
}

export async function updateCompletion(
  ctx: UseCaseContext,
  actor: Actor,
  completionId: string,
  input: CompletionInput,
): Promise<StoredCompletion> {
  const completion = parseInput(Completion, input, 'the completion');
  checkCatalogIds(ctx.ruleSet(), { completions: [completion] }, 'the completion', false);
  return ctx.store.transaction(async (tx) => {
    const before = await findCompletionForWrite(tx, actor, completionId);
    await tx.records.updateCompletion(completionId, completion);
    await recordChange(ctx, tx, actor, {
      action: 'completion.update',
      entity: 'completion',
      entityId: completionId,
      personId: before.personId,
      before: before.completion,
      after: completion,
    });
    return { ...before, completion };
  });
}

export async function removeCompletion(
  ctx: UseCaseContext,
  actor: Actor,
  completionId: string,
): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const before = await findCompletionForWrite(tx, actor, completionId);
    await tx.records.deleteCompletion(completionId);
    await recordChange(ctx, tx, actor, {
      action: 'completion.remove',
      entity: 'completion',
      entityId: completionId,
      personId: before.personId,
      before: before.completion,
    });
  });
}

/** Records a petition's outcome (or reopens it) on one claimed credit of a completion. */
export async function setCreditStatus(
  ctx: UseCaseContext,
  actor: Actor,
  completionId: string,
  creditIndex: number,
  status: CreditStatus,
): Promise<StoredCompletion> {
  const next = parseInput(CreditStatus, status, 'the credit status');
  return ctx.store.transaction(async (tx) => {
    const before = await findCompletionForWrite(tx, actor, completionId);
    const credit = before.completion.credits[creditIndex];
    if (!credit) {
      throw AppError.invalid('no such credit on this completion', [
        { field: 'creditIndex', message: `must be between 0 and ${before.completion.credits.length - 1}` },
      ]);
    }
    const completion: Completion = {
      ...before.completion,
      credits: before.completion.credits.map((c, i) => (i === creditIndex ? { ...c, status: next } : c)),
    };
    await tx.records.updateCompletion(completionId, completion);
    await recordChange(ctx, tx, actor, {
      action: 'completion.credit-status',
      entity: 'completion',
      entityId: completionId,
      personId: before.personId,
      before: { creditIndex, status: credit.status },
      after: { creditIndex, status: next },
    });
    return { ...before, completion };
  });
}
