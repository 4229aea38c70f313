/**
 * The repositories: the only code that touches SQL. Written once against
 * drizzle's pg-core database type, so the same statements run on PGlite and
 * on PostgreSQL; each adapter hands in its connection (or a transaction).
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, getTableColumns, getTableName, gt, isNull, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgDatabase, PgQueryResultHKT, PgTable } from 'drizzle-orm/pg-core';
import { AppError } from '../core/errors.ts';
import type { Credit } from '../core/offerings/schema.ts';
import type { Holding } from '../core/profile/schema.ts';
import {
  COMPLETION_CONTENT_COLUMNS,
  COMPLETION_LINE_COLUMNS,
  completionLine,
  completionLineOf,
} from './completion-line.ts';
import {
  CopyCursor,
  type CopyDriver,
  copyText,
  FieldDictionary,
  parseCopyText,
  textDictionary,
} from './copy.ts';
import * as m from './mappers.ts';
import {
  type CompletionFacts,
  type EvaluationRecords,
  evaluationRecordsOf,
  type Person,
  type PersonRecords,
  type PersonWriters,
  type RosterEntry,
  type StoredCompletion,
  type StoredHolding,
} from './model.ts';
import type {
  CompletionWriter,
  LoadOptions,
  Repositories,
  StatusRebuild,
  StatusRebuildWriter,
  TableAccess,
} from './port.ts';
import * as t from './schema.ts';
import { STATUS_LINE_COLUMNS, statusLine } from './status-line.ts';
import { KEY_COLUMNS, TABLES_IN_ORDER } from './tables.ts';

// biome-ignore lint/suspicious/noExplicitAny: both drivers' databases and transactions share this shape
export type Db = PgDatabase<PgQueryResultHKT, any>;

/** Rows of a raw `execute`: both drivers return them under `rows`. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Rows per statement in bulk writes: large enough to amortise a round trip, small enough for WASM memory. */
const BULK_BATCH = 5000;

/** Below this many rows a bulk write is one `unnest` statement; from it on, COPY. */
const COPY_MIN_ROWS = 200;
/** From this many people on, `records.load` reads through COPY. */
const COPY_LOAD_MIN_PEOPLE = 32;
/** Rows per COPY: one round trip each, bounded so PGlite's WASM heap holds the blob comfortably. */
const COPY_BATCH = 50_000;

/** The columns an insert writes (a bigserial fills itself). */
function insertedColumns(table: PgTable) {
  return Object.entries(getTableColumns(table)).filter(([, c]) => c.columnType !== 'PgBigSerial53');
}

/** How rows of a table travel as COPY text: the target (table and columns) and one row's line. */
export function copyFormat<T extends PgTable>(
  table: T,
): { target: string; line(row: T['$inferInsert']): string } {
  const columns = insertedColumns(table);
  const keys = columns.map(([key]) => key);
  return {
    target: `"${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')})`,
    line(row) {
      const values = row as Record<string, unknown>;
      let line = copyText(values[keys[0]!]);
      for (let k = 1; k < keys.length; k++) line += `\t${copyText(values[keys[k]!])}`;
      return `${line}\n`;
    },
  };
}

/** The completions COPY target, checked once against the column order `completionLine` writes. */
function completionsCopyTarget(): string {
  const keys = insertedColumns(t.completions).map(([key]) => key);
  if (keys.join() !== COMPLETION_LINE_COLUMNS.join()) {
    throw new Error(`completionLine writes ${COMPLETION_LINE_COLUMNS.join()}, the table has ${keys.join()}`);
  }
  return copyFormat(t.completions).target;
}

/** The holding_statuses COPY target, checked once against the column order `statusLine` writes. */
function statusesCopyTarget(): string {
  const keys = insertedColumns(t.holdingStatuses).map(([key]) => key);
  if (keys.join() !== STATUS_LINE_COLUMNS.join()) {
    throw new Error(`statusLine writes ${STATUS_LINE_COLUMNS.join()}, the table has ${keys.join()}`);
  }
  return copyFormat(t.holdingStatuses).target;
}

/**
 * Inserts many rows: small sets with one statement per batch (each column
 * travels as one array parameter and `unnest` turns the arrays back into
 * rows), large ones with COPY where the adapter offers it — the database
 * then parses plain text instead of planning and binding statements.
 */
