/**
 * The one database schema, shared by the embedded PGlite store and
 * PostgreSQL. Row types come from here; domain types live in src/core, and
 * src/store/mappers.ts is the only place that converts between them.
 *
 * Conventions: ids are text (UUIDs, or seeded ids from the demo generator);
 * calendar dates are `date` columns read back as YYYY-MM-DD strings; CE units
 * are integer milli-units, never floats; hours are `numeric` read back as the
 * decimal text they were written with; timestamps are timestamptz strings in
 * UTC (both adapters pin the session time zone). `position` columns keep the
 * order of lists in a profile document so that export(import(p)) equals p.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  json,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Holding } from '../core/profile/schema.ts';

/**
 * Identifiers compared byte by byte (`COLLATE "C"`): they are opaque, so
 * language-aware ordering buys nothing, and on the columns of the largest
 * tables it made every index insert of a bulk import markedly slower.
 */
const idText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});

/** A credit as stored inside its completion (units in milli-units, as in the domain). */
export interface StoredCreditJson {
  credential: string;
  units: number;
  category?: string;
  topic?: string;
  status: 'approved' | 'pending' | 'denied';
}

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull();

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    /** Stored lowercased so that lookups are case-insensitive. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    name: text('name'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('accounts_email_key').on(t.email)],
);

export const organisations = pgTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const people = pgTable(
  'people',
  {
    id: text('id').primaryKey(),
    /** The account that owns this profile; null for a person an organisation keeps on its roster. */
    accountId: text('account_id').references(() => accounts.id),
    /** The organisation that created and manages a person who has no account yet. */
    managedBy: text('managed_by').references(() => organisations.id),
    name: text('name'),
    email: text('email'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('people_account_key').on(t.accountId),
    index('people_managed_by_idx').on(t.managedBy),
    // Emails are matched case-insensitively (imports name people by email).
    index('people_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;

export const memberships = pgTable(
  'memberships',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.accountId] }),
    index('memberships_account_idx').on(t.accountId),
    check('memberships_role_check', sql`${t.role} in ('owner', 'admin', 'member', 'viewer')`),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** SHA-256 of the invitation token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: createdAt(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'string' }),
    acceptedBy: text('accepted_by').references(() => accounts.id),
  },
  (t) => [
    uniqueIndex('invitations_token_key').on(t.tokenHash),
    index('invitations_org_idx').on(t.organisationId),
  ],
);

/** People on an organisation's staff roster; what the organisation may see of them is decided by consent. */
export const rosterEntries = pgTable(
  'roster_entries',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    /** The organisation's own reference, e.g. an employee number. */
    externalRef: text('external_ref'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.personId] }), index('roster_person_idx').on(t.personId)],
);

export const CONSENT_SCOPES = ['status', 'records'] as const;

export const consentGrants = pgTable(
  'consent_grants',
  {
    id: text('id').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    scope: text('scope', { enum: CONSENT_SCOPES }).notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true, mode: 'string' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    // At most one active grant per person and organisation; revoked ones stay as history.
    uniqueIndex('consent_active_key').on(t.personId, t.organisationId).where(sql`${t.revokedAt} is null`),
    index('consent_org_idx').on(t.organisationId),
    check('consent_scope_check', sql`${t.scope} in ('status', 'records')`),
  ],
);

export const holdings = pgTable(
  'holdings',
  {
    id: text('id').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    position: integer('position').notNull(),
    credential: text('credential').notNull(),
    earned: date('earned', { mode: 'string' }).notNull(),
    expires: date('expires', { mode: 'string' }),
    number: text('number'),
    lifetimePlan: boolean('lifetime_plan'),
    member: boolean('member'),
    handsOn: boolean('hands_on'),
    /**
     * The renewals, in order, as the profile document writes them: a bare date, or
     * `{date, kind}`. Kept in the row (migration 0008; a table of their own before): they are
     * always read and written with their holding, and re-evaluating everyone read them with one
     * index lookup per holding. `json`: stored and read back as written (no SQL looks inside).
     */
    renewals: json('renewals').$type<Holding['renewals']>().notNull().default([]),
  },
  (t) => [
    index('holdings_person_idx').on(t.personId, t.position),
    check('holdings_renewals_array', sql`json_typeof(${t.renewals}) = 'array'`),
  ],
);

