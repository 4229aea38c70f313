/**
 * Who is asking: a bearer API token or a session cookie becomes an account
 * actor before any handler runs. Routes are closed by default; a route opens
 * itself with `config: { access: 'public' }`, and credential management asks
 * for `access: 'session'` so a token can never mint or revoke tokens.
 *
 * CSRF: a cookie-authenticated request with an unsafe method must echo the
 * session's CSRF token in the X-CSRF-Token header (the token is readable by
 * the web app from a non-HttpOnly cookie, and checked against the copy stored
 * with the session). Bearer tokens are not sent by browsers on their own, so
 * they need no CSRF check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../../usecases/context.ts';
import { type Scope, sameSecret } from '../auth/model.ts';
import type { AuthService, Credential, IssuedSession } from '../auth/service.ts';
import { SESSION_DAYS } from '../auth/service.ts';

export type Access = 'public' | 'account' | 'session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (default 'account'). */
    access?: Access;
  }
  interface FastifyRequest {
    credential: Credential | null;
  }
}

export const SESSION_COOKIE = 'recert_session';
export const CSRF_COOKIE = 'recert_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const OPEN_PREFIXES = ['/docs', '/openapi.json'];

export interface CookieSettings {
  /** Send cookies only over HTTPS; on unless serving plain HTTP on localhost. */
  secure: boolean;
}

function accessOf(request: FastifyRequest): Access {
  const configured = request.routeOptions.config?.access;
  if (configured) return configured;
  const url = request.routeOptions.url;
  // Routes of the documentation plugin and unknown paths (answered 404) carry no config of their own.
  if (url === undefined || OPEN_PREFIXES.some((p) => url.startsWith(p))) return 'public';
  return 'account';
}

function requiredScope(method: string): Scope {
  return SAFE_METHODS.has(method) ? 'read' : 'write';
}

async function identify(request: FastifyRequest, auth: AuthService, access: Access): Promise<Credential> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new AppError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
    const credential = await auth.resolveToken(match[1]);
    if (credential?.via !== 'token') {
      throw new AppError('unauthenticated', 'the API token is not valid, has expired or was revoked');
    }
    if (access === 'session') {
      throw AppError.forbidden(
        'API tokens and sessions are managed from a signed-in session, not with a token',
      );
    }
    const scope = requiredScope(request.method);
    if (!credential.token.scopes.includes(scope)) {
      throw AppError.forbidden(`this API token lacks the "${scope}" scope`);
    }
    return credential;
  }
  const secret = request.cookies[SESSION_COOKIE];
  if (!secret)
    throw new AppError('unauthenticated', 'sign in, or send an API token as "Authorization: Bearer <token>"');
  const credential = await auth.resolveSession(secret);
  if (credential?.via !== 'session') {
    throw new AppError('unauthenticated', 'the session has expired or was signed out; sign in again');
  }
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, credential.session.csrfToken)) {
      throw AppError.forbidden(`send the session's CSRF token in the ${CSRF_HEADER} header`);
    }
  }
  return credential;
}

export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('credential', null);
  app.addHook('onRequest', async (request) => {
    const access = accessOf(request);
    if (access === 'public') return;
    request.credential = await identify(request, auth, access);
  });
}

/** The actor a use-case sees for this request; only called on routes that require one. */
export function actorOf(request: FastifyRequest): Actor & { kind: 'account' } {
  if (!request.credential) throw new AppError('unauthenticated', 'sign in first');
  return { kind: 'account', accountId: request.credential.accountId };
}

export function setSessionCookies(
  reply: FastifyReply,
  issued: IssuedSession,
  settings: CookieSettings,
): void {
  const common = {
    path: '/',
    sameSite: 'lax' as const,
    secure: settings.secure,
    maxAge: SESSION_DAYS * 24 * 60 * 60,
  };
  reply.setCookie(SESSION_COOKIE, issued.sessionSecret, { ...common, httpOnly: true });
  // Readable by the web app, which echoes it in the CSRF header.
  reply.setCookie(CSRF_COOKIE, issued.session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, settings: CookieSettings): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: settings.secure };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}
