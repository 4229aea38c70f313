/** Validates use-case input with a zod schema; failures become one invalid-input error naming each field. */
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { unknownCatalogIds } from '../core/profile/catalog-ids.ts';
import type { Completion, Holding } from '../core/profile/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';
import { formatPath } from '../io/yaml-source.ts';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'the input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw AppError.invalid(
    `${what} is not valid`,
    result.error.issues.map((issue) => ({
      field: formatPath(issue.path) || '(root)',
      message: issue.message,
    })),
  );
}

/** Drops keys whose value is undefined, so parsed input fits exact optional properties. */
export function compact<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * Refuses records naming credentials or offerings the rule catalog does not have
 * (core/profile/catalog-ids.ts). Fields are named from the document's top (`holdings[0].credential`),
 * or, for one record (`prefixed` false), from the record (`credential`).
 */
export function checkCatalogIds(
  ruleSet: RuleSet,
  records: { holdings?: readonly Holding[]; completions?: readonly Completion[] },
  what: string,
  prefixed = true,
): void {
  const unknown = unknownCatalogIds(ruleSet, records);
  if (unknown.length === 0) return;
  throw AppError.invalid(
    `${what} is not valid`,
    unknown.map(({ path, message }) => ({ field: formatPath(prefixed ? path : path.slice(2)), message })),
  );
}