export async function bulkInsert<T extends PgTable>(
  db: Db,
  table: T,
  rows: readonly T['$inferInsert'][],
  copy?: CopyDriver,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = insertedColumns(table);
  const name = sql.identifier(getTableName(table));
  if (copy && rows.length >= COPY_MIN_ROWS) {
    const format = copyFormat(table);
    for (let start = 0; start < rows.length; start += COPY_BATCH) {
      const end = Math.min(rows.length, start + COPY_BATCH);
      let text = '';
      for (let i = start; i < end; i++) text += format.line(rows[i]!);
      await copy.copyIn(db, format.target, text);
    }
    return;
  }
  for (let start = 0; start < rows.length; start += BULK_BATCH) {
    const batch = rows.slice(start, start + BULK_BATCH);
    const names: SQL[] = [];
    const arrays: SQL[] = [];
    for (const [key, column] of columns) {
      // The array cast names the base type; a column's collation (`text COLLATE "C"`) applies on insert.
      const declared = column.getSQLType().replace(/ COLLATE .*$/i, '');
      const sqlType = declared === 'bigserial' ? 'bigint' : declared;
      const json = sqlType === 'jsonb' || sqlType === 'json';
      const values = batch.map((row) => {
        const v = (row as Record<string, unknown>)[key];
        if (v === undefined || v === null) return null;
        return json ? JSON.stringify(v) : v;
      });
      names.push(sql`${sql.identifier(column.name)}`);
      arrays.push(sql`${sql.param(values)}::${sql.raw(sqlType)}[]`);
    }
    await db.execute(
      sql`insert into ${name} (${sql.join(names, sql`, `)}) select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  }
}

/** `column = any($1)`: one array parameter instead of one parameter per id. */
function anyOf(column: AnyPgColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...ids])}::text[])`;
}

/**
 * The rows of people whose id, or email (case-insensitive), is one of the keys, each once: two
 * index lookups through `lookup` (an OR of both would scan every person). Only a key with an @
 * can be an email address.
 */
async function rowsByKeys<R extends { id: string }>(
  keys: readonly string[],
  lookup: (where: SQL) => Promise<R[]>,
): Promise<R[]> {
  if (keys.length === 0) return [];
  const lower = keys.filter((k) => k.includes('@')).map((k) => k.toLowerCase());
  const byId = await lookup(anyOf(t.people.id, keys));
  const byEmail =
    lower.length === 0 ? [] : await lookup(sql`lower(${t.people.email}) = any(${sql.param(lower)}::text[])`);
  const seen = new Set(byId.map((r) => r.id));
  return [...byId, ...byEmail.filter((r) => !seen.has(r.id))];
}

/** Roster entries inserted, or given their external reference where the person is already on the roster. */
async function upsertRosterEntries(db: Db, entries: readonly RosterEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += BULK_BATCH) {
    const batch = entries.slice(start, start + BULK_BATCH);
    await db.execute(
      sql`insert into ${t.rosterEntries} (organisation_id, person_id, external_ref, created_at)
        select * from unnest(${sql.param(batch.map((e) => e.organisationId))}::text[], ${sql.param(batch.map((e) => e.personId))}::text[], ${sql.param(batch.map((e) => e.externalRef ?? null))}::text[], ${sql.param(batch.map((e) => e.createdAt))}::timestamptz[])
        on conflict (organisation_id, person_id) do update set external_ref = excluded.external_ref`,
    );
  }
}

function tableAccess(db: Db, copy?: CopyDriver): TableAccess {
  const tables = TABLES_IN_ORDER as Record<string, PgTable>;
  const table = (name: string) => {
    const found = tables[name];
    if (!found) throw new Error(`unknown table ${name}`);
    return found;
  };
  const primaryOrder = (name: string) => {
    const cols = getTableColumns(table(name));
    return (KEY_COLUMNS[name] ?? ['id']).map((k) => asc(cols[k]!));
  };
  return {
    names: Object.keys(tables),
    async *read(name, pageSize) {
      for (let offset = 0; ; offset += pageSize) {
        const rows = (await db
          .select()
          .from(table(name))
          .orderBy(...primaryOrder(name))
          .limit(pageSize)
          .offset(offset)) as Record<string, unknown>[];
        if (rows.length > 0) yield rows;
        if (rows.length < pageSize) return;
      }
    },
    async write(name, rows) {
      const target = table(name);
      // The audit log keeps its sequence numbers through a restore.
      if (name === 'auditLog') {
        for (let i = 0; i < rows.length; i += 1000)
          await db.insert(target).values(rows.slice(i, i + 1000) as never);
      } else {
        await bulkInsert(db, target, rows as never, copy);
      }
    },
    async count(name) {
      const [row] = await db.select({ n: count() }).from(table(name));
      return row?.n ?? 0;
    },
    async resetSequences() {
      await db.execute(
        sql`select setval(pg_get_serial_sequence('audit_log', 'seq'), coalesce((select max(seq) from audit_log), 0) + 1, false)`,
      );
    },
  };
}

export function repositories(db: Db, copy?: CopyDriver): Repositories {
  return {
    accounts: {
      async insert(account) {
        await db.insert(t.accounts).values(m.accountToRow(account));
      },
      async insertMany(list) {
        await bulkInsert(db, t.accounts, list.map(m.accountToRow), copy);
      },
      async findById(id) {
        const [row] = await db.select().from(t.accounts).where(eq(t.accounts.id, id));
        return row && m.accountFromRow(row);
      },
      async findByEmailWithSecret(email) {
        const [row] = await db.select().from(t.accounts).where(eq(t.accounts.email, email.toLowerCase()));
        return row && m.accountWithSecretFromRow(row);
      },
      async setPasswordHash(id, passwordHash) {
        await db.update(t.accounts).set({ passwordHash }).where(eq(t.accounts.id, id));
      },
    },

    organisations: {
      async insert(o) {
        await db.insert(t.organisations).values(o);
      },
      async insertMany(list) {
        await bulkInsert(db, t.organisations, list, copy);
      },
      async findById(id) {
        const [row] = await db.select().from(t.organisations).where(eq(t.organisations.id, id));
        return row && m.organisationFromRow(row);
      },
      async listForAccount(accountId) {
        const rows = await db
          .select({ organisation: t.organisations, role: t.memberships.role })
          .from(t.memberships)
          .innerJoin(t.organisations, eq(t.organisations.id, t.memberships.organisationId))
          .where(eq(t.memberships.accountId, accountId))
          .orderBy(asc(t.organisations.name), asc(t.organisations.id));
        return rows.map((r) => ({ organisation: m.organisationFromRow(r.organisation), role: r.role }));
      },
    },

    memberships: {
      async insertMany(list) {
        await bulkInsert(db, t.memberships, list, copy);
      },
      async upsert(ms) {
        await db
          .insert(t.memberships)
          .values(ms)
          .onConflictDoUpdate({
            target: [t.memberships.organisationId, t.memberships.accountId],
            set: { role: ms.role },
          });
      },
      async find(organisationId, accountId) {
        const [row] = await db
          .select()
          .from(t.memberships)
          .where(
            and(eq(t.memberships.organisationId, organisationId), eq(t.memberships.accountId, accountId)),
          );
        return row && m.membershipFromRow(row);
      },
      async list(organisationId) {
        const rows = await db
          .select({ membership: t.memberships, email: t.accounts.email, name: t.accounts.name })
          .from(t.memberships)
          .innerJoin(t.accounts, eq(t.accounts.id, t.memberships.accountId))
          .where(eq(t.memberships.organisationId, organisationId))
          .orderBy(asc(t.accounts.email));
        return rows.map((r) => ({
          ...m.membershipFromRow(r.membership),
          email: r.email,
          ...(r.name === null ? {} : { name: r.name }),
        }));
      },
      async remove(organisationId, accountId) {
        await db
          .delete(t.memberships)
          .where(
            and(eq(t.memberships.organisationId, organisationId), eq(t.memberships.accountId, accountId)),
          );
      },
      async countOwners(organisationId) {
        const [row] = await db
          .select({ n: count() })
          .from(t.memberships)
          .where(and(eq(t.memberships.organisationId, organisationId), eq(t.memberships.role, 'owner')));
        return row?.n ?? 0;
      },
    },

    invitations: {
      async insert(inv, tokenHash) {
        await db.insert(t.invitations).values({
          id: inv.id,
          organisationId: inv.organisationId,
          email: inv.email.toLowerCase(),
          role: inv.role,
          tokenHash,
          invitedBy: inv.invitedBy,
          createdAt: inv.createdAt,
        });
      },
      async findByTokenHash(tokenHash) {
        const [row] = await db.select().from(t.invitations).where(eq(t.invitations.tokenHash, tokenHash));
        return row && m.invitationFromRow(row);
      },
      async markAccepted(id, accountId, at) {
        await db
          .update(t.invitations)
          .set({ acceptedAt: at, acceptedBy: accountId })
          .where(eq(t.invitations.id, id));
      },
      async listOpen(organisationId) {
        const rows = await db
          .select()
          .from(t.invitations)
          .where(and(eq(t.invitations.organisationId, organisationId), isNull(t.invitations.acceptedAt)))
          .orderBy(asc(t.invitations.createdAt));
        return rows.map(m.invitationFromRow);
      },
    },

    people: {
      async insert(person) {
        await db.insert(t.people).values(m.personToRow(person));
      },
      async insertMany(list) {
        await bulkInsert(db, t.people, list.map(m.personToRow), copy);
      },
      async findById(id) {
        const [row] = await db.select().from(t.people).where(eq(t.people.id, id));
        return row && m.personFromRow(row);
      },
      async findByAccount(accountId) {
        const [row] = await db.select().from(t.people).where(eq(t.people.accountId, accountId));
        return row && m.personFromRow(row);
      },
      async findManagedByEmails(organisationId, emails) {
        if (emails.length === 0) return [];
        const rows = await db
          .select()
          .from(t.people)
          .where(
            and(
              eq(t.people.managedBy, organisationId),
              sql`lower(${t.people.email}) = any(${sql.param([...emails])}::text[])`,
            ),
          )
          .orderBy(asc(t.people.id));
        return rows.map(m.personFromRow);
      },
      async renameMany(names) {
        for (let start = 0; start < names.length; start += BULK_BATCH) {
          const batch = names.slice(start, start + BULK_BATCH);
          await db.execute(
            sql`update people as p set name = v.name from unnest(${sql.param(batch.map((n) => n.id))}::text[], ${sql.param(batch.map((n) => n.name))}::text[]) as v(id, name) where p.id = v.id`,
          );
        }
      },
      async findByKeys(keys) {
        const rows = await rowsByKeys(keys, (where) => db.select().from(t.people).where(where));
        return rows.map(m.personFromRow);
      },
      async findWritersByKeys(keys) {
        type Row = { id: string; email: string | null; account_id: string | null; managed_by: string | null };
        // Plain rows of four columns: a bulk import resolves 100,000 people this way.
        const rows = await rowsByKeys(keys, (where) =>
          queryRows<Row>(db, sql`select id, email, account_id, managed_by from ${t.people} where ${where}`),
        );
        return rows.map((r) => {
          const person: PersonWriters = { id: r.id };
          if (r.email !== null) person.email = r.email;
          if (r.account_id !== null) person.accountId = r.account_id;
          if (r.managed_by !== null) person.managedBy = r.managed_by;
          return person;
        });
      },
      async update(person) {
        const { id, ...rest } = m.personToRow(person);
        await db.update(t.people).set(rest).where(eq(t.people.id, id));
      },
      async count() {
        const [row] = await db.select({ n: count() }).from(t.people);
        return row?.n ?? 0;
      },
      async idsAfter(afterId, limit) {
        const rows = await db
          .select({ id: t.people.id })
          .from(t.people)
          .where(gt(t.people.id, afterId))
          .orderBy(asc(t.people.id))
          .limit(limit);
        return rows.map((r) => r.id);
      },
    },

    roster: {
      async add(entry) {
        await upsertRosterEntries(db, [entry]);
      },
      async addMany(entries) {
        await bulkInsert(
          db,
          t.rosterEntries,
          entries.map((e) => ({ ...e, externalRef: e.externalRef ?? null })),
          copy,
        );
      },
      upsertMany: (entries) => upsertRosterEntries(db, entries),
      async find(organisationId, personId) {
        const [row] = await db
          .select()
          .from(t.rosterEntries)
          .where(
            and(eq(t.rosterEntries.organisationId, organisationId), eq(t.rosterEntries.personId, personId)),
          );
        return row && m.rosterFromRow(row);
      },
      async list(organisationId) {
        // A certifying body's roster is a hundred thousand people: read as COPY text where the
        // store has it (1.8-2.2 s through the driver's rows at that size).
        if (copy) return rosterByCopy(db, copy, organisationId);
        const rows = await db
          .select({ entry: t.rosterEntries, person: t.people })
          .from(t.rosterEntries)
          .innerJoin(t.people, eq(t.people.id, t.rosterEntries.personId))
          .where(eq(t.rosterEntries.organisationId, organisationId))
          .orderBy(asc(t.people.name), asc(t.people.id));
        return rows.map((r) => ({ ...m.rosterFromRow(r.entry), person: m.personFromRow(r.person) }));
      },
      async remove(organisationId, personId) {
        await db
          .delete(t.rosterEntries)
          .where(
            and(eq(t.rosterEntries.organisationId, organisationId), eq(t.rosterEntries.personId, personId)),
          );
      },
    },

    consents: {
      async insert(grant) {
        await db.insert(t.consentGrants).values(m.consentToRow(grant));
      },
      async insertMany(grants) {
        await bulkInsert(db, t.consentGrants, grants.map(m.consentToRow), copy);
      },
      async findActive(personId, organisationId) {
        const [row] = await db
          .select()
          .from(t.consentGrants)
          .where(
            and(
              eq(t.consentGrants.personId, personId),
              eq(t.consentGrants.organisationId, organisationId),
              isNull(t.consentGrants.revokedAt),
            ),
          );
        return row && m.consentFromRow(row);
      },
      async revoke(id, at) {
        await db.update(t.consentGrants).set({ revokedAt: at }).where(eq(t.consentGrants.id, id));
      },
      async listForPerson(personId) {
        const rows = await db
          .select()
          .from(t.consentGrants)
          .where(eq(t.consentGrants.personId, personId))
          .orderBy(asc(t.consentGrants.grantedAt), asc(t.consentGrants.id));
        return rows.map(m.consentFromRow);
      },
      async activeForOrganisation(organisationId) {
        const rows = await db
          .select({ personId: t.consentGrants.personId, scope: t.consentGrants.scope })
          .from(t.consentGrants)
          .where(and(eq(t.consentGrants.organisationId, organisationId), isNull(t.consentGrants.revokedAt)));
        return new Map(rows.map((r) => [r.personId, r.scope]));
      },
    },

    records: recordsRepository(db, copy),

    evidence: {
      async insert(file) {
        await db.insert(t.evidenceFiles).values({ ...file, completionId: file.completionId ?? null });
      },
      async findById(id) {
        const [row] = await db.select().from(t.evidenceFiles).where(eq(t.evidenceFiles.id, id));
        return row && m.evidenceFromRow(row);
      },
      async listForPerson(personId) {
        const rows = await db
          .select()
          .from(t.evidenceFiles)
          .where(eq(t.evidenceFiles.personId, personId))
          .orderBy(asc(t.evidenceFiles.createdAt), asc(t.evidenceFiles.id));
        return rows.map(m.evidenceFromRow);
      },
      async delete(id) {
        await db.delete(t.evidenceFiles).where(eq(t.evidenceFiles.id, id));
      },
    },

    statuses: {
      async replaceFor(personIds, rows) {
        if (personIds.length > 0) {
          await db.delete(t.holdingStatuses).where(anyOf(t.holdingStatuses.personId, personIds));
        }
        await bulkInsert(db, t.holdingStatuses, rows.map(m.statusToRow), copy);
      },
      async listForPeople(personIds) {
        if (personIds.length === 0) return [];
        const rows = await db
          .select()
          .from(t.holdingStatuses)
          .where(anyOf(t.holdingStatuses.personId, personIds));
        return rows.map(m.statusFromRow);
      },
      rebuild: () => statusRebuild(db, copy),
      joinRebuild: (id) => joinedRebuild(db, copy, id),
    },

    audit: {
      async append(entries) {
        await bulkInsert(db, t.auditLog, entries.map(m.auditToRow), copy);
      },
      async list(filter) {
        const conditions: SQL[] = [];
        if (filter.personId !== undefined) conditions.push(eq(t.auditLog.personId, filter.personId));
        if (filter.organisationId !== undefined)
          conditions.push(eq(t.auditLog.organisationId, filter.organisationId));
        if (filter.afterSeq !== undefined) conditions.push(gt(t.auditLog.seq, filter.afterSeq));
        const rows = await db
          .select()
          .from(t.auditLog)
          .where(and(...conditions))
          .orderBy(asc(t.auditLog.seq))
          .limit(filter.limit ?? 100);
        return rows.map(m.auditFromRow);
      },
    },

    tables: tableAccess(db, copy),
  };
}

/** The prefix of the staging tables a rebuild writes the summaries to (statusRebuild). */
const STATUS_STAGING = 'holding_statuses_next';

/** A table privilege as information_schema names it, checked before it is written into GRANT. */
function privilegeName(privilege: string): string {
  const known = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'];
  if (!known.includes(privilege)) throw new Error(`unexpected table privilege ${privilege}`);
  return privilege;
}

/** The database error under a failed query, however wrapped, with its SQLSTATE and detail. */
function databaseError(error: unknown): { code?: string; detail?: string } | undefined {
  for (let e = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const { code, detail } = e as { code?: unknown; detail?: unknown };
    if (typeof code === 'string') return { code, ...(typeof detail === 'string' ? { detail } : {}) };
  }
  return undefined;
}

/** A failed rebuild's error, said in the product's terms where the cause is known. */
function rebuildError(error: unknown, live: string): unknown {
  const cause = databaseError(error);
  // undefined_table: the staging table was dropped by a newer rebuild (or the run ended).
  if (cause?.code === '42P01') {
    return new AppError(
      'conflict',
      'another re-evaluation of everyone started meanwhile and replaced this one; its summaries are the ones kept',
    );
  }
  // dependent_objects_still_exist: something (a view) was built on the live table.
  if (cause?.code === '2BP01') {
    return new AppError(
      'conflict',
      `the status summaries cannot be replaced while other objects depend on ${live} (${cause.detail ?? 'a view'}); the previous summaries are kept`,
    );
  }
  return error;
}

/** Whether a name is one of a rebuild's staging tables (as `StatusRebuild.id` gives it). */
const STAGING_NAME = new RegExp(`^${STATUS_STAGING}_[0-9a-f]{12}$`);

/** Writes summaries into a rebuild's staging table by COPY, in chunks. */
function stagingWriter(db: Db, copy: CopyDriver, staging: string): StatusRebuildWriter {
  const live = getTableName(t.holdingStatuses);
  const format = statusesCopyTarget();
  const target = `"${staging}"${format.slice(format.indexOf(' '))}`;
  return {
    async add(rows) {
      try {
        for (let start = 0; start < rows.length; start += COPY_BATCH) {
          const end = Math.min(rows.length, start + COPY_BATCH);
          let text = '';
          for (let i = start; i < end; i++) text += statusLine(rows[i]!);
          await copy.copyIn(db, target, text);
        }
      } catch (error) {
        throw rebuildError(error, live);
      }
    },
  };
}

/** StatusRepository.joinRebuild. */
function joinedRebuild(db: Db, copy: CopyDriver | undefined, id: string): StatusRebuildWriter {
  if (!copy) throw new Error('a status rebuild needs a backend that offers COPY');
  // The id becomes part of SQL: only a name this store's rebuilds make is accepted.
  if (!STAGING_NAME.test(id)) throw new Error(`"${id}" does not name a status rebuild`);
  return stagingWriter(db, copy, id);
}

/**
 * StatusRepository.rebuild: the summaries are written to a staging table of this run's own, without
 * an index, and the commit builds its primary key once and renames it into place. Against deleting
 * and inserting each batch's rows in the indexed table, PostgreSQL spends less than half the CPU on
 * these writes, and nobody reads a mix of two runs. Starting a rebuild drops every other staging
 * table (left by a run that died, or by one still running, which then fails with a clear error).
 */
async function statusRebuild(db: Db, copy: CopyDriver | undefined): Promise<StatusRebuild> {
  if (!copy) throw new Error('a status rebuild needs a backend that offers COPY');
  const live = getTableName(t.holdingStatuses);
  const staging = `${STATUS_STAGING}_${randomBytes(6).toString('hex')}`;
  const others = await queryRows<{ name: string }>(
    db,
    sql`select relname as name from pg_class where relkind = 'r' and starts_with(relname, ${`${STATUS_STAGING}_`}) and relnamespace = current_schema()::regnamespace`,
  );
  for (const { name } of others) await db.execute(sql.raw(`drop table if exists "${name}"`));
  // LIKE copies the columns with their types, collations and NOT NULL; the key comes at the commit.
  await db.execute(sql.raw(`create table "${staging}" (like "${live}")`));
  let open = true;
  const mustBeOpen = () => {
    if (!open) throw new Error('this status rebuild has already been committed or abandoned');
  };
  const replaced = (error: unknown) => rebuildError(error, live);
  const drop = () => db.execute(sql.raw(`drop table if exists "${staging}"`));
  const writer = stagingWriter(db, copy, staging);
  return {
    id: staging,
    async add(rows) {
      mustBeOpen();
      await writer.add(rows);
    },
    async commit() {
      mustBeOpen();
      open = false;
      try {
        // Outside the swap, so readers wait only for the renames: the key (which refuses two rows
        // for one holding) with the table's statistics, and the rows of holdings deleted while the
        // rebuild ran. The search for those rows only reads, so on PostgreSQL it runs on a second
        // connection beside the key's build (PGlite queues the two); the few it finds, usually
        // none, are then deleted through the key.
        const holdingsTable = getTableName(t.holdings);
        const [orphans] = await Promise.all([
          queryRows<{ person_id: string; holding_id: string }>(
            db,
            sql.raw(
              `select n.person_id, n.holding_id from "${staging}" n where not exists (select 1 from "${holdingsTable}" h where h.id = n.holding_id)`,
            ),
          ),
          (async () => {
            await db.execute(
              sql.raw(`create unique index "${staging}_pkey" on "${staging}" (person_id, holding_id)`),
            );
            await db.execute(sql.raw(`analyze "${staging}"`));
          })(),
        ]);
        if (orphans.length > 0) {
          const people = textArrayLiteral(orphans.map((o) => o.person_id));
          const holdings = textArrayLiteral(orphans.map((o) => o.holding_id));
          await db.execute(
            sql.raw(
              `delete from "${staging}" n using unnest(${people}, ${holdings}) as o(person_id, holding_id) where n.person_id = o.person_id and n.holding_id = o.holding_id`,
            ),
          );
        }
        await db.execute(
          sql.raw(
            `alter table "${staging}" add constraint "${staging}_pkey" primary key using index "${staging}_pkey"`,
          ),
        );
        await db.transaction(async (tx) => {
          // Privileges the operator granted on the live table (a read-only reporting role, say)
          // go with it when it is dropped; they are granted again on the new one.
          const grants = await queryRows<{ grantee: string; privilege: string }>(
            tx as unknown as Db,
            sql`select grantee, privilege_type as privilege from information_schema.role_table_grants
                where table_schema = current_schema() and table_name = ${live} and grantee <> current_user`,
          );
          await tx.execute(sql.raw(`drop table "${live}"`));
          await tx.execute(sql.raw(`alter table "${staging}" rename to "${live}"`));
          await tx.execute(
            sql.raw(`alter table "${live}" rename constraint "${staging}_pkey" to "${live}_pkey"`),
          );
          for (const { grantee, privilege } of grants) {
            const to = grantee === 'PUBLIC' ? sql.raw('public') : sql.identifier(grantee);
            await tx.execute(
              sql`grant ${sql.raw(privilegeName(privilege))} on ${sql.identifier(live)} to ${to}`,
            );
          }
        });
      } catch (error) {
        await drop().catch(() => undefined);
        throw replaced(error);
      }
    },
    async abandon() {
      if (!open) return;
      open = false;
      await drop();
    },
  };
}

function recordsRepository(db: Db, copy?: CopyDriver): Repositories['records'] {
  const insertHoldings = async (rows: Parameters<Repositories['records']['insertHoldings']>[0]) => {
    await bulkInsert(db, t.holdings, rows.map(m.holdingToRow), copy);
  };
  const insertCompletions = async (rows: Parameters<Repositories['records']['insertCompletions']>[0]) => {
    const mapped = rows.map(m.completionToRows);
    await bulkInsert(
      db,
      t.completions,
      mapped.map((r) => r.completion),
      copy,
    );
    await bulkInsert(
      db,
      t.completionEvidence,
      mapped.flatMap((r) => r.evidence),
      copy,
    );
  };
  const completionWriter = (): CompletionWriter => {
    const target = completionsCopyTarget();
    let lines: string[] = [];
    let objects: StoredCompletion[] = [];
    let evidence: (typeof t.completionEvidence.$inferInsert)[] = [];
    return {
      add(row) {
        if (!copy) {
          objects.push(row);
          return;
        }
        lines.push(completionLine(row));
        if (row.completion.evidence.length > 0) evidence.push(...m.completionToRows(row).evidence);
      },
      addEncoded(id, personId, position, tail) {
        if (!copy) throw new Error('encoded completions are written by COPY, which this store lacks');
        lines.push(completionLineOf(id, personId, position, tail));
      },
      get pending() {
        return lines.length + objects.length;
      },
      flush() {
        const text = lines.join('');
        const count = lines.length + objects.length;
        const rows = objects;
        const evidenceRows = evidence;
        lines = [];
        objects = [];
        evidence = [];
        return (async () => {
          if (copy && text.length > 0) {
            await copy.copyIn(db, target, text);
            await bulkInsert(db, t.completionEvidence, evidenceRows, copy);
          }
          if (rows.length > 0) await insertCompletions(rows);
          return count;
        })();
      },
    };
  };
  const deleteCompletionChildren = async (ids: string[]) => {
    if (ids.length === 0) return;
    await db.delete(t.completionEvidence).where(anyOf(t.completionEvidence.completionId, ids));
  };

  const repository: Repositories['records'] = {
    async loadFacts(personIds, options = {}) {
      if (copy && personIds.length >= COPY_LOAD_MIN_PEOPLE) {
        const result = new Map<string, EvaluationRecords>();
        for (const id of personIds) result.set(id, { holdings: [], completions: [] });
        return loadFactsByCopy(db, copy, personIds, result, options);
      }
      const { contiguous: _range, ...read } = options;
      const full = await repository.load(personIds, { ...read, evidence: false });
      const result = new Map<string, EvaluationRecords>();
      for (const [id, records] of full) result.set(id, evaluationRecordsOf(records));
      return result;
    },
    async load(personIds, options = {}) {
      const result = new Map<string, PersonRecords>();
      for (const id of personIds) result.set(id, { holdings: [], completions: [] });
      if (personIds.length === 0) return result;
      // COPY pays off for batches; one person's read (a status lookup) stays on plain statements.
      if (copy && personIds.length >= COPY_LOAD_MIN_PEOPLE)
        return loadByCopy(db, copy, personIds, result, options);
      const ids = [...personIds];
      // Sequential on purpose: a transaction is one connection on both backends.
      const holdingRows = await db
        .select()
        .from(t.holdings)
        .where(anyOf(t.holdings.personId, ids))
        .orderBy(asc(t.holdings.position));
      // Children by their parents' keys: index lookups, no join back to the person.
      const completionRows = await db
        .select()
        .from(t.completions)
        .where(anyOf(t.completions.personId, ids))
        .orderBy(asc(t.completions.position));
      const completionIds = options.evidence === false ? [] : completionRows.map((c) => c.id);
      const evidenceRows =
        completionIds.length === 0
          ? []
          : await db
              .select()
              .from(t.completionEvidence)
              .where(anyOf(t.completionEvidence.completionId, completionIds));
      const evidence = groupBy(evidenceRows, (r) => r.completionId);
      for (const row of holdingRows) result.get(row.personId)?.holdings.push(m.holdingFromRow(row));
      for (const row of completionRows) {
        result.get(row.personId)?.completions.push(m.completionFromRows(row, evidence.get(row.id) ?? []));
      }
      // A few people: their completions are filtered here rather than in SQL.
      if (options.completionsFrom) {
        for (const records of result.values()) {
          const day = options.completionsFrom(records.holdings);
          if (day === undefined) continue;
          records.completions =
            day === null ? [] : records.completions.filter((c) => c.completion.completed >= day);
        }
      }
      return result;
    },
    async findHolding(id) {
      const [row] = await db.select().from(t.holdings).where(eq(t.holdings.id, id));
      return row ? m.holdingFromRow(row) : undefined;
    },
    async findCompletion(id) {
      const [row] = await db.select().from(t.completions).where(eq(t.completions.id, id));
      if (!row) return undefined;
      const evidence = await db
        .select()
        .from(t.completionEvidence)
        .where(eq(t.completionEvidence.completionId, id));
      return m.completionFromRows(row, evidence);
    },
    async nextPosition(personId, list) {
      const table = list === 'holdings' ? t.holdings : t.completions;
      const [row] = await db
        .select({ max: sql<number | null>`max(${table.position})` })
        .from(table)
        .where(eq(table.personId, personId));
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    },
    async nextCompletionPositions(personIds) {
      const result = new Map<string, number>(personIds.map((id) => [id, 0]));
      if (personIds.length === 0) return result;
      const rows = await db
        .select({ personId: t.completions.personId, max: sql<number>`max(${t.completions.position})` })
        .from(t.completions)
        .where(anyOf(t.completions.personId, personIds))
        .groupBy(t.completions.personId);
      for (const row of rows) result.set(row.personId, Number(row.max) + 1);
      return result;
    },
    async completionIdsOf(personIds) {
      const result = new Map<string, Set<string>>();
      for (let start = 0; start < personIds.length; start += BULK_BATCH) {
        const rows = await db
          .select({ personId: t.completions.personId, id: t.completions.id, ref: t.completions.ref })
          .from(t.completions)
          .where(anyOf(t.completions.personId, personIds.slice(start, start + BULK_BATCH)));
        for (const row of rows) {
          let ids = result.get(row.personId);
          if (!ids) {
            ids = new Set();
            result.set(row.personId, ids);
          }
          ids.add(row.id);
          if (row.ref !== null) ids.add(row.ref);
        }
      }
      return result;
    },
    async completionContentOf(personIds) {
      if (!copy) throw new Error('reading completions by content needs a backend that offers COPY');
      const result = new Map<string, string[]>();
      for (let start = 0; start < personIds.length; start += BULK_BATCH) {
        const batch = personIds.slice(start, start + BULK_BATCH);
        // Each line: the person's place in the batch, a tab, the content (escaped COPY text).
        const text = await copy.copyOut(
          db,
          `select u.i, ${COMPLETION_CONTENT_COLUMNS.map((c) => `c.${c}`).join(', ')} from unnest(${textArrayLiteral(batch)}) with ordinality as u(id, i) join completions c on c.person_id = u.id`,
        );
        for (let from = 0; from < text.length; ) {
          let end = text.indexOf('\n', from);
          if (end < 0) end = text.length;
          const tab = text.indexOf('\t', from);
          const personId = batch[Number(text.slice(from, tab)) - 1]!;
          const contents = result.get(personId);
          if (contents) contents.push(text.slice(tab + 1, end));
          else result.set(personId, [text.slice(tab + 1, end)]);
          from = end + 1;
        }
      }
      return result;
    },
    insertHoldings,
    async updateHolding(id, holding) {
      const existing = await db.select().from(t.holdings).where(eq(t.holdings.id, id));
      const row = existing[0];
      if (!row) return;
      const { id: _id, ...set } = m.holdingToRow({
        id,
        personId: row.personId,
        position: row.position,
        holding,
      });
      await db.update(t.holdings).set(set).where(eq(t.holdings.id, id));
    },
    async deleteHolding(id) {
      const [row] = await db
        .delete(t.holdings)
        .where(eq(t.holdings.id, id))
        .returning({ personId: t.holdings.personId });
      if (row) {
        await db
          .delete(t.holdingStatuses)
          .where(and(eq(t.holdingStatuses.personId, row.personId), eq(t.holdingStatuses.holdingId, id)));
      }
    },
    insertCompletions,
    completionWriter,
    async setCredits(credits) {
      const entries = [...credits];
      for (let start = 0; start < entries.length; start += BULK_BATCH) {
        const batch = entries.slice(start, start + BULK_BATCH);
        const ids = batch.map(([id]) => id);
        const json = batch.map(([, list]) => JSON.stringify(list.map(m.creditToJson)));
        await db.execute(
          sql`update completions as c set credits = v.credits from unnest(${sql.param(ids)}::text[], ${sql.param(json)}::json[]) as v(id, credits) where c.id = v.id`,
        );
      }
    },
    async setRenewals(renewals) {
      const entries = [...renewals];
      for (let start = 0; start < entries.length; start += BULK_BATCH) {
        const batch = entries.slice(start, start + BULK_BATCH);
        const ids = batch.map(([id]) => id);
        const json = batch.map(([, list]) => JSON.stringify(list));
        await db.execute(
          sql`update holdings as h set renewals = v.renewals from unnest(${sql.param(ids)}::text[], ${sql.param(json)}::json[]) as v(id, renewals) where h.id = v.id`,
        );
      }
    },
    async updateCompletion(id, completion) {
      const [row] = await db.select().from(t.completions).where(eq(t.completions.id, id));
      if (!row) return;
      const rows = m.completionToRows({ id, personId: row.personId, position: row.position, completion });
      const { id: _id, ...set } = rows.completion;
      await db.update(t.completions).set(set).where(eq(t.completions.id, id));
      await deleteCompletionChildren([id]);
      await bulkInsert(db, t.completionEvidence, rows.evidence, copy);
    },
    async deleteCompletion(id) {
      await deleteCompletionChildren([id]);
      await db
        .update(t.evidenceFiles)
        .set({ completionId: null })
        .where(eq(t.evidenceFiles.completionId, id));
      await db.delete(t.completions).where(eq(t.completions.id, id));
    },
    async deleteAllFor(personId) {
      const ids = (
        await db
          .select({ id: t.completions.id })
          .from(t.completions)
          .where(eq(t.completions.personId, personId))
      ).map((r) => r.id);
      await deleteCompletionChildren(ids);
      if (ids.length > 0) {
        await db
          .update(t.evidenceFiles)
          .set({ completionId: null })
          .where(anyOf(t.evidenceFiles.completionId, ids));
      }
      await db.delete(t.completions).where(eq(t.completions.personId, personId));
      await db.delete(t.holdingStatuses).where(eq(t.holdingStatuses.personId, personId));
      await db.delete(t.holdings).where(eq(t.holdings.personId, personId));
    },
    async countHoldings() {
      const [row] = await db.select({ n: count() }).from(t.holdings);
      return row?.n ?? 0;
    },
    async countCompletions() {
      const [row] = await db.select({ n: count() }).from(t.completions);
      return row?.n ?? 0;
    },
  };
  return repository;
}

/** `'a'::text` as SQL text, for statements that take no parameters (COPY). */
function textLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'::text`;
}