export const completions = pgTable(
  'completions',
  {
    id: idText('id').primaryKey(),
    // No foreign key to people: the per-row check cost more than half of a bulk import's database
    // time. Every writer resolves the person in the same transaction, and people are never deleted
    // (erasing someone's records deletes their completions, not the person row).
    personId: idText('person_id').notNull(),
    position: integer('position').notNull(),
    /** The id the profile document gave the completion, if any. */
    ref: text('ref'),
    activity: text('activity'),
    title: text('title'),
    provider: text('provider'),
    completed: date('completed', { mode: 'string' }).notNull(),
    hours: numeric('hours'),
    format: text('format'),
    type: text('type'),
    event: text('event'),
    hasCollege: boolean('has_college').notNull().default(false),
    collegeSemesterHours: numeric('college_semester_hours'),
    collegeQuarterHours: numeric('college_quarter_hours'),
    collegeGrade: text('college_grade'),
    source: text('source', { enum: ['self-reported', 'provider-issued', 'imported'] }).notNull(),
    /**
     * The credits, in order, with their petition states. Kept in the row (not a child table):
     * a completion's credits are always read and written with it, and one row per completion
     * halves the rows a bulk import writes. `json`, not `jsonb`: the text is stored as written
     * and read back as it is (no SQL looks inside it), where `jsonb` re-encoded it both ways.
     */
    credits: json('credits').$type<StoredCreditJson[]>().notNull(),
  },
  (t) => [
    index('completions_person_idx').on(t.personId, t.position),
    check('completions_credits_array', sql`json_typeof(${t.credits}) = 'array'`),
  ],
);

/** Evidence entries as a profile document lists them. */
export const completionEvidence = pgTable(
  'completion_evidence',
  {
    // No foreign key: a per-row check halved bulk-import speed; the repositories delete children with their completion.
    completionId: text('completion_id').notNull(),
    position: integer('position').notNull(),
    file: text('file'),
    sha256: text('sha256'),
    signedRecord: text('signed_record'),
  },
  (t) => [primaryKey({ columns: [t.completionId, t.position] })],
);

/** Uploaded certificate files; the bytes live in file storage under `storageKey`. */
export const evidenceFiles = pgTable(
  'evidence_files',
  {
    id: text('id').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    completionId: text('completion_id').references(() => completions.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('evidence_person_idx').on(t.personId)],
);

/**
 * Per-holding status summaries written by re-evaluation: a snapshot of everyone's status as of one
 * date, for population-wide reports. A batch of people's rows is replaced at once, so the one key is (person, holding): one index serves both
 * the replacement and the reads by person. No foreign keys: their per-row checks cost more than
 * half of a re-evaluation's writes; writers take the ids from the rows they just read, and
 * deleting a holding deletes its summary (records.deleteHolding).
 */
export const holdingStatuses = pgTable(
  'holding_statuses',
  {
    holdingId: idText('holding_id').notNull(),
    personId: idText('person_id').notNull(),
    credential: text('credential').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    status: text('status').notNull(),
    cycleStart: date('cycle_start', { mode: 'string' }),
    cycleEnd: date('cycle_end', { mode: 'string' }),
    requiredMilli: integer('required_milli'),
    countedMilli: integer('counted_milli'),
    missingMilli: integer('missing_milli'),
  },
  (t) => [primaryKey({ name: 'holding_statuses_pkey', columns: [t.personId, t.holdingId] })],
);

/**
 * Append-only record of every change: who, when, what, before and after.
 * A trigger (migration 0001) rejects UPDATE and DELETE on this table.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    personId: text('person_id'),
    organisationId: text('organisation_id'),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [
    index('audit_person_idx').on(t.personId, t.seq),
    index('audit_org_idx').on(t.organisationId, t.seq),
  ],
);
