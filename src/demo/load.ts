/**
 * Writes a generated demo population into a store, batch by batch, each
 * batch in one transaction, with one audit entry for the whole load.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { recordChange } from '../usecases/audit.ts';
import type { Actor, UseCaseContext } from '../usecases/context.ts';
import { hashPassword } from '../usecases/passwords.ts';
import { type DemoOptions, generateDemo } from './generate.ts';

/** Every demo account signs in with this password. */
export const DEMO_PASSWORD = 'recert-demo-password';

export interface DemoSummary {
  people: number;
  accounts: number;
  organisations: number;
  holdings: number;
  completions: number;
  consents: number;
}

export async function loadDemo(
  ctx: UseCaseContext,
  actor: Actor,
  options: Omit<DemoOptions, 'ruleSet'>,
  onProgress?: (people: number) => void,
): Promise<DemoSummary> {
  if (actor.kind !== 'system') throw AppError.forbidden('demo data is loaded by the operator');
  const first = `demo${options.seed}-p${String(1).padStart(7, '0')}`;
  if (await ctx.store.people.findById(first)) {
    throw new AppError(
      'conflict',
      `the demo population with seed ${options.seed} is already loaded; use another --seed or --data`,
    );
  }
  // One hash, salted from the seed, so that the same seed gives the same rows.
  const passwordHash = await hashPassword(
    DEMO_PASSWORD,
    createHash('sha256').update(`demo-${options.seed}`).digest().subarray(0, 16),
  );
  const summary: DemoSummary = {
    people: 0,
    accounts: 0,
    organisations: 0,
    holdings: 0,
    completions: 0,
    consents: 0,
  };
  for (const batch of generateDemo({ ...options, ruleSet: ctx.ruleSet() })) {
    await ctx.store.transaction(async (tx) => {
      await tx.accounts.insertMany(
        batch.accounts.map((a) => ({ ...a, passwordHash, createdAt: `${options.baseDate}T00:00:00.000Z` })),
      );
      await tx.organisations.insertMany(batch.organisations);
      await tx.memberships.insertMany(batch.memberships);
      await tx.people.insertMany(batch.people);
      await tx.roster.addMany(batch.roster);
      await tx.consents.insertMany(batch.consents);
      await tx.records.insertHoldings(batch.holdings);
      await tx.records.insertCompletions(batch.completions);
    });
    summary.people += batch.people.length;
    summary.accounts += batch.accounts.length;
    summary.organisations += batch.organisations.length;
    summary.holdings += batch.holdings.length;
    summary.completions += batch.completions.length;
    summary.consents += batch.consents.length;
    onProgress?.(summary.people);
  }
  await ctx.store.analyze();
  await ctx.store.transaction((tx) =>
    recordChange(ctx, tx, actor, {
      action: 'demo.load',
      entity: 'demo',
      entityId: String(options.seed),
      after: { ...options, ...summary },
    }),
  );
  return summary;
}
