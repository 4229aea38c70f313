/**
 * The one application error type. Use-cases throw it with a code from this
 * closed set; each face maps codes in exactly one place (the HTTP API to a
 * status and an RFC 9457 problem document, the CLI to an exit code).
 */

export const APP_ERROR_CODES = [
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
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** One bad field in the input: where it is and what is wrong with it. */
export interface FieldIssue {
  /** Dotted path to the field, e.g. "holdings[0].earned". */
  field: string;
  message: string;
  /** Source location when the input was a file. */
  file?: string;
  line?: number;
  column?: number;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static invalid(message: string, issues: FieldIssue[] = []): AppError {
    return new AppError('invalid-input', message, issues);
  }
  static notFound(what: string): AppError {
    return new AppError('not-found', `${what} was not found`);
  }
  static forbidden(message = 'you are not allowed to do this'): AppError {
    return new AppError('forbidden', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
