/**
 * The one place rows become domain values and back. Optional fields are
 * omitted (not undefined) in domain values, so a round trip deep-equals the
 * parsed profile document.
 */

import type { Completion, Holding } from '../core/profile/schema.ts';
import type {
  Account,
  AccountWithSecret,
  AuditEntry,
  ConsentGrant,
  EvidenceFile,
  HoldingStatusSummary,
  Invitation,
  Membership,
  NewAuditEntry,
  Organisation,
  Person,
  RosterEntry,
  StoredCompletion,
  StoredHolding,
} from './model.ts';
import type * as t from './schema.ts';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];
type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];

/** Copies the entries whose value is neither null nor undefined. */
function present<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: NonNullable<T[K]> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: NonNullable<T[K]> };
}

/** PostgreSQL prints timestamptz as "2026-01-02 03:04:05.678+00"; the domain speaks ISO 8601. */
export function isoTimestamp(value: string): string {
  return new Date(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')).toISOString();
}

const isoOrUndefined = (value: string | null) => (value === null ? undefined : isoTimestamp(value));

export function accountFromRow(row: Row<typeof t.accounts>): Account {
  return {
    id: row.id,
    email: row.email,
    ...present({ name: row.name }),
    createdAt: isoTimestamp(row.createdAt),
  };
}

export function accountWithSecretFromRow(row: Row<typeof t.accounts>): AccountWithSecret {
  return { ...accountFromRow(row), passwordHash: row.passwordHash };
}

export function accountToRow(a: AccountWithSecret): Insert<typeof t.accounts> {
  return {
    id: a.id,
    email: a.email.toLowerCase(),
    passwordHash: a.passwordHash,
    name: a.name ?? null,
    createdAt: a.createdAt,
  };
}

export function organisationFromRow(row: Row<typeof t.organisations>): Organisation {
  return { id: row.id, name: row.name, createdAt: isoTimestamp(row.createdAt) };
}

export function personFromRow(row: Row<typeof t.people>): Person {
  return {
    id: row.id,
    ...present({ accountId: row.accountId, managedBy: row.managedBy, name: row.name, email: row.email }),
    createdAt: isoTimestamp(row.createdAt),
  };
}

export function personToRow(p: Person): Insert<typeof t.people> {
  return {
    id: p.id,
    accountId: p.accountId ?? null,
    managedBy: p.managedBy ?? null,
    name: p.name ?? null,
    email: p.email ?? null,
    createdAt: p.createdAt,
  };
}

export function membershipFromRow(row: Row<typeof t.memberships>): Membership {
  return {
    organisationId: row.organisationId,
    accountId: row.accountId,
    role: row.role,
    createdAt: isoTimestamp(row.createdAt),
  };
}

export function invitationFromRow(row: Row<typeof t.invitations>): Invitation {
  return {
    id: row.id,
    organisationId: row.organisationId,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy,
    createdAt: isoTimestamp(row.createdAt),
    ...present({ acceptedAt: isoOrUndefined(row.acceptedAt), acceptedBy: row.acceptedBy }),
  };
}

export function rosterFromRow(row: Row<typeof t.rosterEntries>): RosterEntry {
  return {
    organisationId: row.organisationId,
    personId: row.personId,
    ...present({ externalRef: row.externalRef }),
    createdAt: isoTimestamp(row.createdAt),
  };
}

export function consentFromRow(row: Row<typeof t.consentGrants>): ConsentGrant {
  return {
    id: row.id,
    personId: row.personId,
    organisationId: row.organisationId,
    scope: row.scope,
    grantedAt: isoTimestamp(row.grantedAt),
    ...present({ revokedAt: isoOrUndefined(row.revokedAt) }),
  };
}

export function consentToRow(g: ConsentGrant): Insert<typeof t.consentGrants> {
  return {
    id: g.id,
    personId: g.personId,
    organisationId: g.organisationId,
    scope: g.scope,
    grantedAt: g.grantedAt,
    revokedAt: g.revokedAt ?? null,
  };
}

// --- holdings -------------------------------------------------------------

export function holdingToRow(h: StoredHolding): Insert<typeof t.holdings> {
  const x = h.holding;
  return {
    id: h.id,
    personId: h.personId,
    position: h.position,
    credential: x.credential,
    earned: x.earned,
    expires: x.expires ?? null,
    number: x.number ?? null,
    lifetimePlan: x.lifetimePlan ?? null,
    member: x.member ?? null,
    handsOn: x.handsOn ?? null,
    renewals: x.renewals,
  };
}

export function holdingFromRow(row: Row<typeof t.holdings>): StoredHolding {
  // Written out field by field, in the document's order: this runs for every holding of a
  // population re-evaluation.
  const holding = { credential: row.credential, earned: row.earned } as Holding;
  if (row.expires !== null) holding.expires = row.expires;
  if (row.number !== null) holding.number = row.number;
  holding.renewals = row.renewals;
  if (row.lifetimePlan !== null) holding.lifetimePlan = row.lifetimePlan;
  if (row.member !== null) holding.member = row.member;
  if (row.handsOn !== null) holding.handsOn = row.handsOn;
  return { id: row.id, personId: row.personId, position: row.position, holding };
}

// --- completions ----------------------------------------------------------

/** Numbers that are not units (hours) go to `numeric` as their shortest decimal text and come back exactly. */
const numericText = (n: number | undefined) => (n === undefined ? null : String(n));
const numericValue = (s: string | null) => (s === null ? undefined : Number(s));

export interface CompletionRows {
  completion: Insert<typeof t.completions>;
  evidence: Insert<typeof t.completionEvidence>[];
}

/** A credit as the row stores it: the domain's fields, nothing else. */
export function creditToJson(cr: Completion['credits'][number]): t.StoredCreditJson {
  return cr.category === undefined && cr.topic === undefined
    ? { credential: cr.credential, units: cr.units, status: cr.status }
    : {
        credential: cr.credential,
        units: cr.units,
        ...present({ category: cr.category, topic: cr.topic }),
        status: cr.status,
      };
}

/**
 * A stored credit back in the domain's field order (jsonb keeps keys in its own order, and
 * exported documents should read the same as imported ones).
 */
export function creditFromJson(cr: t.StoredCreditJson): Completion['credits'][number] {
  return creditToJson(cr);
}

export function completionToRows(c: StoredCompletion): CompletionRows {
  const x = c.completion;
  return {
    completion: {
      id: c.id,
      personId: c.personId,
      position: c.position,
      ref: x.id ?? null,
      activity: x.activity ?? null,
      title: x.title ?? null,
      provider: x.provider ?? null,
      completed: x.completed,
      hours: numericText(x.hours),
      format: x.format ?? null,
      type: x.type ?? null,
      event: x.event ?? null,
      hasCollege: x.college !== undefined,
      collegeSemesterHours: numericText(x.college?.semesterHours),
      collegeQuarterHours: numericText(x.college?.quarterHours),
      collegeGrade: x.college?.grade ?? null,
      source: x.source,
      credits: x.credits.map(creditToJson),
    },
    evidence: x.evidence.map((e, position) => ({
      completionId: c.id,
      position,
      file: e.file ?? null,
      sha256: e.sha256 ?? null,
      signedRecord: e.signedRecord ?? null,
    })),
  };
}

export function completionFromRows(
  row: Row<typeof t.completions>,
  evidence: Row<typeof t.completionEvidence>[],
): StoredCompletion {
  // Written out field by field: this runs for every completion of a population re-evaluation.
  const completion = {} as Completion;
  if (row.ref !== null) completion.id = row.ref;
  if (row.activity !== null) completion.activity = row.activity;
  if (row.title !== null) completion.title = row.title;
  if (row.provider !== null) completion.provider = row.provider;
  completion.completed = row.completed;
  if (row.hours !== null) completion.hours = Number(row.hours);
  if (row.format !== null) completion.format = row.format as NonNullable<Completion['format']>;
  if (row.type !== null) completion.type = row.type as NonNullable<Completion['type']>;
  if (row.event !== null) completion.event = row.event;
  if (row.hasCollege) {
    completion.college = present({
      semesterHours: numericValue(row.collegeSemesterHours),
      quarterHours: numericValue(row.collegeQuarterHours),
      grade: row.collegeGrade,
    });
  }
  completion.credits = row.credits.map(creditFromJson);
  completion.source = row.source;
  completion.evidence = (
    evidence.length > 1 ? [...evidence].sort((a, b) => a.position - b.position) : evidence
  ).map((e) => present({ file: e.file, sha256: e.sha256, signedRecord: e.signedRecord }));
  return { id: row.id, personId: row.personId, position: row.position, completion };
}

// --- evidence files, statuses, audit --------------------------------------

export function evidenceFromRow(row: Row<typeof t.evidenceFiles>): EvidenceFile {
  return {
    id: row.id,
    personId: row.personId,
    ...present({ completionId: row.completionId }),
    name: row.name,
    mediaType: row.mediaType,
    size: row.size,
    sha256: row.sha256,
    storageKey: row.storageKey,
    createdAt: isoTimestamp(row.createdAt),
  };
}

export function statusFromRow(row: Row<typeof t.holdingStatuses>): HoldingStatusSummary {
  return {
    holdingId: row.holdingId,
    personId: row.personId,
    credential: row.credential,
    asOf: row.asOf,
    status: row.status,
    ...present({
      cycleStart: row.cycleStart,
      cycleEnd: row.cycleEnd,
      requiredMilli: row.requiredMilli,
      countedMilli: row.countedMilli,
      missingMilli: row.missingMilli,
    }),
  };
}

export function statusToRow(s: HoldingStatusSummary): Insert<typeof t.holdingStatuses> {
  return {
    holdingId: s.holdingId,
    personId: s.personId,
    credential: s.credential,
    asOf: s.asOf,
    status: s.status,
    cycleStart: s.cycleStart ?? null,
    cycleEnd: s.cycleEnd ?? null,
    requiredMilli: storableMilli(s.requiredMilli),
    countedMilli: storableMilli(s.countedMilli),
    missingMilli: storableMilli(s.missingMilli),
  };
}

/**
 * A summary's units for its integer column: past the column's range (more than two million units,
 * which only an absurd record reaches) the summary says "not known" rather than failing the whole
 * population's re-evaluation. Statuses read live (the API, the CLI) are exact at any size.
 */
function storableMilli(milli: number | undefined): number | null {
  return milli === undefined || Math.abs(milli) > 2 ** 31 - 1 ? null : milli;
}

export function auditFromRow(row: Row<typeof t.auditLog>): AuditEntry {
  return {
    seq: row.seq,
    at: isoTimestamp(row.at),
    actorKind: row.actorKind,
    ...present({ actorId: row.actorId }),
    action: row.action,
    entity: row.entity,
    entityId: row.entityId,
    ...present({
      personId: row.personId,
      organisationId: row.organisationId,
      before: row.before,
      after: row.after,
    }),
  };
}

export function auditToRow(e: NewAuditEntry): Insert<typeof t.auditLog> {
  return {
    at: e.at,
    actorKind: e.actorKind,
    actorId: e.actorId ?? null,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    personId: e.personId ?? null,
    organisationId: e.organisationId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
  };
}
