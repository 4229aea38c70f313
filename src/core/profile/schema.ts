/**
 * The profile document: one professional's holdings and completions, as a
 * portable YAML or JSON file (product brief §6).
 */
import { z } from 'zod';
import { Credit, Format } from '../offerings/schema.ts';
import { ActivityType, CredentialId, IsoDateSchema } from '../rules/schema.ts';

/** Text a person types: a name, a title, a provider. Bounded, so one record cannot be megabytes. */
const Text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });

/** An e-mail address, as people are found by (trimmed, lower case). */
export const EmailAddress = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'must be an email address' })
  .transform((e) => e.toLowerCase());

/** The longest text each of a completion's text fields takes (the CSV reader checks the same). */
export const COMPLETION_TEXT_LIMITS = {
  id: 200,
  activity: 200,
  title: 500,
  provider: 300,
  event: 200,
} as const;

/** The most hours one completion may carry (a year of full-time study is about 2,000). */
export const MAX_COMPLETION_HOURS = 10_000;

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
    number: Text(100).optional(),
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
    id: Text(COMPLETION_TEXT_LIMITS.id).optional(),
    /** A catalog offering id; its credits come from the catalog. */
    activity: Text(COMPLETION_TEXT_LIMITS.activity).optional(),
    title: Text(COMPLETION_TEXT_LIMITS.title).optional(),
    provider: Text(COMPLETION_TEXT_LIMITS.provider).optional(),
    completed: IsoDateSchema,
    hours: z.number().nonnegative().max(MAX_COMPLETION_HOURS).optional(),
    format: Format.optional(),
    type: ActivityType.optional(),
    /** Completions sharing an event id form one event for per-event caps. */
    event: Text(COMPLETION_TEXT_LIMITS.event).optional(),
    college: z
      .object({
        semesterHours: z.number().nonnegative().max(1000).optional(),
        quarterHours: z.number().nonnegative().max(1000).optional(),
        grade: Text(20).optional(),
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
    // The same limits as a person edited through the API (people.ts).
    person: z
      .object({ name: z.string().trim().min(1).max(200).optional(), email: EmailAddress.optional() })
      .strict()
      .optional(),
    holdings: z.array(Holding).default([]),
    completions: z.array(Completion).default([]),
  })
  .strict()
  .superRefine((profile, ctx) => {
    // An id names one completion: the same id twice would count the same credit twice.
    const firstAt = new Map<string, number>();
    profile.completions.forEach((completion, i) => {
      if (completion.id === undefined) return;
      const first = firstAt.get(completion.id);
      if (first === undefined) firstAt.set(completion.id, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['completions', i, 'id'],
          message: `completions[${first}] has the id "${completion.id}" too; give each completion its own`,
        });
    });
  });
export type ProfileInput = z.input<typeof Profile>;
export type Profile = z.infer<typeof Profile>;
