/**
 * Holdings and completions of a person, renewals of a holding, and petition
 * outcomes of a completion's claimed credits.
 */
import { z } from 'zod';
import { Completion, Holding, RenewalEntry } from '../../core/profile/schema.ts';
import {
  addHolding,
  listCompletions,
  listHoldings,
  logCompletion,
  recordRenewal,
  removeCompletion,
  removeHolding,
  setCreditStatus,
  updateCompletion,
  updateHolding,
} from '../../usecases/records.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { storedCompletion } from '../present.ts';
import { problemResponses } from '../problem.ts';
import { StoredCompletionSchema, StoredHoldingSchema } from '../schemas/domain.ts';
import { validatedAsSent } from '../validation.ts';
import { Id, PersonParams } from './people.ts';

// The use-cases parse these bodies themselves; the route validates them for a precise 400 first.
const HoldingBody = validatedAsSent(Holding, 'A holding, as in a profile document');
const CompletionBody = validatedAsSent(Completion, 'A completion, as in a profile document');
const RenewalBody = validatedAsSent(RenewalEntry, 'A renewal submission date, or { date, kind }');

const HoldingParams = z.object({ holdingId: Id });
const CompletionParams = z.object({ completionId: Id });
const write = problemResponses(401, 403, 404);

export const recordsRoutes: RouteGroup = (app, { uc }) => {
  app.get(
    '/people/:personId/holdings',
    {
      schema: {
        tags: ['holdings'],
        summary: 'A person’s holdings',
        params: PersonParams,
        response: { 200: z.object({ holdings: z.array(StoredHoldingSchema) }), ...write },
      },
    },
    async (request) => ({ holdings: await listHoldings(uc, actorOf(request), request.params.personId) }),
  );

  app.post(
    '/people/:personId/holdings',
    {
      schema: {
        tags: ['holdings'],
        summary: 'Add a holding',
        params: PersonParams,
        body: HoldingBody,
        response: { 201: StoredHoldingSchema, ...write },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addHolding(uc, actorOf(request), request.params.personId, request.body);
    },
  );

  app.put(
    '/holdings/:holdingId',
    {
      schema: {
        tags: ['holdings'],
        summary: 'Replace a holding',
        params: HoldingParams,
        body: HoldingBody,
        response: { 200: StoredHoldingSchema, ...write },
      },
    },
    async (request) => updateHolding(uc, actorOf(request), request.params.holdingId, request.body),
  );

  app.delete(
    '/holdings/:holdingId',
    {
      schema: {
        tags: ['holdings'],
        summary: 'Remove a holding',
        params: HoldingParams,
        response: { 204: z.undefined(), ...write },
      },
    },
    async (request, reply) => {
      await removeHolding(uc, actorOf(request), request.params.holdingId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/holdings/:holdingId/renewals',
    {
      schema: {
        tags: ['renewals'],
        summary: 'Record a renewal (or reinstatement) submission',
        params: HoldingParams,
        body: RenewalBody,
        response: { 201: StoredHoldingSchema, ...write },
      },
    },
    async (request, reply) => {
      const body = request.body;
      reply.code(201);
      return recordRenewal(
        uc,
        actorOf(request),
        request.params.holdingId,
        typeof body === 'string' ? { date: body } : body,
      );
    },
  );

  app.get(
    '/people/:personId/completions',
    {
      schema: {
        tags: ['completions'],
        summary: 'A person’s completions (needs records consent)',
        params: PersonParams,
        response: { 200: z.object({ completions: z.array(StoredCompletionSchema) }), ...write },
      },
    },
    async (request) => ({
      completions: (await listCompletions(uc, actorOf(request), request.params.personId)).map(
        storedCompletion,
      ),
    }),
  );

  app.post(
    '/people/:personId/completions',
    {
      schema: {
        tags: ['completions'],
        summary: 'Log a completion',
        description: 'Entered once, it counts toward every credential it is approved for.',
        params: PersonParams,
        body: CompletionBody,
        response: { 201: StoredCompletionSchema, ...write },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return storedCompletion(
        await logCompletion(uc, actorOf(request), request.params.personId, request.body),
      );
    },
  );

  app.put(
    '/completions/:completionId',
    {
      schema: {
        tags: ['completions'],
        summary: 'Replace a completion',
        params: CompletionParams,
        body: CompletionBody,
        response: { 200: StoredCompletionSchema, ...write },
      },
    },
    async (request) =>
      storedCompletion(
        await updateCompletion(uc, actorOf(request), request.params.completionId, request.body),
      ),
  );

  app.delete(
    '/completions/:completionId',
    {
      schema: {
        tags: ['completions'],
        summary: 'Remove a completion',
        params: CompletionParams,
        response: { 204: z.undefined(), ...write },
      },
    },
    async (request, reply) => {
      await removeCompletion(uc, actorOf(request), request.params.completionId);
      return reply.code(204).send();
    },
  );

  app.put(
    '/completions/:completionId/credits/:creditIndex/status',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Record a petition’s state for a claimed credit',
        description: 'A pending petition is shown but not counted; a denied one never counts.',
        params: CompletionParams.extend({ creditIndex: z.coerce.number().int().nonnegative().max(1000) }),
        body: z.object({ status: z.enum(['approved', 'pending', 'denied']) }).strict(),
        response: { 200: StoredCompletionSchema, ...write },
      },
    },
    async (request) =>
      storedCompletion(
        await setCreditStatus(
          uc,
          actorOf(request),
          request.params.completionId,
          request.params.creditIndex,
          request.body.status,
        ),
      ),
  );
};
