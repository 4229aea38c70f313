/**
 * One fetch wrapper for every call: JSON in and out, the session cookie sent
 * by the browser, the CSRF token echoed on unsafe requests, and problem+json
 * errors turned into an ApiProblem that names each bad field.
 */
import type { Problem, ProblemIssue } from './types.ts';

export const CSRF_COOKIE = 'recert_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
/** Dispatched on window when a request is refused for want of a session. */
export const SESSION_ENDED = 'recert:session-ended';

export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly code: string | undefined;
  readonly issues: ProblemIssue[];

  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `request failed (${status})`);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = problem.title ?? 'The request failed';
    this.code = problem.code;
    this.issues = problem.errors ?? [];
  }

  /** Field path → message, the first message per field; "" holds issues that name no field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.issues) {
      const key = issue.field;
      out[key] ??= issue.message;
    }
    return out;
  }
}

export function readCookie(
  name: string,
  cookies: string = globalThis.document?.cookie ?? '',
): string | undefined {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** A path with these query parameters (empty and absent ones left out). */
export function withQuery(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  return params.size > 0 ? `${path}?${params}` : path;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (!SAFE.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  const url = withQuery(path, options.query);
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = body;
  if (options.signal) init.signal = options.signal;
  const response = await fetch(url, init);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const problem =
      typeof payload === 'object' && payload !== null
        ? (payload as Partial<Problem>)
        : { detail: String(payload) };
    // A session that ended (expired, signed out elsewhere) is the app's business, not one page's.
    if (response.status === 401 && !path.startsWith('/auth/')) {
      globalThis.dispatchEvent?.(new Event(SESSION_ENDED));
    }
    throw new ApiProblem(response.status, problem);
  }
  return payload as T;
}

export const get = <T>(path: string, query?: Record<string, string | undefined>) =>
  request<T>('GET', path, query ? { query } : {});
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body });
export const put = <T>(path: string, body?: unknown, query?: Record<string, string | undefined>) =>
  request<T>('PUT', path, query ? { body, query } : { body });
export const del = (path: string) => request<void>('DELETE', path);

/** A message for any error, for a page's alert. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
