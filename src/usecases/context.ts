/**
 * What every use-case receives: the store, file storage, a clock, an id
 * source and the rule set — all passed in, so tests fix the clock and ids and
 * nothing reaches for a global.
 */
import { shippedRuleSet } from '../catalog/load.ts';
import type { RuleSet } from '../core/ruleset.ts';
import type { FileStorage } from '../files/storage.ts';
import type { Store } from '../store/port.ts';
import { timeOrderedIds } from './ids.ts';

/** Who is asking. The API maps a session or token to an account actor; the CLI is the system operator. */
export type Actor = { kind: 'account'; accountId: string } | { kind: 'system'; name: string };

/** The local operator (CLI, migrations, nightly jobs): may do everything, like the database owner. */
export const SYSTEM: Actor = { kind: 'system', name: 'cli' };

export interface UseCaseContext {
  store: Store;
  files: FileStorage;
  clock(): Date;
  newId(): string;
  ruleSet(): RuleSet;
}

export interface ContextParts {
  store: Store;
  files: FileStorage;
  clock?: () => Date;
  newId?: () => string;
  ruleSet?: () => RuleSet;
}

export function createContext(parts: ContextParts): UseCaseContext {
  return {
    store: parts.store,
    files: parts.files,
    clock: parts.clock ?? (() => new Date()),
    newId: parts.newId ?? timeOrderedIds(),
    ruleSet: parts.ruleSet ?? shippedRuleSet,
  };
}

export function nowIso(ctx: UseCaseContext): string {
  return ctx.clock().toISOString();
}

export function actorId(actor: Actor): string {
  return actor.kind === 'account' ? actor.accountId : `system:${actor.name}`;
}