/** `'{"a","b"}'::text[]` as SQL text, for statements that take no parameters (COPY). */
function textArrayLiteral(values: readonly string[]): string {
  // Ids and dates hold no quote or backslash: join them as they are (a re-evaluation builds a
  // literal of 2,000 ids per read) and escape element by element only when one does.
  let plain = true;
  for (const v of values) {
    if (v.includes('"') || v.includes('\\')) {
      plain = false;
      break;
    }
  }
  const array = plain
    ? values.length === 0
      ? '{}'
      : `{"${values.join('","')}"}`
    : `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  return `'${array.includes("'") ? array.replace(/'/g, "''") : array}'::text[]`;
}

/** `roster.list` through COPY: the same entries and people, in the same order. */
async function rosterByCopy(
  db: Db,
  copy: CopyDriver,
  organisationId: string,
): Promise<(RosterEntry & { person: Person })[]> {
  const rows = new CopyCursor(
    await copy.copyOut(
      db,
      `select r.person_id, r.external_ref, r.created_at, p.account_id, p.managed_by, p.name, p.email, p.created_at from roster_entries r join people p on p.id = r.person_id where r.organisation_id = ${textLiteral(organisationId)} order by p.name, p.id`,
    ),
  );
  // Rows become the drizzle row shapes the mappers take, so both paths give equal entries.
  const out: (RosterEntry & { person: Person })[] = [];
  while (rows.nextRow()) {
    const entry = {
      organisationId,
      personId: rows.field()!,
      externalRef: rows.field(),
      createdAt: rows.field()!,
    };
    const person = {
      id: entry.personId,
      accountId: rows.field(),
      managedBy: rows.field(),
      name: rows.field(),
      email: rows.field(),
      createdAt: rows.field()!,
    };
    out.push({ ...m.rosterFromRow(entry), person: m.personFromRow(person) });
  }
  return out;
}

