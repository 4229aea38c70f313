/**
 * The profile document: one professional's holdings and completions, as a
 * portable YAML or JSON file (product brief §6).
 */
import { z } from 'zod';
import { Credit, Format } from '../offerings/schema.ts';
import { ActivityType, CredentialId, IsoDateSchema } from '../rules/schema.ts';

export const RenewalEntry = z.union([
  IsoDateSchema,
  z
    .object({
      date: IsoDateSchema,
      kind: z.enum(['renewal', 'reinstatement']).default('renewal'),
    })
    .strict(),
]);

export const Holding = z
  .object({
    credential: CredentialId,
    earned: IsoDateSchema,
    /** The expiry printed on the certificate or card; wins over the computed one. */
    expires: IsoDateSchema.optional(),
    number: z.string().optional(),
    renewals: z.array(RenewalEntry).default([]),
    /** A lifetime fee plan (NASM Recertify for Life, AFAA) waives renewal fees, not CE. */
    lifetimePlan: z.boolean().optional(),
    member: z.boolean().optional(),
    /** For cards: whether the course had a hands-on skills session. */
    handsOn: z.boolean().optional(),
  })
  .strict();
export type HoldingInput = z.input<typeof Holding>;
export type Holding = z.infer<typeof Holding>;

export const Evidence = z
  .object({
    file: z.string().optional(),
    sha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/)
      .optional(),
    signedRecord: z.string().optional(),
  })
  .strict();

export const Completion = z
  .object({
    id: z.string().optional(),
    /** A catalog offering id; its credits come from the catalog. */
    activity: z.string().optional(),
    title: z.string().optional(),
    provider: z.string().optional(),
    completed: IsoDateSchema,
    hours: z.number().nonnegative().optional(),
    format: Format.optional(),
    type: ActivityType.optional(),
    /** Completions sharing an event id form one event for per-event caps. */
    event: z.string().optional(),
    college: z
      .object({
        semesterHours: z.number().nonnegative().optional(),
        quarterHours: z.number().nonnegative().optional(),
        grade: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Claimed approvals; they add to or override the catalog's for the same credential. */
    credits: z.array(Credit).default([]),
    source: z.enum(['self-reported', 'provider-issued', 'imported']).default('self-reported'),
    evidence: z.array(Evidence).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.activity && !c.title) {
      ctx.addIssue({
        code: 'custom',
        path: ['title'],
        message: 'a completion needs an activity id or a title',
      });
    }
  });
export type CompletionInput = z.input<typeof Completion>;
export type Completion = z.infer<typeof Completion>;

export const Profile = z
  .object({
    person: z.object({ name: z.string().optional(), email: z.string().optional() }).strict().optional(),
    holdings: z.array(Holding).default([]),
    completions: z.array(Completion).default([]),
  })
  .strict();
export type ProfileInput = z.input<typeof Profile>;
export type Profile = z.infer<typeof Profile>;
