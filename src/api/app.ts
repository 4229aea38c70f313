/**
 * The HTTP API's composition: `buildApp` wires plugins and route groups onto
 * one Fastify instance without opening a port, so tests drive it with
 * `inject` and `recert serve` only adds `listen`.
 */

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type onRequestHookHandler,
  type RawServerDefault,
} from 'fastify';
import {
  createJsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.ts';
import type { RuleSet } from '../core/ruleset.ts';
import type { FileStorage } from '../files/storage.ts';
import { HighsSolver } from '../planner/highs-solver.ts';
import type { SolverPort } from '../planner/solver.ts';
import type { Store } from '../store/port.ts';
import { createContext, type UseCaseContext } from '../usecases/context.ts';
import { MAX_EVIDENCE_BYTES } from '../usecases/evidence.ts';
import { drizzleAuthRepositories } from './auth/repository.ts';
import { type AuthService, createAuthService } from './auth/service.ts';
import type { Clock } from './deps.ts';
import {
  type ApiLoggerSettings,
  loggerOptions,
  REQUEST_ID_HEADER,
  REQUEST_ID_LOG_KEY,
  requestIdFrom,
} from './logging.ts';
import { type CookieSettings, registerAuth, SAFE_METHODS } from './plugins/auth.ts';
import { asAppError, registerProblems, sendProblem, type WebFallback } from './plugins/problems.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { sharedRateLimitStore } from './rate-limit-store.ts';
import { authRoutes } from './routes/auth.ts';
import { consentRoutes } from './routes/consent.ts';
import { CSV_CONTENT_TYPE, csvRoutes } from './routes/csv.ts';
import { evaluateRoutes } from './routes/evaluate.ts';
import { evidenceRoutes } from './routes/evidence.ts';
import { healthRoutes } from './routes/health.ts';
import { organisationRoutes } from './routes/organisations.ts';
import { peopleRoutes } from './routes/people.ts';
import { planRoutes } from './routes/plan.ts';
import { recordsRoutes } from './routes/records.ts';
import { rulesRoutes } from './routes/rules.ts';
import {
  createStatusCache,
  drizzleChangeFeed,
  type StatusCache,
  type StatusCacheOptions,
} from './status-cache.ts';
import { rejectNulCharacters, validatorCompiler } from './validation.ts';

export type Api = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RateLimit {
  max: number;
  /** Milliseconds. */
  timeWindow: number;
}

export interface ApiLimits {
  /** Sign-in and sign-up attempts per client address. */
  signIn: RateLimit;
  /** Sign-in attempts per account e-mail, from any address (against password guessing spread over many addresses). */
  signInPerAccount: RateLimit;
  /** Token creation, listing and revocation per client address. */
  tokens: RateLimit;
  /** Plans per client address (each one is a solver run). */
  plans: RateLimit;
  /** Evaluations of posted profiles per client address (public, so bounded). */
  evaluate: RateLimit;
}

export const DEFAULT_LIMITS: ApiLimits = {
  signIn: { max: 10, timeWindow: 60_000 },
  signInPerAccount: { max: 20, timeWindow: 15 * 60_000 },
  tokens: { max: 30, timeWindow: 60_000 },
  plans: { max: 30, timeWindow: 60_000 },
  evaluate: { max: 120, timeWindow: 60_000 },
};

export interface ApiOptions {
  store: Store;
  files: FileStorage;
  ruleSet: RuleSet;
  clock: Clock;
  limits?: ApiLimits;
  /** Cookie flags; `secure` defaults to true, and `recert serve` turns it off only for plain-HTTP localhost. */
  cookies?: CookieSettings;
  /** The cache of evaluated statuses (see status-cache.ts), or false to evaluate on every request. */
  statusCache?: StatusCacheOptions | false;
  /** Trust X-Forwarded-* from a proxy in front (for the client address used by rate limits). */
  trustProxy?: boolean;
  /** Logger settings, or false for none (the default in tests). */
  logger?: ApiLoggerSettings | false;
  /** A built web app (web/dist) to serve at /; the API stays under its own paths. */
  webRoot?: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimit?: number;
  /** Largest CSV import accepted, in bytes. */
  csvLimit?: number;
}

/** What every route group receives. */
export interface RouteContext {
  ruleSet: RuleSet;
  clock: Clock;
  /** The storage use-cases' context; every stored read and write goes through a use-case with it. */
  uc: UseCaseContext;
  auth: AuthService;
  statusCache: StatusCache | undefined;
  cookies: CookieSettings;
  /** Hooks that count requests per client address, each shared by a group of routes. */
  limiters: Record<'credentials' | 'account' | 'tokens' | 'plans' | 'evaluate', onRequestHookHandler>;
  /** The planner's solver: one worker, so plans are solved one at a time. */
  solver: SolverPort;
}

export type RouteGroup = (app: Api, ctx: RouteContext) => void;

export const API_VERSION = '0.1.0';

/**
 * The built web app at /: its files are public, and a browser asking for an
 * unknown page gets index.html, so client-side routes survive a reload.
 */
async function serveWebApp(app: Api, root: string): Promise<WebFallback> {
  const { default: fastifyStatic } = await import('@fastify/static');
  const indexHtml = readFileSync(join(root, 'index.html'));
  await app.register(async (web) => {
    web.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await web.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: 'index.html' });
  });
  return (request) => {
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    return wantsPage ? indexHtml : undefined;
  };
}

