/**
 * Sign-up, sign-in, sign-out and the signed-in account; API tokens.
 * Sign-up, sign-in and password changes share one rate limit per client
 * address; the token endpoints share another.
 */
import { z } from 'zod';
import { changePassword, getAccount, RegisterInput } from '../../usecases/accounts.ts';
import type { RouteGroup } from '../app.ts';
import { SCOPES } from '../auth/model.ts';
import { actorOf, clearSessionCookies, setSessionCookies } from '../plugins/auth.ts';
import { problemResponses } from '../problem.ts';
import { Id } from './people.ts';

const AccountSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string().optional(), createdAt: z.string() })
  .meta({ id: 'Account' });

const SignedIn = z.object({
  account: AccountSchema,
  csrfToken: z
    .string()
    .describe('Echo in the X-CSRF-Token header on unsafe requests made with the session cookie'),
  expiresAt: z.string(),
});

const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    prefix: z.string().describe('The first characters of the token, to tell tokens apart'),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
  })
  .meta({ id: 'ApiToken' });

const NewToken = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(SCOPES)).min(1).describe('"read" for GET requests, "write" for changes'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const authRoutes: RouteGroup = (app, { auth, uc, cookies, limiters }) => {
  app.post(
    '/auth/sign-up',
    {
      config: { access: 'public' },
      onRequest: limiters.credentials,
      schema: {
        security: [],
        tags: ['auth'],
        summary: 'Create an account and sign in',
        body: RegisterInput,
        response: { 201: SignedIn.extend({ personId: z.string() }), ...problemResponses(409) },
      },
    },
    async (request, reply) => {
      const issued = await auth.signUp(request.body);
      setSessionCookies(reply, issued, cookies);
      reply.code(201);
      return {
        account: issued.account,
        personId: issued.person.id,
        csrfToken: issued.session.csrfToken,
        expiresAt: issued.session.expiresAt,
      };
    },
  );

  app.post(
    '/auth/sign-in',
    {
      config: { access: 'public' },
      onRequest: limiters.credentials,
      preHandler: limiters.account,
      schema: {
        security: [],
        tags: ['auth'],
        summary: 'Sign in with e-mail and password',
        description: 'Sets an HttpOnly, SameSite=Lax session cookie and a CSRF cookie.',
        body: z.object({ email: z.string().max(254), password: z.string().min(1).max(1024) }).strict(),
        response: { 200: SignedIn, ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const issued = await auth.signIn(request.body);
      setSessionCookies(reply, issued, cookies);
      return {
        account: issued.account,
        csrfToken: issued.session.csrfToken,
        expiresAt: issued.session.expiresAt,
      };
    },
  );

  app.post(
    '/auth/sign-out',
    {
      config: { access: 'session' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends this session',
        response: { 204: z.undefined(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      if (request.credential?.via === 'session') await auth.signOut(request.credential.session);
      clearSessionCookies(reply, cookies);
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'session' },
      onRequest: limiters.credentials,
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions)',
        body: z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) }).strict(),
        response: { 204: z.undefined(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      await changePassword(uc, actorOf(request), request.body);
      // Whoever else held a session (perhaps the reason for the change) is signed out.
      const current = request.credential?.via === 'session' ? request.credential.session.id : undefined;
      await auth.endOtherSessions(actorOf(request).accountId, current);
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in account',
        response: {
          200: z.object({
            account: AccountSchema,
            via: z.enum(['session', 'token']),
            scopes: z.array(z.enum(SCOPES)),
          }),
          ...problemResponses(401),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const credential = request.credential!;
      return {
        account: await getAccount(uc, actor, actor.accountId),
        via: credential.via,
        scopes: credential.via === 'token' ? credential.token.scopes : [...SCOPES],
      };
    },
  );

  app.post(
    '/auth/tokens',
    {
      config: { access: 'session' },
      onRequest: limiters.tokens,
      schema: {
        tags: ['auth'],
        summary: 'Create an API token (shown once)',
        body: NewToken,
        response: {
          201: z.object({
            token: TokenSchema,
            secret: z.string().describe('The token itself; it is not shown again'),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      const created = await auth.createToken(actorOf(request).accountId, request.body);
      reply.code(201);
      return created;
    },
  );

  app.get(
    '/auth/tokens',
    {
      config: { access: 'session' },
      onRequest: limiters.tokens,
      schema: {
        tags: ['auth'],
        summary: 'List your active API tokens',
        response: { 200: z.object({ tokens: z.array(TokenSchema) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ tokens: await auth.listTokens(actorOf(request).accountId) }),
  );

  app.delete(
    '/auth/tokens/:tokenId',
    {
      config: { access: 'session' },
      onRequest: limiters.tokens,
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: z.object({ tokenId: Id }),
        response: { 204: z.undefined(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await auth.revokeToken(actorOf(request).accountId, request.params.tokenId);
      return reply.code(204).send();
    },
  );
};