/** Rows by a key, each list in the rows' order. */
function groupBy<R, K>(rows: readonly R[], key: (row: R) => K): Map<K, R[]> {
  const map = new Map<K, R[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

const bool = (v: string | null) => (v === null ? null : v === 't');
const int = (v: string | null) => (v === null ? 0 : Number(v));

/**
 * `load` through COPY … TO: five statements, each a text stream parsed
 * without the driver's per-row, per-column machinery. Rows become the same
 * drizzle row shapes the mappers take, so both paths give equal records.
 */
/** A holding's renewals from their stored text: most holdings have none. */
function renewalsOf(text: string): Holding['renewals'] {
  return text === '[]' ? [] : (JSON.parse(text) as Holding['renewals']);
}

/** Each person's holdings (with renewals) into their entry of `result`, by COPY. */
async function loadHoldingsByCopy(
  db: Db,
  copy: CopyDriver,
  personIds: readonly string[],
  result: Map<string, { holdings: StoredHolding[] }>,
  range?: { first: string; last: string },
): Promise<void> {
  // Every read goes through an index: one range scan for a contiguous page of people, otherwise
  // person by person (LATERAL): with a long id list the planner would scan the whole table for
  // each batch, which grows with the population.
  const heldBy = range
    ? `(select * from holdings x where x.person_id >= ${textLiteral(range.first)} and x.person_id <= ${textLiteral(range.last)}) h`
    : `unnest(${textArrayLiteral(personIds)}) as u(person_id) cross join lateral (select * from holdings x where x.person_id = u.person_id order by x.position) h`;
  const holdingRows = new CopyCursor(
    await copy.copyOut(
      db,
      `select h.id, h.person_id, h.position, h.credential, h.earned, h.expires, h.number, h.lifetime_plan, h.member, h.hands_on, h.renewals from ${heldBy}`,
    ),
  );
  const credentials = textDictionary();
  while (holdingRows.nextRow()) {
    const row = {
      id: holdingRows.field()!,
      personId: holdingRows.field()!,
      position: holdingRows.intField(),
      credential: holdingRows.dictionaryField(credentials)!,
      earned: holdingRows.field()!,
      expires: holdingRows.field(),
      number: holdingRows.field(),
      lifetimePlan: bool(holdingRows.field()),
      member: bool(holdingRows.field()),
      handsOn: bool(holdingRows.field()),
      renewals: renewalsOf(holdingRows.field()!),
    };
    result.get(row.personId)?.holdings.push(m.holdingFromRow(row));
  }
  for (const records of result.values()) inPositionOrder(records.holdings);
}

/**
 * The FROM clause reading the completions of these people: one index scan per person (LATERAL),
 * in position order, keeping the rows on or after the person's date when there is one. `u.n` is
 * the person's place in `whose` (from 1), so a read can name each row's person by a number.
 */
function completionsSource(
  personIds: readonly string[],
  result: Map<string, { holdings: StoredHolding[] }>,
  completionsFrom: LoadOptions['completionsFrom'],
): { from: string; whose: readonly string[] } {
  if (!completionsFrom) {
    return {
      from: `unnest(${textArrayLiteral(personIds)}) with ordinality as u(person_id, n) cross join lateral (select * from completions x where x.person_id = u.person_id order by x.position) c`,
      whose: personIds,
    };
  }
  const since: string[] = [];
  const whose: string[] = [];
  for (const [personId, records] of result) {
    const day = completionsFrom(records.holdings);
    if (day === null) continue;
    whose.push(personId);
    since.push(day ?? '-infinity');
  }
  return {
    from: `unnest(${textArrayLiteral(whose)}, ${textArrayLiteral(since)}::date[]) with ordinality as u(person_id, since, n) cross join lateral (select * from completions x where x.person_id = u.person_id and x.completed >= u.since order by x.position) c`,
    whose,
  };
}

/** Parses each distinct credits text once (most completions share a handful). */
function creditsParser(): (text: string) => t.StoredCreditJson[] {
  const parsed = new Map<string, t.StoredCreditJson[]>();
  return (text) => {
    let credits = parsed.get(text);
    if (credits === undefined) {
      credits = JSON.parse(text) as t.StoredCreditJson[];
      parsed.set(text, credits);
    }
    return credits;
  };
}

async function loadFactsByCopy(
  db: Db,
  copy: CopyDriver,
  personIds: readonly string[],
  result: Map<string, EvaluationRecords>,
  options: Parameters<Repositories['records']['loadFacts']>[1] = {},
): Promise<Map<string, EvaluationRecords>> {
  const range =
    options.contiguous && personIds.length > 0
      ? { first: personIds[0]!, last: personIds[personIds.length - 1]! }
      : undefined;
  await loadHoldingsByCopy(db, copy, personIds, result, range);
  const { from, whose } = completionsSource(personIds, result, options.completionsFrom);
  const lists = whose.map((id) => result.get(id)!.completions);
  const rows = new CopyCursor(
    await copy.copyOut(
      db,
      // Each row's person as its place in the list, and the date as days since 1970-01-01: cheaper
      // to write and to read than their text.
      `select u.n, c.position, c.activity, c.title, c.provider, c.completed - date '1970-01-01', c.hours, c.type, c.event, c.has_college, c.credits from ${from}`,
    ),
  );
  // Columns of few distinct values are read through dictionaries: each distinct text becomes one
  // value (the stored credits, the domain's own shape, parsed once and shared).
  const activities = textDictionary();
  const titles = textDictionary();
  const providers = textDictionary();
  const hoursOf = new FieldDictionary(Number);
  const types = textDictionary();
  const events = textDictionary();
  const creditLists = new FieldDictionary((text) => JSON.parse(text) as Credit[]);
  while (rows.nextRow()) {
    const list = lists[rows.intField() - 1];
    if (list === undefined) throw new Error('COPY row names no person of the read');
    const position = rows.intField();
    const activity = rows.dictionaryField(activities) ?? undefined;
    const title = rows.dictionaryField(titles) ?? undefined;
    const provider = rows.dictionaryField(providers) ?? undefined;
    const day = rows.intField();
    const hours = rows.dictionaryField(hoursOf) ?? undefined;
    const type = (rows.dictionaryField(types) ?? undefined) as CompletionFacts['type'];
    const event = rows.dictionaryField(events) ?? undefined;
    const college = rows.field() === 't';
    const credits = rows.dictionaryField(creditLists)!;
    list.push({ position, activity, title, provider, day, hours, type, event, college, credits });
  }
  for (const records of result.values()) inPositionOrder(records.completions);
  return result;
}

async function loadByCopy(
  db: Db,
  copy: CopyDriver,
  personIds: readonly string[],
  result: Map<string, PersonRecords>,
  options: LoadOptions,
): Promise<Map<string, PersonRecords>> {
  await loadHoldingsByCopy(db, copy, personIds, result);

  // Which completions to read: everyone's, or from each person's own date (none for null).
  const COLUMNS =
    'c.id, c.person_id, c.position, c.ref, c.activity, c.title, c.provider, c.completed, c.hours, c.format, c.type, c.event, c.has_college, c.college_semester_hours, c.college_quarter_hours, c.college_grade, c.source, c.credits';
  const { from } = completionsSource(personIds, result, options.completionsFrom);
  // In the index's order, person by person; no sort of the whole batch (each list is checked below).
  const completionRows = parseCopyText(await copy.copyOut(db, `select ${COLUMNS} from ${from}`));
  // The mapper copies every credit, so no two completions share one.
  const creditsOf = creditsParser();
  const evidenceRows =
    options.evidence === false
      ? []
      : parseCopyText(
          await copy.copyOut(
            db,
            `select ce.completion_id, ce.position, ce.file, ce.sha256, ce.signed_record from completion_evidence ce join (select c.id from ${from}) k on k.id = ce.completion_id`,
          ),
        );
  const evidence = groupBy(
    evidenceRows.map((f) => ({
      completionId: f[0]!,
      position: int(f[1]!),
      file: f[2]!,
      sha256: f[3]!,
      signedRecord: f[4]!,
    })),
    (r) => r.completionId,
  );
  for (const f of completionRows) {
    const row = {
      id: f[0]!,
      personId: f[1]!,
      position: int(f[2]!),
      ref: f[3]!,
      activity: f[4]!,
      title: f[5]!,
      provider: f[6]!,
      completed: f[7]!,
      hours: f[8]!,
      format: f[9]!,
      type: f[10]!,
      event: f[11]!,
      hasCollege: f[12] === 't',
      collegeSemesterHours: f[13]!,
      collegeQuarterHours: f[14]!,
      collegeGrade: f[15]!,
      source: f[16] as (typeof t)['completions']['$inferSelect']['source'],
      credits: creditsOf(f[17]!),
    };
    result.get(row.personId)?.completions.push(m.completionFromRows(row, evidence.get(row.id) ?? []));
  }
  for (const records of result.values()) inPositionOrder(records.completions);
  return result;
}

/** Sorts a person's list by position, unless it already is (as the index reads hand it over). */
function inPositionOrder(list: { position: number }[]): void {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]!.position > list[i]!.position) {
      list.sort((a, b) => a.position - b.position);
      return;
    }
  }
}