/**
 * A limit keyed by the e-mail being signed in to, checked once the body is
 * parsed (a preHandler). The plugin's own hooks run once per request, so this
 * one asks the limiter directly.
 */
function perAccountLimit(app: Api, limit: RateLimit): onRequestHookHandler {
  const check = app.createRateLimit({
    ...limit,
    keyGenerator: (r) =>
      `account:${String((r.body as { email?: unknown } | undefined)?.email ?? '')
        .trim()
        .toLowerCase()}`,
  });
  return async (request, reply) => {
    const result = await check(request);
    // The limiter reports counts; exceeding is ours to act on.
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw new AppError(
      'rate-limited',
      `too many sign-in attempts for this account; try again in ${result.ttlInSeconds} s`,
    );
  };
}

export async function buildApp(options: ApiOptions): Promise<Api> {
  const fastify = Fastify({
    logger: options.logger ? loggerOptions(options.logger) : false,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    logController: new LogController({ requestIdLogLabel: REQUEST_ID_LOG_KEY }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Deep or huge JSON is refused by the body limit; prototype pollution is refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    trustProxy: options.trustProxy ?? false,
    // A URL that cannot be decoded is the client's error, answered like every other one.
    frameworkErrors: (error, request, reply) => {
      const appError =
        error.code === 'FST_ERR_BAD_URL' ? AppError.invalid('the URL is malformed') : asAppError(error);
      return sendProblem(request, reply, appError);
    },
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  let webFallback: WebFallback | undefined;
  registerProblems(app, (request) => webFallback?.(request));
  rejectNulCharacters(app);
  // CSV imports arrive as text, with a larger allowance than JSON bodies.
  app.addContentTypeParser(
    CSV_CONTENT_TYPE,
    { parseAs: 'string', bodyLimit: options.csvLimit ?? 50 * 1024 * 1024 },
    (_r, body, done) => done(null, body),
  );

  // Callback style: it runs on every response, and needs no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // What one account sees is never kept by a shared cache.
    if (request.credential && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'private, no-store');
    done(null, payload);
  });

  await app.register(fastifyCookie);
  // Multipart is parsed only where a route asks for it (evidence upload), with tight limits there.
  await app.register(fastifyMultipart, {
    limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 0, parts: 2 },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    // Processes sharing one PostgreSQL share their counts; PGlite's folder has one process.
    ...(options.store.info.sharedByProcesses ? { store: sharedRateLimitStore(options.store) } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError('rate-limited', `too many requests; try again in ${context.after}`),
  });
  const uc = createContext({
    store: options.store,
    files: options.files,
    clock: () => options.clock.now(),
    ruleSet: () => options.ruleSet,
  });
  const auth = createAuthService(uc, options.store.repositoriesFor(drizzleAuthRepositories), options.clock);
  registerAuth(app, auth);
  const statusCache =
    options.statusCache === false
      ? undefined
      : await createStatusCache(options.store.repositoriesFor(drizzleChangeFeed), {
          pollMs: 1000,
          onPollError: (error) =>
            app.log.warn({ err: error }, 'the status cache could not read the audit log'),
          ...options.statusCache,
        });
  if (statusCache) {
    app.addHook('onSend', (request, reply, payload, done) => {
      if (SAFE_METHODS.has(request.method) || reply.statusCode >= 400) return done(null, payload);
      // A client reads its own writes: the cache catches up before a write is answered.
      statusCache.sync().then(
        () => done(null, payload),
        (error: unknown) => {
          // The write itself succeeded; the next poll catches up.
          request.log.warn({ err: error }, 'the status cache could not read the audit log');
          done(null, payload);
        },
      );
    });
    app.addHook('onClose', async () => statusCache.close());
  }
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Recert API',
        version: API_VERSION,
        description:
          'Keeps professional certifications current. Errors are RFC 9457 problem documents ' +
          `(${PROBLEM_CONTENT_TYPE}) that name each bad field.`,
      },
      tags: [
        { name: 'service', description: 'Health and documentation' },
        { name: 'rules', description: 'The rule catalog and its plain-words explanations' },
        { name: 'engine', description: 'Evaluate a profile document without storing it' },
        { name: 'auth', description: 'Sign-up, sign-in, sessions and API tokens' },
        { name: 'people', description: 'Your profile, a person’s status on a date, their audit trail' },
        { name: 'holdings', description: 'Credentials a person holds' },
        { name: 'renewals', description: 'Renewal submissions of a holding' },
        { name: 'completions', description: 'Continuing education a person completed' },
        { name: 'petitions', description: 'Petitioned credits and their outcome' },
        { name: 'evidence', description: 'Certificates attached to completions' },
        { name: 'consent', description: 'What organisations may see of a person' },
        { name: 'organisations', description: 'Gyms, studios and clinics' },
        { name: 'memberships', description: 'Who belongs to an organisation, with which role' },
        { name: 'invitations', description: 'Inviting people into an organisation' },
        { name: 'roster', description: 'An organisation’s staff and their status' },
        { name: 'imports and exports', description: 'Profile documents in and out' },
      ],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'recert_session' },
          token: { type: 'http', scheme: 'bearer', description: 'An API token from POST /auth/tokens' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: createJsonSchemaTransform({ skipList: ['/openapi.json', '/docs', '/docs/*'] }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const limits = options.limits ?? DEFAULT_LIMITS;
  const solver = new HighsSolver();
  app.addHook('onClose', async () => solver.close());
  const ctx: RouteContext = {
    ruleSet: options.ruleSet,
    clock: options.clock,
    uc,
    auth,
    statusCache,
    solver,
    cookies: options.cookies ?? { secure: true },
    limiters: {
      credentials: app.rateLimit({ ...limits.signIn, keyGenerator: (r) => `credentials:${r.ip}` }),
      account: perAccountLimit(app, limits.signInPerAccount),
      tokens: app.rateLimit({ ...limits.tokens, keyGenerator: (r) => `tokens:${r.ip}` }),
      plans: app.rateLimit({ ...limits.plans, keyGenerator: (r) => `plans:${r.ip}` }),
      evaluate: app.rateLimit({ ...limits.evaluate, keyGenerator: (r) => `evaluate:${r.ip}` }),
    } as RouteContext['limiters'],
  };
  const groups: RouteGroup[] = [
    healthRoutes,
    rulesRoutes,
    evaluateRoutes,
    authRoutes,
    peopleRoutes,
    recordsRoutes,
    evidenceRoutes,
    consentRoutes,
    organisationRoutes,
    csvRoutes,
    planRoutes,
  ];
  for (const group of groups) group(app, ctx);

  if (options.webRoot && existsSync(join(options.webRoot, 'index.html'))) {
    webFallback = await serveWebApp(app, options.webRoot);
  }

  await app.ready();
  return app;
}
