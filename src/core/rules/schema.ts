/**
 * The rule-set schema: what a certifying body's renewal rules look like as
 * data. Every fact carries its provenance (source ids and a confidence), and
 * every policy is effective-dated. Requirement kinds form a discriminated
 * union; each kind's behaviour lives in `registry.ts`.
 */
import { z } from 'zod';
import { isIsoDate } from '../dates.ts';
import { type Milli, parseRatio, parseUnits, type Ratio, tryParseUnits } from '../units.ts';

export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

export const IsoDateSchema = z.string().refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' });

/** Decimal units, written as a string ("1.9") or a number (1.9); kept as exact milli-units. */
export const UnitsSchema = z
  .union([z.string(), z.number()])
  .refine((v) => tryParseUnits(v) !== undefined, {
    message: 'must be a decimal with at most 3 decimal places',
  })
  .transform((v): Milli => parseUnits(v));

export const NonNegativeUnits = UnitsSchema.refine((v) => v >= 0, { message: 'must not be negative' });

export const RatioSchema = z
  .union([z.string(), z.number()])
  .refine((v) => (tryParseUnits(v) ?? 0) > 0, { message: 'must be a positive decimal' })
  .transform((v): Ratio => parseRatio(v));

export const CredentialId = z
  .string()
  .regex(/^[a-z0-9]+\.[a-z0-9][a-z0-9-]*$/, { message: 'must be "body.code" in lowercase, e.g. nasm.cpt' });

/** A credential id or a body-wide pattern such as "nasm.*". */
export const CredentialPattern = z
  .string()
  .regex(/^[a-z0-9]+\.(\*|[a-z0-9][a-z0-9-]*)$/, { message: 'must be "body.code" or "body.*"' });

export const SourceId = z
  .string()
  .regex(/^S-[A-Z0-9-]+$/, { message: 'must be a source id such as S-NASM-1' });

/** Where a fact comes from and how sure we are of it. */
export const Provenance = z.object({
  sources: z.array(SourceId),
  confidence: Confidence,
  note: z.string().optional(),
});
export type Provenance = z.infer<typeof Provenance>;

const withProvenance = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ ...shape, ...Provenance.shape }).strict();

/** A money amount in whole or fractional currency units, e.g. 99 or "24.50". */
export const Money = z.number().nonnegative();

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .default('USD');

// ---------------------------------------------------------------------------
// Cycle anchors

export const CycleRule = z.discriminatedUnion('anchor', [
  /** Starts on the earned date; ends the same day N months later (clamped). */
  withProvenance({ anchor: z.literal('rolling'), months: z.number().int().positive() }),
  /** Ends on the last day of the month N months after the earned date. */
  withProvenance({ anchor: z.literal('end-of-month'), months: z.number().int().positive() }),
  /**
   * Fixed reporting periods shared by everyone (NSCA): periods of `months`
   * starting at `firstPeriodStart`; CE counts from the later of the period
   * start and the earned date.
   */
  withProvenance({
    anchor: z.literal('fixed-period'),
    firstPeriodStart: IsoDateSchema,
    months: z.number().int().positive(),
  }),
  /**
   * Ends on December 31 of the earned year plus `years` (ACSM); later cycles
   * are `years` long.
   */
  withProvenance({ anchor: z.literal('year-end'), years: z.number().int().positive() }),
]);
export type CycleRule = z.infer<typeof CycleRule>;

// ---------------------------------------------------------------------------
// Which credits a rule looks at

export const ActivityType = z.enum([
  'course',
  'workshop',
  'conference',
  'webinar',
  'college',
  'credential',
  'card',
  'presenting',
  'publishing',
  'volunteering',
  'quiz',
  'other',
]);
export type ActivityType = z.infer<typeof ActivityType>;

