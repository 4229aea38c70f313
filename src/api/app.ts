/**
 * The HTTP API's composition: `buildApp` wires plugins and route groups onto
 * one Fastify instance without opening a port, so tests drive it with
 * `inject` and `recert serve` only adds `listen`.
 */

import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import {
  createJsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { RuleSet } from '../core/ruleset.ts';
import type { Clock } from './deps.ts';
import {
  type ApiLoggerSettings,
  loggerOptions,
  REQUEST_ID_HEADER,
  REQUEST_ID_LOG_KEY,
  requestIdFrom,
} from './logging.ts';
import { registerProblems } from './plugins/problems.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { evaluateRoutes } from './routes/evaluate.ts';
import { healthRoutes } from './routes/health.ts';
import { rulesRoutes } from './routes/rules.ts';
import { validatorCompiler } from './validation.ts';

export type Api = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ApiOptions {
  ruleSet: RuleSet;
  clock: Clock;
  /** Logger settings, or false for none (the default in tests). */
  logger?: ApiLoggerSettings | false;
  /** A built web app (web/dist) to serve at /; the API stays under its own paths. */
  webRoot?: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimit?: number;
}

/** What every route group receives. */
export interface RouteContext {
  ruleSet: RuleSet;
  clock: Clock;
}

export type RouteGroup = (app: Api, ctx: RouteContext) => void;

export const API_VERSION = '0.1.0';

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
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblems(app);

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    return payload;
  });

  await app.register(fastifyCookie);
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
      ],
    },
    transform: createJsonSchemaTransform({ skipList: ['/openapi.json', '/docs', '/docs/*'] }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const ctx: RouteContext = { ruleSet: options.ruleSet, clock: options.clock };
  const groups: RouteGroup[] = [healthRoutes, rulesRoutes, evaluateRoutes];
  for (const group of groups) group(app, ctx);

  if (options.webRoot && existsSync(options.webRoot)) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: options.webRoot, prefix: '/', wildcard: false });
  }

  await app.ready();
  return app;
}
