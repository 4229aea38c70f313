/** Validates use-case input with a zod schema; failures become one invalid-input error naming each field. */
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';
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
 * Refuses records naming credentials or offerings the rule catalog does not have: a typo would be
 * stored and then shown as a status nobody can act on. `at` prefixes the fields named (for a
 * whole document: "holdings[0].").
 */
export function checkCatalogIds(
  ruleSet: RuleSet,
  records: { holdings?: readonly Holding[]; completions?: readonly Completion[] },
  what: string,
  prefixed = true,
): void {
  const issues: { field: string; message: string }[] = [];
  const at = (list: string, i: number, rest: string) => (prefixed ? `${list}[${i}].${rest}` : rest);
  for (const [i, h] of (records.holdings ?? []).entries()) {
    if (!ruleSet.credentials.has(h.credential))
      issues.push({
        field: at('holdings', i, 'credential'),
        message: `"${h.credential}" is not a credential in the catalog`,
      });
  }
  for (const [i, c] of (records.completions ?? []).entries()) {
    if (c.activity !== undefined && !ruleSet.offerings.has(c.activity))
      issues.push({
        field: at('completions', i, 'activity'),
        message: `"${c.activity}" is not an offering in the catalog`,
      });
    for (const [j, credit] of c.credits.entries()) {
      if (!ruleSet.credentials.has(credit.credential))
        issues.push({
          field: at('completions', i, `credits[${j}].credential`),
          message: `"${credit.credential}" is not a credential in the catalog`,
        });
    }
  }
  if (issues.length > 0) throw AppError.invalid(`${what} is not valid`, issues);
}
