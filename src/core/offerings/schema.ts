/**
 * Offerings: activities as sold, with the approvals that say what each is
 * worth toward which credential. The same credit shape is used by ad-hoc
 * completions in a profile, so a catalog entry and a logged course are
 * interchangeable for the engine and the planner.
 */
import { z } from 'zod';
import { ActivityType, CredentialId, IsoDateSchema, Money, NonNegativeUnits } from '../rules/schema.ts';

export const CreditStatus = z.enum(['approved', 'pending', 'denied']);
export type CreditStatus = z.infer<typeof CreditStatus>;

/** The longest category or topic a credit takes. */
export const CREDIT_TEXT_LIMIT = 100;

/** The most one credit may be worth, in milli-units (1,000 units). */
export const MAX_CREDIT_MILLI = 1_000_000;

/** What one activity is worth toward one credential, in that credential's units. */
export const Credit = z
  .object({
    credential: CredentialId,
    // Far above any real activity's worth, and within what the evaluation's columns count exactly.
    units: NonNegativeUnits.refine((milli) => milli <= MAX_CREDIT_MILLI, {
      message: `must be at most ${MAX_CREDIT_MILLI / 1000} units`,
    }),
    category: z.string().max(CREDIT_TEXT_LIMIT).optional(),
    topic: z.string().max(CREDIT_TEXT_LIMIT).optional(),
    status: CreditStatus.default('approved'),
  })
  .strict();
export type Credit = z.infer<typeof Credit>;

export const Format = z.enum(['live', 'online', 'self-study']);
export type Format = z.infer<typeof Format>;

export const Offering = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(\.[a-z0-9][a-z0-9-]*)+$/, {
      message: 'must be lowercase dotted, e.g. nasm.ces-course',
    }),
    title: z.string().min(1),
    provider: z.string().optional(),
    price: Money.optional(),
    /** Prices in the shipped catalog are samples, editable by users. */
    priceIsSample: z.boolean().optional(),
    hours: z.number().nonnegative().optional(),
    format: Format.optional(),
    type: ActivityType.optional(),
    handsOn: z.boolean().optional(),
    /** Completing this offering earns that credential. */
    grants: CredentialId.optional(),
    credits: z.array(Credit).default([]),
    availableFrom: IsoDateSchema.optional(),
    availableTo: IsoDateSchema.optional(),
    url: z.string().optional(),
  })
  .strict();
export type Offering = z.infer<typeof Offering>;

export const OfferingCatalog = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('USD'),
    offerings: z.array(Offering),
  })
  .strict();
export type OfferingCatalog = z.infer<typeof OfferingCatalog>;
