/**
 * The rule catalog: every credential the engine knows, and for one
 * credential its renewal rules in plain words (the core's explainer), each
 * statement with its sources and confidence, low-confidence facts marked.
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { explainCredential } from '../../core/rules/explain.ts';
import { formatUnits } from '../../core/units.ts';
import type { RouteGroup } from '../app.ts';
import { problemResponses } from '../problem.ts';
import { SourceRefSchema } from '../schemas/evaluation.ts';

const Kind = z.enum(['certification', 'specialization', 'card']);

const Statement = z
  .object({
    topic: z.string().describe('What kind of fact: cycle, total, card, fee, late, audit, note…'),
    title: z.string(),
    text: z.string().describe('The rule in plain words'),
    confidence: z.enum(['high', 'medium', 'low']).describe('"low" marks a fact the sources do not settle'),
    sources: z.array(z.string()),
    note: z.string().optional(),
  })
  .meta({ id: 'RuleStatement' });

const CredentialSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: Kind,
    body: z.object({ id: z.string(), name: z.string() }),
    unit: z.string().optional(),
    lowConfidenceCount: z
      .number()
      .int()
      .describe('How many facts about this credential are marked low confidence'),
  })
  .meta({ id: 'CredentialSummary' });

const CredentialExplained = CredentialSummary.extend({
  statements: z.array(Statement),
  policies: z.array(
    z.object({
      version: z.string(),
      effectiveFrom: z.string(),
      effectiveTo: z.string().optional(),
      summary: z.string().optional(),
      statements: z.array(Statement),
    }),
  ),
  sources: z.array(SourceRefSchema),
}).meta({ id: 'CredentialExplained' });

const OfferingOut = z
  .object({
    id: z.string(),
    title: z.string(),
    provider: z.string().optional(),
    price: z.number().optional(),
    priceIsSample: z.boolean().optional().describe('Prices in the shipped catalog are samples'),
    hours: z.number().optional(),
    format: z.enum(['live', 'online', 'self-study']).optional(),
    type: z.string().optional(),
    handsOn: z.boolean().optional(),
    grants: z.string().optional().describe('The credential completing this offering earns'),
    credits: z.array(
      z.object({
        credential: z.string(),
        units: z.string().describe('Exact decimal units in that credential’s scale'),
        category: z.string().optional(),
        topic: z.string().optional(),
        status: z.enum(['approved', 'pending', 'denied']),
      }),
    ),
    availableFrom: z.string().optional(),
    availableTo: z.string().optional(),
    url: z.string().optional(),
  })
  .meta({ id: 'Offering' });

const ListQuery = z.object({
  body: z.string().optional().describe('Only this body’s credentials, e.g. nasm'),
  kind: Kind.optional(),
});

export const rulesRoutes: RouteGroup = (app, { ruleSet }) => {
  app.get(
    '/rules',
    {
      config: { access: 'public' },
      schema: {
        security: [],
        tags: ['rules'],
        summary: 'List the credentials in the rule catalog',
        querystring: ListQuery,
        response: { 200: z.object({ credentials: z.array(CredentialSummary) }), ...problemResponses() },
      },
    },
    async ({ query }) => ({
      credentials: [...ruleSet.credentials.values()]
        .filter((c) => (!query.body || c.body === query.body) && (!query.kind || c.kind === query.kind))
        .map((c) => explainCredential(c, ruleSet)),
    }),
  );

  app.get(
    '/rules/:credentialId',
    {
      config: { access: 'public' },
      schema: {
        security: [],
        tags: ['rules'],
        summary: 'Explain one credential’s renewal rules in plain words',
        params: z.object({ credentialId: z.string().describe('A catalog id, e.g. nasm.cpt') }),
        response: { 200: CredentialExplained, ...problemResponses(404) },
      },
    },
    async ({ params }) => {
      const credential = ruleSet.credentials.get(params.credentialId);
      if (!credential) throw AppError.notFound(`credential "${params.credentialId}"`);
      return explainCredential(credential, ruleSet);
    },
  );

  app.get(
    '/offerings',
    {
      config: { access: 'public' },
      schema: {
        security: [],
        tags: ['rules'],
        summary: 'List the offerings in the catalog, with what each is approved for',
        querystring: z.object({
          credential: z.string().optional().describe('Only offerings that credit or grant this credential'),
        }),
        response: {
          200: z.object({ currency: z.string(), offerings: z.array(OfferingOut) }),
          ...problemResponses(),
        },
      },
    },
    async ({ query }) => ({
      currency: 'USD',
      offerings: [...ruleSet.offerings.values()]
        .filter(
          (o) =>
            !query.credential ||
            o.grants === query.credential ||
            o.credits.some((c) => c.credential === query.credential),
        )
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((o) => ({ ...o, credits: o.credits.map((c) => ({ ...c, units: formatUnits(c.units) })) })),
    }),
  );
};
