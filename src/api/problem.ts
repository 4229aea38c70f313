/**
 * The one table that maps application error codes to HTTP, and the RFC 9457
 * problem document every error response carries. Nothing else in the API
 * chooses an error status.
 */
import { z } from 'zod';
import type { AppError, AppErrorCode, FieldIssue } from '../core/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ProblemKind {
  status: number;
  title: string;
}

export const PROBLEMS: Readonly<Record<AppErrorCode, ProblemKind>> = {
  'invalid-input': { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'Sign in required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'The request is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  infeasible: { status: 422, title: 'The goal cannot be met' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Something went wrong' },
  unavailable: { status: 503, title: 'Temporarily unavailable' },
};

/** Problem type URIs are relative to the API, documented in the OpenAPI document. */
export function problemType(code: AppErrorCode): string {
  return `/problems/${code}`;
}

export const ProblemIssueSchema = z.object({
  field: z.string().describe('Dotted path to the bad field, e.g. "holdings[0].earned"'),
  in: z.enum(['body', 'query', 'path', 'header', 'file']).optional(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.enum([
      'invalid-input',
      'not-found',
      'unauthenticated',
      'forbidden',
      'conflict',
      'rate-limited',
      'payload-too-large',
      'unsupported-media-type',
      'infeasible',
      'unavailable',
      'internal',
    ]),
    requestId: z.string(),
    errors: z.array(ProblemIssueSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document (application/problem+json)' });
export type Problem = z.infer<typeof ProblemSchema>;

export type IssueLocation = NonNullable<z.infer<typeof ProblemIssueSchema>['in']>;

/** A FieldIssue that also says which part of the request it is in. */
export interface LocatedIssue extends FieldIssue {
  in?: IssueLocation;
}

export function toProblem(error: AppError, instance: string, requestId: string): Problem {
  const kind = PROBLEMS[error.code];
  const problem: Problem = {
    type: problemType(error.code),
    title: kind.title,
    status: kind.status,
    // Internal errors never echo their message: it may name tables, paths or values.
    detail: error.code === 'internal' ? 'An unexpected error occurred; it has been logged.' : error.message,
    instance,
    code: error.code,
    requestId,
  };
  if (error.issues.length > 0) {
    problem.errors = error.issues.map((issue: LocatedIssue) => {
      const out: NonNullable<Problem['errors']>[number] = { field: issue.field, message: issue.message };
      if (issue.in) out.in = issue.in;
      if (issue.line !== undefined) out.line = issue.line;
      if (issue.column !== undefined) out.column = issue.column;
      return out;
    });
  }
  return problem;
}

const STATUS_DESCRIPTIONS: Record<number, string> = Object.fromEntries(
  Object.values(PROBLEMS).map((p) => [p.status, p.title]),
);

/**
 * The problem responses a route may return, for its OpenAPI entry. 400 and
 * 500 are always possible; 429 too, since rate limits apply everywhere.
 */
export function problemResponses(...statuses: number[]) {
  const all = [...new Set([400, ...statuses, 429, 500])].sort();
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: STATUS_DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
}
