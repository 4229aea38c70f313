/**
 * People: your own profile, a person you may see, their status on a date,
 * their whole profile document (export and import) and their audit trail.
 */
import { z } from 'zod';
import { listAudit } from '../../usecases/audit.ts';
import { getMyPerson, getPerson, updatePerson } from '../../usecases/people.ts';
import { exportProfile, importProfile } from '../../usecases/profile.ts';
import { getPersonStatus } from '../../usecases/status.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { profileDocument } from '../present.ts';
import { problemResponses } from '../problem.ts';
import { AuditEntrySchema, PersonSchema, Profile, ProfileDocument } from '../schemas/domain.ts';
import { AsOfQuery, EvaluationSchema } from '../schemas/evaluation.ts';

/** Stored ids are UUIDs or seeded names (letters, digits, dashes): nothing else can name a row. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:~-]{0,99}$/, { message: 'is not an id' })
  .describe('An id, as returned by the API');
export const PersonParams = z.object({ personId: Id });
export const AuditQuery = z.object({
  afterSeq: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Only entries after this sequence number'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const peopleRoutes: RouteGroup = (app, { uc, clock, statusCache }) => {
  app.get(
    '/me/person',
    {
      schema: {
        tags: ['people'],
        summary: 'Your own person profile',
        response: { 200: PersonSchema, ...problemResponses(401) },
      },
    },
    async (request) => getMyPerson(uc, actorOf(request)),
  );

  app.get(
    '/people/:personId',
    {
      schema: {
        tags: ['people'],
        summary: 'A person you may see',
        params: PersonParams,
        response: { 200: PersonSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => getPerson(uc, actorOf(request), request.params.personId),
  );

  app.patch(
    '/people/:personId',
    {
      schema: {
        tags: ['people'],
        summary: 'Change a person’s name or e-mail',
        params: PersonParams,
        body: z
          .object({ name: z.string().trim().min(1).max(200), email: z.string().max(254) })
          .partial()
          .strict(),
        response: { 200: PersonSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => updatePerson(uc, actorOf(request), request.params.personId, definedOnly(request.body)),
  );

  app.get(
    '/people/:personId/status',
    {
      schema: {
        tags: ['people'],
        summary: 'A person’s status on a date, with findings',
        description:
          'Every holding’s cycle, status, units required, counted and missing, allocations, fees and next actions.',
        params: PersonParams,
        querystring: AsOfQuery,
        response: { 200: EvaluationSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { personId } = request.params;
      const asOf = request.query.on ?? clock.today();
      const evaluate = async () =>
        Buffer.from(JSON.stringify(EvaluationSchema.parse(await getPersonStatus(uc, actor, personId, asOf))));
      const json = statusCache
        ? await statusCache.get(actor.accountId, personId, asOf, evaluate)
        : await evaluate();
      // Already JSON bytes, shaped by the same schema: sent as they are.
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  app.get(
    '/people/:personId/profile',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Export a person’s profile document',
        params: PersonParams,
        response: { 200: ProfileDocument, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => profileDocument(await exportProfile(uc, actorOf(request), request.params.personId)),
  );

  app.put(
    '/people/:personId/profile',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Import a profile document',
        description: '`mode=replace` (default) replaces every holding and completion; `append` adds to them.',
        params: PersonParams,
        querystring: z.object({ mode: z.enum(['replace', 'append']).optional() }),
        body: Profile,
        response: {
          200: z.object({ holdings: z.number().int(), completions: z.number().int() }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) =>
      importProfile(uc, actorOf(request), request.params.personId, request.body, {
        mode: request.query.mode ?? 'replace',
      }),
  );

  app.get(
    '/people/:personId/audit',
    {
      schema: {
        tags: ['people'],
        summary: 'A person’s own audit trail',
        params: PersonParams,
        querystring: AuditQuery,
        response: {
          200: z.object({ entries: z.array(AuditEntrySchema) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => ({
      entries: await listAudit(uc, actorOf(request), {
        personId: request.params.personId,
        ...definedOnly(request.query),
      }),
    }),
  );
};

/** Drops undefined values, for use-case inputs typed with exact optional properties. */
export function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
