/**
 * The engine's Evaluation as a zod schema, for the OpenAPI document and for
 * response serialisation (which also drops anything not declared here).
 * Mirrors src/core/engine/result.ts; units are decimal strings.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../../core/rules/schema.ts';

const Units = z.string().describe('Exact decimal units, e.g. "1.9"');
const Confidence = z.enum(['high', 'medium', 'low']);

export const FindingSchema = z
  .object({
    code: z.string().describe('Stable machine code, e.g. "card-missing"'),
    severity: z.enum(['info', 'warning', 'error']),
    path: z.array(z.union([z.string(), z.number()])),
    message: z.string(),
  })
  .meta({ id: 'Finding' });

const AllocationSchema = z.object({
  completion: z.number().int().nullable(),
  ref: z.string(),
  title: z.string(),
  date: z.string(),
  offered: Units,
  counted: Units,
  reason: z.enum([
    'counted',
    'partly-counted-over-cap',
    'over-cap',
    'outside-window',
    'before-earned',
    'future-dated',
    'pending-petition',
    'petition-denied',
    'petition-required',
    'not-approved',
    'repeat',
    'same-event',
    'not-needed',
  ]),
  message: z.string(),
  category: z.string().optional(),
  topic: z.string().optional(),
});

const RequirementResultSchema = z.object({
  kind: z.string(),
  description: z.string(),
  required: Units.optional(),
  counted: Units.optional(),
  missing: Units.optional(),
  met: z.boolean(),
  confidence: Confidence,
});

const FeeSchema = z.object({
  kind: z.enum(['renewal', 'late', 'petition', 'reinstatement']),
  amount: z.number(),
  currency: z.string(),
  description: z.string(),
  confidence: Confidence,
  sources: z.array(z.string()),
});

export const SourceRefSchema = z
  .object({ id: z.string(), title: z.string(), url: z.string().optional(), kind: z.string() })
  .meta({ id: 'Source' });

export const LowConfidenceSchema = z.object({
  fact: z.string(),
  note: z.string().optional(),
  sources: z.array(z.string()),
});

const HoldingResultSchema = z
  .object({
    holding: z.number().int(),
    credential: z.string(),
    name: z.string(),
    kind: z.enum(['certification', 'specialization', 'card']),
    status: z.enum([
      'permanent',
      'complete',
      'in-progress',
      'due-soon',
      'grace',
      'expired',
      'valid',
      'unknown',
    ]),
    cycle: z
      .object({
        index: z.number().int(),
        start: z.string(),
        end: z.string(),
        computedEnd: z.string().optional(),
        graceEnd: z.string().optional(),
        lateCreditEnd: z.string().optional(),
      })
      .optional(),
    daysLeft: z.number().int().optional(),
    unit: z.string().optional(),
    required: Units.optional(),
    counted: Units.optional(),
    missing: Units.optional(),
    requirements: z.array(RequirementResultSchema),
    allocations: z.array(AllocationSchema),
    fees: z.array(FeeSchema),
    nextActions: z.array(z.object({ code: z.string(), by: z.string().optional(), message: z.string() })),
    findings: z.array(FindingSchema),
    ruleVersion: z.string().optional(),
    sources: z.array(SourceRefSchema),
    lowConfidence: z.array(LowConfidenceSchema),
  })
  .meta({ id: 'HoldingResult' });

export const EvaluationSchema = z
  .object({
    asOf: z.string(),
    holdings: z.array(HoldingResultSchema),
    findings: z.array(FindingSchema),
  })
  .meta({ id: 'Evaluation', description: 'The status of every holding on a date, with the reasoning shown' });

export const AsOfQuery = z.object({
  on: IsoDateSchema.optional().describe('The as-of date YYYY-MM-DD (default: today)'),
});
