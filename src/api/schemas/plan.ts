/** The planner's request and plan as zod schemas (mirroring src/planner/types.ts). */
import { z } from 'zod';
import { Format } from '../../core/offerings/schema.ts';
import { CredentialId, IsoDateSchema } from '../../core/rules/schema.ts';

export const PlanGoalsSchema = z
  .object({
    until: IsoDateSchema.describe('Every held certification stays current on this date'),
    earn: z.array(CredentialId).max(20).optional().describe('Credentials to earn by then, e.g. nasm.ces'),
    letLapse: z.array(CredentialId).max(20).optional(),
    keepCardsCurrent: z.boolean().optional(),
  })
  .strict();

export const PlanConstraintsSchema = z
  .object({
    budget: z.number().nonnegative().optional(),
    hoursPerMonth: z.number().positive().optional(),
    formats: z.array(Format).optional(),
    providers: z.array(z.string().max(200)).max(50).optional(),
    booked: z
      .array(z.object({ activity: z.string().max(200), date: IsoDateSchema }).strict())
      .max(100)
      .optional(),
  })
  .strict();

const Units = z.string();

export const PlanSchema = z
  .object({
    status: z.enum(['optimal', 'feasible', 'infeasible']),
    asOf: z.string(),
    until: z.string(),
    actions: z.array(
      z.object({
        kind: z.enum(['take', 'renew-card', 'submit-renewal', 'booked']),
        from: z.string(),
        by: z.string(),
        date: z.string(),
        offering: z.string().optional(),
        credential: z.string().optional(),
        title: z.string(),
        provider: z.string().optional(),
        price: z.number(),
        priceIsSample: z.boolean().optional(),
        hours: z.number(),
        counts: z.array(
          z.object({
            credential: z.string(),
            cycleEnd: z.string(),
            units: Units,
            byPetition: z.boolean().optional(),
          }),
        ),
        grants: z.string().optional(),
        fees: z
          .array(z.object({ kind: z.enum(['renewal', 'late', 'petition']), amount: z.number() }))
          .optional(),
        explanation: z.string(),
      }),
    ),
    totals: z.object({ money: z.number(), hours: z.number(), fees: z.number(), currency: z.string() }),
    coverage: z.array(
      z.object({
        credential: z.string(),
        cycle: z.object({ start: z.string(), end: z.string() }),
        requirement: z.string(),
        required: Units,
        counted: Units,
        met: z.boolean(),
      }),
    ),
    naive: z
      .object({ money: z.number(), hours: z.number(), saving: z.number(), explanation: z.string() })
      .optional(),
    infeasible: z
      .array(
        z.object({
          code: z.string(),
          credential: z.string().optional(),
          cycle: z.object({ start: z.string(), end: z.string() }).optional(),
          requirement: z.string().optional(),
          message: z.string(),
        }),
      )
      .optional(),
    verified: z.boolean(),
    findings: z.array(z.object({ code: z.string(), message: z.string() })),
    stats: z.object({
      variables: z.number(),
      constraints: z.number(),
      offeringsConsidered: z.number(),
      offeringsAfterPruning: z.number(),
      solveMs: z.number(),
      gap: z.number(),
      timedOut: z.boolean(),
      hoursProven: z
        .boolean()
        .describe('Whether the fewest hours among plans of the least money was proven, or only preferred'),
    }),
  })
  .meta({ id: 'Plan', description: 'Dated actions, totals, per-cycle coverage and the reasoning' });
