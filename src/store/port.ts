/**
 * The store port: what use-cases need from persistence, and nothing more.
 * One implementation (drizzle over pg-core) serves both backends; the PGlite
 * and PostgreSQL adapters differ only in how they connect, migrate and
 * serialise work, which the port exposes as capabilities, never as a
 * backend switch at call sites.
 */
import type { Completion, Holding } from '../core/profile/schema.ts';
import type {
  Account,
  AccountWithSecret,
  AuditEntry,
  ConsentGrant,
  ConsentScope,
  EvaluationRecords,
  EvidenceFile,
  HoldingStatusSummary,
  Invitation,
  Membership,
  NewAuditEntry,
  Organisation,
  Person,
  PersonRecords,
  PersonWriters,
  Role,
  RosterEntry,
  StoredCompletion,
  StoredHolding,
} from './model.ts';
import type { Db } from './repositories.ts';

export interface LoadOptions {
  /**
   * Given a person's holdings, the first completion date (YYYY-MM-DD) worth reading: completions
   * dated before it are left out. Undefined reads them all; null reads none.
   */
  completionsFrom?: (holdings: readonly StoredHolding[]) => string | null | undefined;
  /** False leaves every completion's evidence list empty, unread: for reads that only evaluate. */
  evidence?: boolean;
}

/** See `Repositories['records'].completionWriter`. */
export interface CompletionWriter {
  add(row: StoredCompletion): void;
  /** Adds a completion without evidence whose other columns are already encoded (`completionTail`). */
  addEncoded(id: string, personId: string, position: number, tail: string): void;
  /** Completions added and not yet flushed. */
  readonly pending: number;
  /** Takes what was added so far (synchronously; later adds go to the next flush) and writes it. */
  flush(): Promise<number>;
}

export interface AccountRepository {
  insert(account: AccountWithSecret): Promise<void>;
  insertMany(accounts: AccountWithSecret[]): Promise<void>;
  findById(id: string): Promise<Account | undefined>;
  /** Email is matched case-insensitively. Includes the password hash, for sign-in only. */
  findByEmailWithSecret(email: string): Promise<AccountWithSecret | undefined>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
}

export interface OrganisationRepository {
  insert(organisation: Organisation): Promise<void>;
  insertMany(organisations: Organisation[]): Promise<void>;
  findById(id: string): Promise<Organisation | undefined>;
  listForAccount(accountId: string): Promise<{ organisation: Organisation; role: Role }[]>;
}

export interface MembershipRepository {
  upsert(membership: Membership): Promise<void>;
  insertMany(memberships: Membership[]): Promise<void>;
  find(organisationId: string, accountId: string): Promise<Membership | undefined>;
  list(organisationId: string): Promise<(Membership & { email: string; name?: string })[]>;
  remove(organisationId: string, accountId: string): Promise<void>;
  countOwners(organisationId: string): Promise<number>;
}

export interface InvitationRepository {
  insert(invitation: Invitation, tokenHash: string): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Invitation | undefined>;
  markAccepted(id: string, accountId: string, at: string): Promise<void>;
  listOpen(organisationId: string): Promise<Invitation[]>;
}

export interface PersonRepository {
  insert(person: Person): Promise<void>;
  insertMany(people: Person[]): Promise<void>;
  findById(id: string): Promise<Person | undefined>;
  findByAccount(accountId: string): Promise<Person | undefined>;
  /** The people an organisation manages with any of these (lower-case) emails, in id order. */
  findManagedByEmails(organisationId: string, emails: readonly string[]): Promise<Person[]>;
  /** Sets the names of several people at once. */
  renameMany(names: readonly { id: string; name: string }[]): Promise<void>;
  /** People whose id, or email (case-insensitive), is one of the keys; a key may match several people by email. */
  findByKeys(keys: readonly string[]): Promise<Person[]>;
  /**
   * As findByKeys, with only what says who a person is and who may write to them: an import
   * resolves every person a file names, and the rest of each row is not needed for that.
   */
  findWritersByKeys(keys: readonly string[]): Promise<PersonWriters[]>;
  update(person: Person): Promise<void>;
  count(): Promise<number>;
  /** Person ids in id order after `afterId`, for batched scans of the whole population. */
  idsAfter(afterId: string, limit: number): Promise<string[]>;
}

