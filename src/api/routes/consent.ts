/**
 * Consent: a person decides which organisations see their status, or their
 * records too. Only the person themself grants or revokes.
 */
import { z } from 'zod';
import { grantConsent, listConsents, revokeConsent } from '../../usecases/consent.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { problemResponses } from '../problem.ts';
import { ConsentGrantSchema, ConsentScope } from '../schemas/domain.ts';
import { Id, PersonParams } from './people.ts';

const GrantParams = PersonParams.extend({ organisationId: Id });
const errors = problemResponses(401, 403, 404, 409);

export const consentRoutes: RouteGroup = (app, { uc }) => {
  app.get(
    '/people/:personId/consents',
    {
      schema: {
        tags: ['consent'],
        summary: 'Consent grants, past and present',
        params: PersonParams,
        response: { 200: z.object({ consents: z.array(ConsentGrantSchema) }), ...errors },
      },
    },
    async (request) => ({ consents: await listConsents(uc, actorOf(request), request.params.personId) }),
  );

  app.put(
    '/people/:personId/consents/:organisationId',
    {
      schema: {
        tags: ['consent'],
        summary: 'Let an organisation see your status ("status") or your records too ("records")',
        params: GrantParams,
        body: z.object({ scope: ConsentScope }).strict(),
        response: { 200: ConsentGrantSchema, ...errors },
      },
    },
    async (request) =>
      grantConsent(
        uc,
        actorOf(request),
        request.params.personId,
        request.params.organisationId,
        request.body.scope,
      ),
  );

  app.delete(
    '/people/:personId/consents/:organisationId',
    {
      schema: {
        tags: ['consent'],
        summary: 'Withdraw consent, effective immediately',
        params: GrantParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      await revokeConsent(uc, actorOf(request), request.params.personId, request.params.organisationId);
      return reply.code(204).send();
    },
  );
};
