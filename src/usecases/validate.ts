/** Validates use-case input with a zod schema; failures become one invalid-input error naming each field. */
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';
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
