/**
 * The rule catalog: every credential the engine knows, and for one
 * credential its renewal rules in plain words (the core's explainer), each
 * statement with its sources and confidence, low-confidence facts marked.
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { explainCredential } from '../../core/rules/explain.ts';
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
};
