/**
 * Response shapes of the stored domain, as the API shows them. Explicit, so
 * the OpenAPI document is exact and nothing undeclared (a password hash, a
 * storage key) can leave the server: serialisation drops unknown fields.
 * Units are decimal strings, as in a profile document.
 */
import { z } from 'zod';
import { Holding, Profile } from '../../core/profile/schema.ts';

const Timestamp = z.string().describe('ISO 8601 timestamp (UTC)');
export const Role = z.enum(['owner', 'admin', 'member', 'viewer']);
export const ConsentScope = z.enum(['status', 'records']);

export const PersonSchema = z
  .object({
    id: z.string(),
    accountId: z.string().optional(),
    managedBy: z.string().optional().describe('The organisation that keeps this person’s records'),
    name: z.string().optional(),
    email: z.string().optional(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Person' });

export const OrganisationSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: Timestamp })
  .meta({ id: 'Organisation' });

export const MembershipSchema = z
  .object({ organisationId: z.string(), accountId: z.string(), role: Role, createdAt: Timestamp })
  .meta({ id: 'Membership' });

export const MemberSchema = MembershipSchema.extend({ email: z.string(), name: z.string().optional() }).meta({
  id: 'Member',
});

export const InvitationSchema = z
  .object({
    id: z.string(),
    organisationId: z.string(),
    email: z.string(),
    role: Role,
    invitedBy: z.string(),
    createdAt: Timestamp,
    acceptedAt: Timestamp.optional(),
    acceptedBy: z.string().optional(),
  })
  .meta({ id: 'Invitation' });

export const ConsentGrantSchema = z
  .object({
    id: z.string(),
    personId: z.string(),
    organisationId: z.string(),
    scope: ConsentScope,
    grantedAt: Timestamp,
    revokedAt: Timestamp.optional(),
  })
  .meta({ id: 'ConsentGrant' });

export const RosterEntrySchema = z.object({
  organisationId: z.string(),
  personId: z.string(),
  externalRef: z.string().optional(),
  createdAt: Timestamp,
});

const Units = z.string().describe('Exact decimal units, e.g. "0.8"');

export const HoldingStatusSchema = z.object({
  holdingId: z.string(),
  credential: z.string(),
  asOf: z.string(),
  status: z.string(),
  cycleStart: z.string().optional(),
  cycleEnd: z.string().optional(),
  required: Units.optional(),
  counted: Units.optional(),
  missing: Units.optional(),
});

export const RosterRowSchema = z
  .object({
    person: PersonSchema,
    externalRef: z.string().optional(),
    access: z
      .enum(['managed', 'status', 'records'])
      .nullable()
      .describe('What the organisation may see of this person: null means nothing beyond the roster entry'),
    statuses: z
      .array(HoldingStatusSchema)
      .describe('Per-holding status from the last evaluation, where consent allows'),
  })
  .meta({ id: 'RosterRow' });

export const RosterLineSchema = z
  .object({
    personId: z.string(),
    person: z.string().describe('The person’s name, else their e-mail, else "Unnamed"'),
    name: z.string().optional(),
    email: z.string().optional(),
    externalRef: z.string().optional(),
    access: z.enum(['managed', 'status', 'records']).nullable(),
    status: z
      .string()
      .describe(
        'The holding’s status; "not-shared" when the person shares nothing, "no-status" when they hold nothing',
      ),
    holding: HoldingStatusSchema.optional().describe(
      'The holding’s status summary, for a line with a status',
    ),
  })
  .meta({ id: 'RosterLine' });

export const RosterViewSchema = z
  .object({
    asOf: z.string(),
    people: z.number().int(),
    lines: z.number().int().describe('One line per person and credential'),
    summary: z
      .object({ current: z.number().int(), lapsed: z.number().int(), unknown: z.number().int() })
      .describe('People: lapsed when any credential is in grace or expired; unknown when nothing is shown'),
    counts: z.array(z.object({ status: z.string(), count: z.number().int() })).describe('Lines by status'),
    soon: z
      .object({ total: z.number().int(), lines: z.array(RosterLineSchema) })
      .describe('Lines due within 90 days and not yet met, soonest first: the first 20, and how many in all'),
    matching: z.number().int().describe('Lines the filters match'),
    offset: z.number().int(),
    limit: z.number().int(),
    page: z.array(RosterLineSchema),
  })
  .meta({ id: 'RosterView' });

/** A holding as stored: the profile document's holding with its id. */
export const StoredHoldingSchema = z
  .object({ id: z.string(), personId: z.string(), position: z.number().int(), holding: Holding })
  .meta({ id: 'StoredHolding' });

const CreditDocument = z.object({
  credential: z.string(),
  units: Units,
  category: z.string().optional(),
  topic: z.string().optional(),
  status: z.enum(['approved', 'pending', 'denied']).describe('A petitioned credit is pending until decided'),
});

export const CompletionDocument = z
  .object({
    id: z.string().optional(),
    activity: z.string().optional(),
    title: z.string().optional(),
    provider: z.string().optional(),
    completed: z.string(),
    hours: z.number().optional(),
    format: z.string().optional(),
    type: z.string().optional(),
    event: z.string().optional(),
    college: z
      .object({
        semesterHours: z.number().optional(),
        quarterHours: z.number().optional(),
        grade: z.string().optional(),
      })
      .optional(),
    credits: z.array(CreditDocument),
    source: z.enum(['self-reported', 'provider-issued', 'imported']),
    evidence: z.array(
      z.object({
        file: z.string().optional(),
        sha256: z.string().optional(),
        signedRecord: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'Completion' });

export const StoredCompletionSchema = z
  .object({
    id: z.string(),
    personId: z.string(),
    position: z.number().int(),
    completion: CompletionDocument,
  })
  .meta({ id: 'StoredCompletion' });

export const ProfileDocument = z
  .object({
    person: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
    holdings: z.array(Holding),
    completions: z.array(CompletionDocument),
  })
  .meta({ id: 'ProfileDocument' });

export const EvidenceFileSchema = z
  .object({
    id: z.string(),
    personId: z.string(),
    completionId: z.string().optional(),
    name: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: 'EvidenceFile' });

export const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: Timestamp,
    actorKind: z.string(),
    actorId: z.string().optional(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string(),
    personId: z.string().optional(),
    organisationId: z.string().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry' });

export { Profile };
