/**
 * Logger settings for the API: every line of a request carries its request
 * id, and secrets are censored before a line is written — headers that carry
 * credentials, and any field that holds a password or token at any depth the
 * API logs.
 */
import { randomUUID } from 'node:crypto';
import type { DestinationStream, LoggerOptions } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';
export const REQUEST_ID_LOG_KEY = 'requestId';

const SECRET_FIELDS = ['password', 'newPassword', 'currentPassword', 'token', 'secret', 'csrfToken'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

export interface ApiLoggerSettings {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  stream?: DestinationStream;
}

/** A failed query's message lists its parameters (a password hash, an e-mail); logs keep the SQL only. */
export function scrubQueryParameters(text: string): string {
  return text.replace(/\nparams: [^\n]*/g, '\nparams: [redacted]');
}

interface LoggedError {
  type: string;
  message: string;
  code?: unknown;
  stack?: string;
  cause?: LoggedError;
}

export function serializeError(error: unknown, depth = 0): LoggedError {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: unknown;
    stack?: string;
    cause?: unknown;
  };
  const out: LoggedError = {
    type: e.name ?? typeof error,
    message: scrubQueryParameters(String(e.message ?? error)),
  };
  if (e.code !== undefined) out.code = e.code;
  if (e.stack) out.stack = scrubQueryParameters(e.stack);
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export function loggerOptions(settings: ApiLoggerSettings): LoggerOptions & { stream?: DestinationStream } {
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  if (settings.stream) options.stream = settings.stream;
  return options;
}

/** A caller's request id is kept only when it is short and plain, so it cannot inject into logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_REQUEST_ID.test(value) ? value : randomUUID();
}
