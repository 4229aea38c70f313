/** GET /health: liveness plus what the server runs on, for load balancers and operators. */
import { z } from 'zod';
import type { RouteGroup } from '../app.ts';

const Health = z.object({
  status: z.literal('ok'),
  catalog: z.object({ bodies: z.number().int(), credentials: z.number().int(), offerings: z.number().int() }),
  today: z.string().describe('The server’s calendar date, used when a request names none'),
});

export const healthRoutes: RouteGroup = (app, { ruleSet, clock }) => {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        security: [],
        tags: ['service'],
        summary: 'Liveness',
        response: { 200: Health },
      },
    },
    async () => ({
      status: 'ok' as const,
      catalog: {
        bodies: ruleSet.bodies.size,
        credentials: ruleSet.credentials.size,
        offerings: ruleSet.offerings.size,
      },
      today: clock.today(),
    }),
  );
};
