/**
 * The stored domain: who owns what, who may see what. These are the types
 * use-cases and faces see; the row types in schema.ts stay inside the store.
 * Holdings and completions reuse the profile document's own types, with the
 * id they were stored under.
 */
import { type EpochDay, toEpochDay } from '../core/dates.ts';
import type { Credit } from '../core/offerings/schema.ts';
import type { Completion, Holding } from '../core/profile/schema.ts';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
export type ConsentScope = 'status' | 'records';

export interface Account {
  id: string;
  email: string;
  name?: string;
  /** ISO timestamp. */
  createdAt: string;
}

/** An account with its password hash: only the accounts repository and the auth use-cases see this. */
export interface AccountWithSecret extends Account {
  passwordHash: string;
}

export interface Person {
  id: string;
  /** The account that owns this profile; absent for a person kept on an organisation's roster. */
  accountId?: string;
  /** The organisation that manages a person who has no account of their own. */
  managedBy?: string;
  name?: string;
  email?: string;
  createdAt: string;
}

/** A person's id and email, with who may write to them (their account, or the organisation managing them). */
export type PersonWriters = Pick<Person, 'id' | 'email' | 'accountId' | 'managedBy'>;

export interface Organisation {
  id: string;
  name: string;
  createdAt: string;
}

export interface Membership {
  organisationId: string;
  accountId: string;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  organisationId: string;
  email: string;
  role: Role;
  invitedBy: string;
  createdAt: string;
  acceptedAt?: string;
  acceptedBy?: string;
}

export interface RosterEntry {
  organisationId: string;
  personId: string;
  externalRef?: string;
  createdAt: string;
}

export interface ConsentGrant {
  id: string;
  personId: string;
  organisationId: string;
  scope: ConsentScope;
  grantedAt: string;
  revokedAt?: string;
}

export interface StoredHolding {
  id: string;
  personId: string;
  position: number;
  holding: Holding;
}

export interface StoredCompletion {
  id: string;
  personId: string;
  position: number;
  completion: Completion;
}

export interface EvidenceFile {
  id: string;
  personId: string;
  completionId?: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  storageKey: string;
  createdAt: string;
}

/** What re-evaluation stores per holding (a snapshot for population-wide reports); rosters compute the same rows live. Units are milli-units. */
export interface HoldingStatusSummary {
  holdingId: string;
  personId: string;
  credential: string;
  asOf: string;
  status: string;
  cycleStart?: string;
  cycleEnd?: string;
  requiredMilli?: number;
  countedMilli?: number;
  missingMilli?: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorKind: string;
  actorId?: string;
  action: string;
  entity: string;
  entityId: string;
  personId?: string;
  organisationId?: string;
  before?: unknown;
  after?: unknown;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

/** A person's holdings and completions, in document order. */
export interface PersonRecords {
  holdings: StoredHolding[];
  completions: StoredCompletion[];
}

/**
 * What evaluating a completion in bulk reads of it, in one fixed shape: a population re-evaluation
 * reads millions, and the columnar layout (usecases/columns.ts) reads each field once.
 */
export interface CompletionFacts {
  position: number;
  activity: string | undefined;
  title: string | undefined;
  provider: string | undefined;
  /** The completion date as days since 1970-01-01 (core/dates.ts `EpochDay`). */
  day: EpochDay;
  hours: number | undefined;
  type: string | undefined;
  event: string | undefined;
  /** Whether it carries college credit. */
  college: boolean;
  /** The credits claimed for it. Possibly shared with other completions: never changed. */
  credits: readonly Credit[];
}

/** A person's holdings, and the facts of the completions a re-evaluation reads (in document order). */
export interface EvaluationRecords {
  holdings: StoredHolding[];
  completions: CompletionFacts[];
}

/** Full records as evaluation reads them. */
export function evaluationRecordsOf(records: PersonRecords): EvaluationRecords {
  return { holdings: records.holdings, completions: records.completions.map(completionFacts) };
}

export function completionFacts(stored: StoredCompletion): CompletionFacts {
  const c = stored.completion;
  return {
    position: stored.position,
    activity: c.activity,
    title: c.title,
    provider: c.provider,
    day: toEpochDay(c.completed),
    hours: c.hours,
    type: c.type,
    event: c.event,
    college: c.college !== undefined,
    credits: c.credits,
  };
}
