/**
 * Request validation with the routes' zod schemas. A failure becomes the one
 * AppError ('invalid-input') listing every bad field with its dotted path and
 * where in the request it is, so clients can point at the field.
 */
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { nulPath } from '../core/text.ts';
import { formatPath } from '../io/yaml-source.ts';
import type { IssueLocation, LocatedIssue } from './problem.ts';

const LOCATIONS: Record<string, IssueLocation> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

export function issuesOf(error: z.core.$ZodError, location?: IssueLocation): LocatedIssue[] {
  const out: LocatedIssue[] = [];
  for (const issue of error.issues) {
    const at = location ? { in: location } : {};
    if (issue.code === 'unrecognized_keys') {
      // Name each unknown key as its own field, so a client can highlight it.
      for (const key of issue.keys) {
        out.push({ field: formatPath([...issue.path, key]), message: 'is not a known field', ...at });
      }
      continue;
    }
    out.push({ field: formatPath(issue.path), message: issue.message, ...at });
  }
  return out;
}

export function invalidInput(
  error: z.core.$ZodError,
  location?: IssueLocation,
  what = 'the request',
): AppError {
  const issues = issuesOf(error, location);
  const fields = [...new Set(issues.map((i) => i.field || '(root)'))];
  return AppError.invalid(
    `${what} has ${issues.length === 1 ? 'a bad field' : 'bad fields'}: ${fields.join(', ')}`,
    issues,
  );
}

/**
 * Schemas whose request value reaches the handler as sent (validated, not
 * transformed): for bodies a use-case parses itself, where parsing twice
 * would apply a transform twice (decimal units become milli-units).
 */
const AS_SENT = z.registry<Record<string, never>>();

export function validatedAsSent<T extends z.ZodType>(schema: T, description: string): T {
  const copy = schema.describe(description) as T;
  AS_SENT.add(copy, {});
  return copy;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: AS_SENT.has(schema) ? data : result.data };
    return { error: invalidInput(result.error, LOCATIONS[httpPart ?? 'body'] ?? 'body') };
  };

/**
 * JSON bodies are parsed by Fastify's own safe parser (prototype poisoning
 * refused), then refused when any text holds a NUL character: no stored
 * text may, and naming the field beats a database error.
 */
export function rejectNulCharacters(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error, value) => {
      if (error) return done(error, undefined);
      const at = nulPath(value);
      if (at) {
        return done(
          AppError.invalid('text may not contain NUL characters', [
            { field: formatPath(at), message: 'contains a NUL character', in: 'body' } as LocatedIssue,
          ]),
          undefined,
        );
      }
      return done(null, value);
    });
  });
}