export const CreditFilter = z
  .object({
    category: z.union([z.string(), z.array(z.string())]).optional(),
    topic: z.union([z.string(), z.array(z.string())]).optional(),
    activityType: z.union([ActivityType, z.array(ActivityType)]).optional(),
    /** Provider names that count as the body's own courses (case-insensitive). */
    provider: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();
export type CreditFilter = z.infer<typeof CreditFilter>;

/** Limits a requirement to some cycles or holders, e.g. NSCA's proration by certification date. */
export const RuleCondition = z
  .object({
    /** Months from the cycle (period) start to the earned date: from ≤ m < to. Negative means before. */
    earnedMonthsIntoCycle: z
      .object({ from: z.number().int().optional(), to: z.number().int().optional() })
      .strict()
      .optional(),
    /** Only cycles with index ≥ this (0 is the first cycle after earning). */
    cycleIndexFrom: z.number().int().nonnegative().optional(),
  })
  .strict();
export type RuleCondition = z.infer<typeof RuleCondition>;

const requirement = <K extends string, T extends z.ZodRawShape>(kind: K, shape: T) =>
  withProvenance({ kind: z.literal(kind), when: RuleCondition.optional(), ...shape });

// ---------------------------------------------------------------------------
// Requirement kinds (behaviour in registry.ts)

export const TotalRule = requirement('total', { units: NonNegativeUnits });

export const CardRule = requirement('card', {
  /** Card credentials that satisfy it; by default any card covering adult CPR and AED. */
  accepts: z.array(CredentialId).optional(),
  covers: z.array(z.string()).default(['adult-cpr', 'aed']),
  handsOn: z.boolean().default(false),
  /** Units the card itself is worth toward the total (NASM 0.1, AFAA 2, NCSF 2). */
  units: NonNegativeUnits.optional(),
  category: z.string().optional(),
  topic: z.string().optional(),
  /** The card must be valid this many days after the check date (ISSA: 30 after submission). */
  validDaysAfterCheck: z.number().int().nonnegative().default(0),
  /** What date the body checks: the cycle end, or the renewal submission. */
  checkOn: z.enum(['cycle-end', 'submission']).default('cycle-end'),
});

export const MinimumRule = requirement('minimum', {
  units: NonNegativeUnits,
  where: CreditFilter,
  label: z.string().optional(),
});

export const MinCategoriesRule = requirement('min-categories', {
  count: z.number().int().positive(),
});

export const CapRule = requirement('cap', {
  units: NonNegativeUnits,
  where: CreditFilter.default({}),
  /** cycle: the whole cycle; year: each calendar year; event: each event; completion: each completion. */
  per: z.enum(['cycle', 'year', 'event', 'completion']).default('cycle'),
  label: z.string().optional(),
});

export const NoRepeatRule = requirement('no-repeat', {});

export const LateCreditRule = requirement('late-credit', {
  /** CE completed up to this many days after the cycle end still counts for a late renewal. */
  days: z.number().int().positive(),
});

export const AcceptRule = requirement('accept', {
  /** Credits approved for these credentials count toward this one… */
  from: z.array(CredentialPattern).min(1),
  /** …multiplied by this factor (NETA: 0.1 NASM CEU = 1.0 NETA CEC → 10). */
  factor: RatioSchema.optional(),
  /** Acceptance by petition rather than automatically. */
  byPetition: z.boolean().default(false),
});

export const AcceptHoursRule = requirement('accept-hours', {
  /** Any documented education counts at this many units per hour. */
  unitsPerHour: NonNegativeUnits,
  where: CreditFilter.optional(),
});

export const CollegeCreditRule = requirement('college-credit', {
  perSemesterHour: NonNegativeUnits.optional(),
  perQuarterHour: NonNegativeUnits.optional(),
  byPetition: z.boolean().default(false),
  /** The category and topic college credit counts in (NSCA and AFAA: category C). */
  category: z.string().optional(),
  topic: z.string().optional(),
});

export const Requirement = z.discriminatedUnion('kind', [
  TotalRule,
  CardRule,
  MinimumRule,
  MinCategoriesRule,
  CapRule,
  NoRepeatRule,
  LateCreditRule,
  AcceptRule,
  AcceptHoursRule,
  CollegeCreditRule,
]);
export type Requirement = z.infer<typeof Requirement>;
export type RequirementKind = Requirement['kind'];
export type RequirementOf<K extends RequirementKind> = Extract<Requirement, { kind: K }>;

// ---------------------------------------------------------------------------
// Late renewal, lapse and fees

export const LateBand = withProvenance({
  fromDay: z.number().int().positive(),
  toDay: z.number().int().positive(),
  fee: Money,
  condition: z.string().optional(),
});

export const LateRenewal = withProvenance({
  /** Renewal still accepted this long after the cycle end (grace), in days or months. */
  graceDays: z.number().int().nonnegative().optional(),
  graceMonths: z.number().int().nonnegative().optional(),
  statusDuringGrace: z.string().optional(),
  bands: z.array(LateBand).default([]),
  afterLapse: z.enum(['retake-exam', 'reinstate', 'retake-course', 'unknown']).default('unknown'),
  reinstatement: withProvenance({
    fee: Money.optional(),
    /** A reinstatement starts a new cycle on its approval date. */
    newCycleFromApproval: z.boolean().default(false),
    maxLapseMonths: z.number().int().positive().optional(),
  }).optional(),
});
export type LateRenewal = z.infer<typeof LateRenewal>;

export const Fee = withProvenance({
  kind: z.enum(['renewal', 'petition', 'lifetime', 'additional-credential']),
  amount: Money,
  currency: Currency,
  /** member / non-member pricing */
  audience: z.enum(['member', 'non-member', 'all']).default('all'),
  /** lifetime plans waive the renewal fee but not the CE */
  waives: z.array(z.enum(['renewal'])).optional(),
  /** A conditional fee applies only when this holds. */
  condition: z.enum(['all-credits-from-own-provider']).optional(),
  per: z.string().optional(),
});
export type Fee = z.infer<typeof Fee>;

export const Audit = withProvenance({
  selection: z.enum(['random', 'all-at-submission', 'unknown']),
  responseDays: z.number().int().positive().optional(),
  retentionMonths: z.number().int().positive().optional(),
  onFailure: z.string().optional(),
});

export const Category = z
  .object({ code: z.string(), name: z.string(), description: z.string().optional() })
  .strict();
export const Topic = z.object({ code: z.string(), name: z.string() }).strict();

export const PolicyVersion = z
  .object({
    version: z.string().min(1),
    effectiveFrom: IsoDateSchema,
    effectiveTo: IsoDateSchema.optional(),
    summary: z.string().optional(),
    cycle: CycleRule,
    categories: z.array(Category).default([]),
    topics: z.array(Topic).default([]),
    requirements: z.array(Requirement).default([]),
    lateRenewal: LateRenewal.optional(),
    fees: z.array(Fee).default([]),
    audit: Audit.optional(),
    notes: z.array(withProvenance({ text: z.string() })).default([]),
  })
  .strict();
export type PolicyVersion = z.infer<typeof PolicyVersion>;

export const UnitScale = withProvenance({
  code: z.string(),
  name: z.string(),
  /** Units per contact hour (NASM 0.1, AFAA 1, NCSF 0.5); absent when unknown. */
  perHour: NonNegativeUnits.optional(),
});

export const CardValidity = withProvenance({
  months: z.number().int().positive(),
  anchor: z.enum(['rolling', 'end-of-month']),
});

export const CreditToward = withProvenance({
  credential: CredentialId,
  units: NonNegativeUnits,
  category: z.string().optional(),
  topic: z.string().optional(),
});

export const CredentialKind = z.enum(['certification', 'specialization', 'card']);
export type CredentialKind = z.infer<typeof CredentialKind>;

export const Credential = z
  .object({
    id: CredentialId,
    name: z.string().min(1),
    kind: CredentialKind,
    kindProvenance: Provenance.optional(),
    accredited: withProvenance({ value: z.boolean(), by: z.string().default('NCCA') }).optional(),
    aliases: z.array(z.string()).default([]),
    unit: UnitScale.optional(),
    /** Earning this credential credits others (NASM-CES → 1.9 CEU toward NASM-CPT). */
    creditsToward: z.array(CreditToward).default([]),
    /** For cards: how long a card is valid and how its end is anchored. */
    validity: CardValidity.optional(),
    /** For cards: what the card covers (adult-cpr, aed, first-aid…). */
    covers: z.array(z.string()).default([]),
    handsOn: z.boolean().optional(),
    policies: z.array(PolicyVersion).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'certification' && c.policies.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['policies'],
        message: 'a certification needs at least one policy version',
      });
    }
    if (c.kind === 'card' && !c.validity) {
      ctx.addIssue({ code: 'custom', path: ['validity'], message: 'a card needs its validity' });
    }
    const sorted = [...c.policies].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const next = sorted[i]!;
      if (!prev.effectiveTo || prev.effectiveTo >= next.effectiveFrom) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies'],
          message: `policy versions "${prev.version}" and "${next.version}" overlap: the earlier one must end before ${next.effectiveFrom}`,
        });
      }
    }
  });
export type Credential = z.infer<typeof Credential>;

export const Body = z
  .object({
    id: z.string().regex(/^[a-z0-9]+$/),
    name: z.string().min(1),
    /** Names this body's own courses appear under, for own-provider minimums and fees. */
    providerNames: z.array(z.string()).default([]),
    website: z.string().optional(),
  })
  .strict();
export type Body = z.infer<typeof Body>;

/** One rule file: a body and its credentials. */
export const RuleFile = z
  .object({
    body: Body,
    credentials: z.array(Credential).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    file.credentials.forEach((c, i) => {
      if (!c.id.startsWith(`${file.body.id}.`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', i, 'id'],
          message: `credential "${c.id}" must start with the body id "${file.body.id}."`,
        });
      }
    });
  });
export type RuleFile = z.infer<typeof RuleFile>;

export const Source = z
  .object({
    id: SourceId,
    title: z.string(),
    url: z.string().optional(),
    kind: z.string(),
  })
  .strict();
export type Source = z.infer<typeof Source>;

export const SourcesFile = z.object({ sources: z.array(Source) }).strict();