export interface RosterRepository {
  add(entry: RosterEntry): Promise<void>;
  addMany(entries: RosterEntry[]): Promise<void>;
  /** As `add` for many entries: new ones are inserted, existing ones get the entry's external reference. */
  upsertMany(entries: readonly RosterEntry[]): Promise<void>;
  find(organisationId: string, personId: string): Promise<RosterEntry | undefined>;
  list(organisationId: string): Promise<(RosterEntry & { person: Person })[]>;
  remove(organisationId: string, personId: string): Promise<void>;
}

export interface ConsentRepository {
  insert(grant: ConsentGrant): Promise<void>;
  insertMany(grants: ConsentGrant[]): Promise<void>;
  findActive(personId: string, organisationId: string): Promise<ConsentGrant | undefined>;
  revoke(id: string, at: string): Promise<void>;
  listForPerson(personId: string): Promise<ConsentGrant[]>;
  /** Active grants an organisation holds, keyed by person id. */
  activeForOrganisation(organisationId: string): Promise<Map<string, ConsentScope>>;
}

export interface RecordsRepository {
  /** Holdings and completions of each person asked for, in document order (missing people map to empty records). */
  load(personIds: readonly string[], options?: LoadOptions): Promise<Map<string, PersonRecords>>;
  /**
   * For bulk evaluation: each person's holdings and the facts of their completions (no ids, no
   * evidence), read like `load` with these options.
   */
  loadFacts(
    personIds: readonly string[],
    options?: Pick<LoadOptions, 'completionsFrom'> & {
      /**
       * The ids are every person id from the first to the last, in order (a page of
       * `people.idsAfter`): holdings are then read by one range scan rather than one index
       * lookup per person. Rows of anyone else in the range (added meanwhile) are left out.
       */
      contiguous?: boolean;
    },
  ): Promise<Map<string, EvaluationRecords>>;
  findHolding(id: string): Promise<StoredHolding | undefined>;
  findCompletion(id: string): Promise<StoredCompletion | undefined>;
  /** The next free position in a person's holdings or completions list. */
  nextPosition(personId: string, list: 'holdings' | 'completions'): Promise<number>;
  /** nextPosition for the completions of many people at once; people without completions are absent. */
  nextCompletionPositions(personIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Every id a completion of these people is known by: the id its document gave it, if any, and
   * its stored id (an export gives that when there is no other). People without any are absent.
   */
  completionIdsOf(personIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /**
   * The content of every completion of these people (`COMPLETION_CONTENT_COLUMNS` as COPY text,
   * `completion-line.ts`): what an import compares a row without an id with. People without any
   * are absent.
   */
  completionContentOf(personIds: readonly string[]): Promise<Map<string, string[]>>;
  insertHoldings(rows: StoredHolding[]): Promise<void>;
  countHoldings(): Promise<number>;
  updateHolding(id: string, holding: Holding): Promise<void>;
  deleteHolding(id: string): Promise<void>;
  /** Bulk-capable: one multi-row statement per table per batch. */
  insertCompletions(rows: StoredCompletion[]): Promise<void>;
  /**
   * A writer for bulk imports: each completion is encoded as it is added (so the domain objects
   * die young), and `flush` writes what was added since the last flush.
   */
  completionWriter(): CompletionWriter;
  /** Replaces the credits of these completions (restoring backups made before credits moved into completions). */
  setCredits(credits: ReadonlyMap<string, Completion['credits']>): Promise<void>;
  /** Sets the renewals of holdings, by holding id (restoring backups from before migration 0008). */
  setRenewals(renewals: ReadonlyMap<string, Holding['renewals']>): Promise<void>;
  updateCompletion(id: string, completion: Completion): Promise<void>;
  deleteCompletion(id: string): Promise<void>;
  /** Removes every holding and completion of a person (a profile import in replace mode). */
  deleteAllFor(personId: string): Promise<void>;
  countCompletions(): Promise<number>;
}

export interface EvidenceRepository {
  insert(file: EvidenceFile): Promise<void>;
  findById(id: string): Promise<EvidenceFile | undefined>;
  listForPerson(personId: string): Promise<EvidenceFile[]>;
  delete(id: string): Promise<void>;
}

export interface StatusRepository {
  /** Replaces the summaries of the given people with these rows. */
  replaceFor(personIds: readonly string[], rows: readonly HoldingStatusSummary[]): Promise<void>;
  listForPeople(personIds: readonly string[]): Promise<HoldingStatusSummary[]>;
  /**
   * Starts replacing every summary at once (re-evaluating the whole population): rows are written
   * to a staging table without an index, and `commit` swaps it in with its index built once.
   * Readers see the old summaries until the commit, then the new ones, never a mix. Rows of
   * holdings deleted meanwhile are dropped at the commit. One rebuild runs at a time: starting
   * another discards an unfinished one.
   */
  rebuild(): Promise<StatusRebuild>;
  /**
   * Writes into a rebuild started elsewhere (by `rebuild().id`), through this store's own
   * connection: how the threads of a parallel re-evaluation each write their batches. Adding to a
   * rebuild that was replaced, committed or abandoned fails.
   */
  joinRebuild(id: string): StatusRebuildWriter;
}

export interface StatusRebuildWriter {
  add(rows: readonly HoldingStatusSummary[]): Promise<void>;
}

export interface StatusRebuild extends StatusRebuildWriter {
  /** Names this rebuild for `joinRebuild`. */
  readonly id: string;
  /** Builds the index and swaps the staging table in, in one transaction. */
  commit(): Promise<void>;
  /** Drops the staging table; the summaries stay as they were. */
  abandon(): Promise<void>;
}

export interface AuditFilter {
  personId?: string;
  organisationId?: string;
  /** Only entries with seq greater than this (for paging). */
  afterSeq?: number;
  limit?: number;
}

export interface AuditRepository {
  append(entries: readonly NewAuditEntry[]): Promise<void>;
  list(filter: AuditFilter): Promise<AuditEntry[]>;
}

/** Raw table access for backup and restore only: rows are plain JSON values in schema column names. */
export interface TableAccess {
  readonly names: readonly string[];
  /** Reads a table in primary-key order, in pages. */
  read(name: string, pageSize: number): AsyncIterable<Record<string, unknown>[]>;
  write(name: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  count(name: string): Promise<number>;
  /** After a restore, moves id sequences past the restored rows. */
  resetSequences(): Promise<void>;
}

export interface Repositories {
  accounts: AccountRepository;
  organisations: OrganisationRepository;
  memberships: MembershipRepository;
  invitations: InvitationRepository;
  people: PersonRepository;
  roster: RosterRepository;
  consents: ConsentRepository;
  records: RecordsRepository;
  evidence: EvidenceRepository;
  statuses: StatusRepository;
  audit: AuditRepository;
  tables: TableAccess;
}

export interface MigrationState {
  /** Migrations in the folder, in order, with whether each has been applied. */
  migrations: { tag: string; applied: boolean }[];
  pending: number;
}

export interface StoreInfo {
  /** Human description, e.g. "PGlite at ./data/pglite" or "PostgreSQL at 127.0.0.1:5432/recert". */
  description: string;
  /** Whether reads may run concurrently with a write (PostgreSQL) or are queued behind it (PGlite). */
  concurrentReads: boolean;
  /**
   * Whether a bulk writer may send its next batch while the previous one runs
   * (a server works in parallel with the parsing; in-process PGlite cannot).
   */
  overlapWrites: boolean;
  /**
   * Whether other processes may use the same database at once (PostgreSQL), so state shared between
   * requests, such as rate-limit counters, belongs in it; PGlite's folder is one process's.
   */
  sharedByProcesses: boolean;
}

/**
 * What another thread needs to open its own connection to the same database: plain data, so it can
 * be posted to a worker thread. Only PostgreSQL has one (PGlite's folder is one connection's).
 * It holds the connection URL, password included: never log it (`redactUrl`).
 */
export interface SharedStore {
  kind: 'postgres';
  url: string;
  workMem?: string;
}

export interface Store extends Repositories {
  readonly info: StoreInfo;
  /** How other threads open this database too; undefined when they cannot (PGlite). */
  readonly shared?: SharedStore;
  /** Runs fn in one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  migrate(): Promise<MigrationState>;
  /**
   * Builds repositories that live outside src/store (the API's sessions and
   * tokens) on this store's connection; inside `transaction`, use the tx's.
   */
  repositoriesFor<T>(build: (db: Db) => T): T;
  migrationState(): Promise<MigrationState>;
  /**
   * Refreshes the planner's statistics after bulk loads (PGlite has no autovacuum to do it): of
   * these tables (by the schema's names, as in `tables.names`), or of every table.
   */
  analyze(tables?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
