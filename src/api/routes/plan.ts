/**
 * The planner: the cheapest dated actions that keep a profile's credentials
 * current until a date (and earn new ones), for a profile sent in the body or
 * a stored person's. Plans are solved one at a time on one solver worker, and
 * the route shares a rate limit per client, since each solve takes CPU.
 */
import { z } from 'zod';
import type { Profile as ProfileType } from '../../core/profile/schema.ts';
import { IsoDateSchema } from '../../core/rules/schema.ts';
import { makePlan } from '../../planner/plan.ts';
import type { PlanRequest } from '../../planner/types.ts';
import { exportProfile } from '../../usecases/profile.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { problemResponses } from '../problem.ts';
import { Profile } from '../schemas/domain.ts';
import { PlanConstraintsSchema, PlanGoalsSchema, PlanSchema } from '../schemas/plan.ts';
import { PersonParams } from './people.ts';

const PLAN_TIME_LIMIT_MS = 10_000;

const Goals = z.object({
  on: IsoDateSchema.optional().describe('The as-of date (default: today)'),
  goals: PlanGoalsSchema,
  constraints: PlanConstraintsSchema.optional(),
});

export const planRoutes: RouteGroup = (app, { uc, ruleSet, clock, solver, limiters }) => {
  const plan = (profile: ProfileType, body: z.infer<typeof Goals>) => {
    const request = {
      asOf: body.on ?? clock.today(),
      goals: body.goals,
      ...(body.constraints ? { constraints: body.constraints } : {}),
      timeLimitMs: PLAN_TIME_LIMIT_MS,
    } as PlanRequest;
    return makePlan(profile, ruleSet, request, solver);
  };

  app.post(
    '/plan',
    {
      onRequest: limiters.plans,
      schema: {
        tags: ['engine'],
        summary: 'Plan the cheapest way to stay certified, for a profile document',
        body: Goals.extend({ profile: Profile }).strict(),
        response: { 200: PlanSchema, ...problemResponses(401) },
      },
    },
    async (request) => plan(request.body.profile, request.body),
  );

  app.post(
    '/people/:personId/plan',
    {
      onRequest: limiters.plans,
      schema: {
        tags: ['people'],
        summary: 'Plan for a stored person (needs records consent)',
        params: PersonParams,
        body: Goals.strict(),
        response: { 200: PlanSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => plan(await exportProfile(uc, actorOf(request), request.params.personId), request.body),
  );
};
