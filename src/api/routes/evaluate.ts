/** POST /evaluate: a profile document in, its evaluation out; nothing is stored. */
import { evaluate } from '../../core/engine/evaluate.ts';
import { Profile } from '../../core/profile/schema.ts';
import type { RouteGroup } from '../app.ts';
import { problemResponses } from '../problem.ts';
import { AsOfQuery, EvaluationSchema } from '../schemas/evaluation.ts';

export const evaluateRoutes: RouteGroup = (app, { ruleSet, clock, limiters }) => {
  app.post(
    '/evaluate',
    {
      config: { access: 'public' },
      onRequest: limiters.evaluate,
      // A profile is small; a larger body only buys a longer evaluation.
      bodyLimit: 256 * 1024,
      schema: {
        security: [],
        tags: ['engine'],
        summary: 'Evaluate a profile document',
        description:
          'The status of every holding on the as-of date, with allocations, fees and next actions.',
        querystring: AsOfQuery,
        body: Profile,
        response: { 200: EvaluationSchema, ...problemResponses(413, 415) },
      },
    },
    async (request) => evaluate(request.body, ruleSet, request.query.on ?? clock.today()),
  );
};
