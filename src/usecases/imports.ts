/**
 * CSV import and export of completions and rosters. An import streams the
 * file through one transaction: rows are checked one by one and written in
 * batches as they come, and if any row is bad the transaction is rolled back
 * (unless only the valid rows were asked for), so a file is imported whole or
 * not at all — a killed process leaves nothing half-imported.
 */
import type { Readable, Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { AppError } from '../core/errors.ts';
import { formatUnits } from '../core/units.ts';
import {
  COMPLETION_COLUMNS,
  completionToCsvRows,
  ROSTER_SPEC,
  type RosterRow,
  type RowError,
  readCsv,
  rosterFromCsv,
  spreadsheetSafe,
} from '../files/csv.ts';
import { contentHash, mergeCompletionTails } from '../store/completion-line.ts';
import type { Membership, Person, PersonWriters, RosterEntry } from '../store/model.ts';
import type { Repositories } from '../store/port.ts';
import {
  EDITORS,
  mayWritePerson,
  personAccessOf,
  requireOrganisationRole,
  requirePersonRead,
} from './access.ts';
import { recordChange } from './audit.ts';
import { type CompletionBatch, readCompletionBatches } from './completion-batches.ts';
import { ContentIndex } from './content-index.ts';
import { type Actor, actorId, nowIso, type UseCaseContext } from './context.ts';
import { type RosterQuery, rosterLinesMatching } from './roster-view.ts';

export interface ImportReport {
  /** Data rows read (the header not counted). */
  rows: number;
  /** Records written: completions, or roster entries. */
  imported: number;
  /** The problems found, by row: at most the first 1,000 (`problems` counts them all). */
  errors: RowError[];
  /** Every problem found, listed in `errors` or not. */
  problems: number;
  /** Rows with at least one problem, each counted once: the rows left out of an import of the valid rows. */
  badRows: number;
  /** Whether anything was written (false when errors stopped the import). */
  committed: boolean;
}

export interface ImportOptions {
  /**
   * Import the valid rows even when some rows are bad. Not when the file cannot be read through (a
   * bad header, an empty file, broken quoting): then nothing is imported.
   */
  onlyValid?: boolean;
  /** Called as rows are read; `bytes`, where given, is how much of the file they took. */
  onProgress?: (rows: number, bytes?: number) => void;
  /** Rows per write batch. */
  batchSize?: number;
  /** Completions files of at least this many bytes are read on a worker thread (see `readCompletionBatches`). */
  workerFrom?: number;
}

/** Errors kept in a report; beyond this they are counted, not listed, so a garbage file cannot exhaust memory. */
const MAX_LISTED_ERRORS = 1000;

class RollBack extends Error {}

function errorCollector() {
  const errors: RowError[] = [];
  let count = 0;
  // One bit per row number: which rows have a problem, listed or not (a million rows take 125 kB).
  let bad = new Uint8Array(1024);
  let badRows = 0;
  let fatal = false;
  return {
    errors,
    get count() {
      return count;
    },
    /** Whether a problem stopped the file being read (then even the valid rows are not imported). */
    get fatal() {
      return fatal;
    },
    add({ fatal: stops, ...e }: RowError) {
      count++;
      if (stops) fatal = true;
      if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
      const byte = e.row >>> 3;
      if (byte >= bad.length) {
        const grown = new Uint8Array(Math.max(byte + 1, bad.length * 2));
        grown.set(bad);
        bad = grown;
      }
      const bit = 1 << (e.row & 7);
      if ((bad[byte]! & bit) === 0) {
        bad[byte] = bad[byte]! | bit;
        badRows++;
      }
    },
    /** The report's error fields: the listed errors by row (a row's own keep their order; the sort is stable). */
    report(): Pick<ImportReport, 'errors' | 'problems' | 'badRows'> {
      return { errors: errors.sort((a, b) => a.row - b.row), problems: count, badRows };
    },
  };
}

export interface CompletionsTarget {
  /** Import into this person; a `person` column, if present, must name them. */
  personId?: string;
}

/**
 * Imports completions from CSV. Without a target person the file's `person`
 * column (a person id or email) says whose each row is, and the actor must
 * be allowed to write each of them.
 */
export async function importCompletionsCsv(
  ctx: UseCaseContext,
  actor: Actor,
  input: Readable,
  target: CompletionsTarget,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 5000;
  const errors = errorCollector();
  let rows = 0;
  let imported = 0;
  try {
    await ctx.store.transaction(async (tx) => {
      // Who each key (id or email) names, once per file; a key the actor may not write maps to null.
      const people = new Map<string, ImportTarget | null>();
      const targets = new Map<string, ImportTarget>();
      // The actor's membership of each organisation managing someone in the file.
      const memberships = new Map<string, Promise<Membership | undefined>>();
      // Ids that grow within an import append to the end of the key indexes instead of landing at
      // random pages, which kept large imports several times faster.
      const importId = ctx.newId();
      let sequence = 0;
      let pending: { target: ImportTarget; id: string; tail: string } | undefined;
      // What the person's stored completions and the file's rows without an id hold, by content.
      const contents = new ContentIndex();
      const writer = tx.records.completionWriter();

      // One batch may be in flight while the next is parsed, where the store can overlap writes.
      let inflight: Promise<void> = Promise.resolve();
      const flushWrites = async () => {
        if (writer.pending === 0) return;
        await inflight;
        inflight = writer.flush().then((count) => {
          imported += count;
        });
        inflight.catch(() => undefined); // surfaced by the next await of it
        if (!ctx.store.info.overlapWrites) await inflight;
      };
      // Synchronous: it runs for every row, and resolvePeople has already read every position.
      const emit = (target: ImportTarget, tail: string) => {
        writer.addEncoded(
          `${importId}-${(++sequence).toString(36).padStart(8, '0')}`,
          target.id,
          target.position++,
          tail,
        );
        target.imported++;
      };
      const resolveBatch = async (batch: CompletionBatch) => {
        // The target person, and everyone the rows name (checked against the target, if there is one).
        const named = new Set<string>();
        if (target.personId) named.add(target.personId);
        for (const p of batch.persons) if (p) named.add(p);
        const keys = [...named].filter((k) => !people.has(k));
        if (keys.length > 0) await resolvePeople(tx, actor, keys, people, targets, memberships);
        // Rows naming a completion id are checked against the ids the person's completions have,
        // rows without one by content against their stored completions: each read once per person.
        const unread = new Set<ImportTarget>();
        const unhashed = new Set<ImportTarget>();
        for (let i = 0; i < batch.rows.length; i++) {
          const person = people.get(target.personId ?? batch.persons[i] ?? '');
          if (!person) continue;
          if (batch.ids[i] !== '') {
            if (person.completionIds === undefined) unread.add(person);
          } else if (!person.contentsRead) unhashed.add(person);
        }
        if (unread.size > 0) {
          const stored = await tx.records.completionIdsOf([...unread].map((p) => p.id));
          for (const person of unread) {
            person.completionIds = new Map([...(stored.get(person.id) ?? [])].map((id) => [id, 0]));
          }
        }
        if (unhashed.size > 0) {
          const stored = await tx.records.completionContentOf([...unhashed].map((p) => p.id));
          for (const person of unhashed) {
            for (const content of stored.get(person.id) ?? []) {
              const hash = contentHash(content);
              if (contents.get(person.index, hash) === undefined) contents.add(person.index, hash, 0);
            }
            person.contentsRead = true;
          }
        }
        for (let i = 0; i < batch.rows.length; i++) {
          const row = batch.rows[i]!;
          const named = batch.persons[i]!;
          const key = target.personId ?? named;
          if (target.personId && named && named !== target.personId) {
            if (people.get(named)?.id !== target.personId) {
              errors.add({ row, column: 'person', reason: 'this file is imported for another person' });
              continue;
            }
          }
          if (!key) {
            errors.add({
              row,
              column: 'person',
              reason: 'say whose completion this is (a person id or email)',
            });
            continue;
          }
          const person = people.get(key);
          if (!person) {
            errors.add({ row, column: 'person', reason: `no person you may write to is known as "${key}"` });
            continue;
          }
          // Rows sharing a completion id (one after another) are one completion with several credits.
          const id = batch.ids[i]!;
          const tail = batch.tails[i]!;
          if (pending && id !== '' && pending.target === person && pending.id === id) {
            pending.tail = mergeCompletionTails(pending.tail, tail);
            continue;
          }
          if (id !== '') {
            // Importing a completion again would count its credit twice.
            const known = person.completionIds!;
            const first = known.get(id);
            if (first !== undefined) {
              errors.add({
                row,
                column: 'id',
                reason:
                  first === 0
                    ? `this person already has completion "${id}"; importing it again would count its credit twice`
                    : `completion "${id}" was given at row ${first}; a completion's rows (one per credit) go one after another`,
              });
              continue;
            }
            known.set(id, row);
          } else {
            // The same course, day and credit again, without an id to say it is another completion.
            const hash = batch.hashes[i]!;
            const first = contents.get(person.index, hash);
            if (first !== undefined) {
              errors.add({
                row,
                column: tail.startsWith('\\N\t', tail.indexOf('\t') + 1) ? 'title' : 'activity',
                reason:
                  first === 0
                    ? 'this person already has this completion (the same course, date, hours and credits); importing it again would count its credit twice. If it is another completion, give it an id'
                    : `row ${first} already gives this completion (the same course, date, hours and credits); a second row would count its credit twice. If it is another completion, give it an id`,
              });
              continue;
            }
            contents.add(person.index, hash, row);
          }
          if (pending) emit(pending.target, pending.tail);
          pending = { target: person, id, tail };
        }
        if (writer.pending >= batchSize) await flushWrites();
      };

      const ruleSet = ctx.ruleSet();
      const catalog = {
        credentials: new Set(ruleSet.credentials.keys()),
        offerings: new Set(ruleSet.offerings.keys()),
      };
      for await (const batch of readCompletionBatches(input, {
        ...(options.workerFrom !== undefined ? { workerFrom: options.workerFrom } : {}),
        catalog,
      })) {
        batch.errors.forEach(errors.add);
        rows += batch.read;
        await resolveBatch(batch);
        options.onProgress?.(rows, batch.bytes);
      }
      if (pending) emit(pending.target, pending.tail);
      await flushWrites();
      if (errors.count > 0 && (!options.onlyValid || errors.fatal)) {
        await inflight;
        throw new RollBack();
      }
      // Every count is known once the last row is added: the audit entries are encoded (and queued
      // on the transaction's connection) while the last batch is still being written.
      const at = nowIso(ctx);
      const changed = [...targets.values()].filter((t) => t.imported > 0);
      const audited = tx.audit.append(
        changed.map(({ id, imported: count }) => ({
          at,
          actorKind: actor.kind,
          actorId: actorId(actor),
          action: 'completions.import',
          entity: 'person',
          entityId: id,
          personId: id,
          after: { imported: count },
        })),
      );
      audited.catch(() => undefined); // surfaced below, unless the last write failed first
      await inflight;
      await audited;
      options.onProgress?.(rows);
    });
  } catch (error) {
    if (error instanceof RollBack) return { rows, imported: 0, ...errors.report(), committed: false };
    throw error;
  }
  // Large imports change the tables' shape enough for the planner to need fresh statistics.
  if (imported >= 10_000) await ctx.store.analyze(['completions', 'auditLog']);
  return { rows, imported, ...errors.report(), committed: true };
}

/** A person an import writes to: the next position in their list, and how many it added. */
interface ImportTarget {
  id: string;
  position: number;
  imported: number;
  /**
   * The completion ids this person is known by, read when a row names one: 0 for a completion
   * already stored, else the file row that gave it. Undefined until then.
   */
  completionIds?: Map<string, number>;
  /** This person's number in the import (their key in its ContentIndex). */
  index: number;
  /** Whether the contents of this person's stored completions are in the import's ContentIndex. */
  contentsRead?: boolean;
}

/**
 * Finds the people a file names and keeps those the actor may write (the
 * others map to null). Every key naming one person (id, email) maps to the
 * same target, so positions keep counting up whichever key a row uses.
 */
async function resolvePeople(
  tx: Repositories,
  actor: Actor,
  keys: string[],
  people: Map<string, ImportTarget | null>,
  targets: Map<string, ImportTarget>,
  memberships: Map<string, Promise<Membership | undefined>>,
): Promise<void> {
  // The people were just read in this transaction; the actor's role is looked up once per
  // organisation (a gym's staff share one), not once per person.
  const membershipOf = (organisationId: string, accountId: string) => {
    let found = memberships.get(organisationId);
    if (found === undefined) {
      found = tx.memberships.find(organisationId, accountId);
      memberships.set(organisationId, found);
    }
    return found;
  };
  const found = await tx.people.findWritersByKeys(keys);
  const byKey = new Map<string, PersonWriters[]>();
  const index = (key: string, person: PersonWriters) => {
    const list = byKey.get(key);
    if (list) list.push(person);
    else byKey.set(key, [person]);
  };
  for (const person of found) {
    index(person.id, person);
    if (person.email !== undefined) index(person.email.toLowerCase(), person);
  }
  const chosenFor = new Map<string, PersonWriters | null>();
  for (const key of keys) {
    const matches = byKey.get(key) ?? byKey.get(key.toLowerCase()) ?? [];
    let chosen: PersonWriters | null = null;
    for (const person of matches) {
      if (await mayWritePerson(actor, person, membershipOf)) {
        // An email shared by several people the actor may write is ambiguous.
        chosen = chosen === null ? person : null;
        if (chosen === null) break;
      }
    }
    chosenFor.set(key, chosen);
  }
  const fresh = [...new Set([...chosenFor.values()].flatMap((p) => (p && !targets.has(p.id) ? [p.id] : [])))];
  const next = await tx.records.nextCompletionPositions(fresh);
  for (const id of fresh) {
    const target: ImportTarget = { id, index: targets.size, position: next.get(id) ?? 0, imported: 0 };
    // Someone without stored completions has no ids or contents to read.
    if (!next.has(id)) {
      target.completionIds = new Map();
      target.contentsRead = true;
    }
    targets.set(id, target);
  }
  for (const [key, chosen] of chosenFor) people.set(key, chosen ? targets.get(chosen.id)! : null);
}

/** Roster rows per batch: people and entries are looked up and written a batch at a time. */
const ROSTER_BATCH = 2000;

/**
 * Imports an organisation's staff roster: each email becomes (or matches) a person the
 * organisation manages. Rows are taken in batches, each with one lookup of the people it names
 * and bulk writes, so a certifying body's membership of a million imports in minutes, not hours.
 */
export async function importRosterCsv(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  input: Readable,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const errors = errorCollector();
  let rows = 0;
  let imported = 0;
  try {
    await ctx.store.transaction(async (tx) => {
      await requireOrganisationRole(tx, actor, organisationId, EDITORS);
      const seen = new Map<string, number>();
      let batch: RosterRow[] = [];
      const at = nowIso(ctx);
      const writeBatch = async () => {
        if (batch.length === 0) return;
        const found = await tx.people.findManagedByEmails(
          organisationId,
          batch.map((r) => r.email),
        );
        // An email several managed people share names the first of them (by id), as before.
        const byEmail = new Map<string, Person>();
        for (const person of found) {
          const email = person.email!.toLowerCase();
          if (!byEmail.has(email)) byEmail.set(email, person);
        }
        const created: Person[] = [];
        const renamed: { id: string; name: string }[] = [];
        const entries: RosterEntry[] = [];
        for (const row of batch) {
          let person = byEmail.get(row.email);
          if (!person) {
            person = {
              id: ctx.newId(),
              managedBy: organisationId,
              email: row.email,
              ...(row.name ? { name: row.name } : {}),
              createdAt: at,
            };
            created.push(person);
          } else if (row.name && row.name !== person.name) {
            renamed.push({ id: person.id, name: row.name });
          }
          entries.push({
            organisationId,
            personId: person.id,
            ...(row.externalRef ? { externalRef: row.externalRef } : {}),
            createdAt: at,
          });
        }
        await tx.people.insertMany(created);
        await tx.people.renameMany(renamed);
        await tx.roster.upsertMany(entries);
        imported += batch.length;
        batch = [];
      };
      for await (const csvRow of readCsv(input, ROSTER_SPEC, errors.add)) {
        rows++;
        const parsed = rosterFromCsv(csvRow);
        if (Array.isArray(parsed)) {
          parsed.forEach(errors.add);
          continue;
        }
        const first = seen.get(parsed.email);
        if (first !== undefined) {
          errors.add({ row: parsed.row, column: 'email', reason: `the same email is on row ${first}` });
          continue;
        }
        seen.set(parsed.email, parsed.row);
        batch.push(parsed);
        if (batch.length >= ROSTER_BATCH) {
          await writeBatch();
          options.onProgress?.(rows);
        }
      }
      await writeBatch();
      options.onProgress?.(rows);
      if (errors.count > 0 && (!options.onlyValid || errors.fatal)) throw new RollBack();
      await recordChange(ctx, tx, actor, {
        action: 'roster.import',
        entity: 'organisation',
        entityId: organisationId,
        organisationId,
        after: { rows, imported },
      });
    });
  } catch (error) {
    if (error instanceof RollBack) return { rows, imported: 0, ...errors.report(), committed: false };
    throw error;
  }
  return { rows, imported, ...errors.report(), committed: true };
}

async function writeCsv(
  output: Writable,
  header: readonly string[],
  rows: AsyncIterable<string[][]>,
): Promise<number> {
  const stringifier = stringify();
  const done = new Promise<void>((resolve, reject) => {
    stringifier.on('error', reject);
    output.on('error', reject);
    stringifier.pipe(output, { end: false });
    stringifier.on('end', resolve);
  });
  const write = async (row: string[]) => {
    if (!stringifier.write(row)) await new Promise((resolve) => stringifier.once('drain', resolve));
  };
  await write([...header]);
  let count = 0;
  for await (const chunk of rows) {
    for (const row of chunk) {
      // Exports are opened in spreadsheets: no cell may run as a formula (csv.ts `spreadsheetSafe`;
      // the import takes the guard off again, so a completions export re-imports as it was).
      await write(row.map(spreadsheetSafe));
      count++;
    }
  }
  stringifier.end();
  await done;
  return count;
}

export type CompletionsScope = { personId: string } | { organisationId: string } | { everyone: true };

/**
 * Writes completions as CSV: one person's (records consent), an
 * organisation's roster (the people whose records it may see), or everyone's
 * (the operator). Returns the number of data rows.
 */
export async function exportCompletionsCsv(
  ctx: UseCaseContext,
  actor: Actor,
  scope: CompletionsScope,
  output: Writable,
  /** Told after each batch of people: how many are written, of how many. */
  onProgress?: (people: number, total: number) => void,
): Promise<number> {
  let personIds: AsyncIterable<string[]>;
  let total = 1;
  if ('personId' in scope) {
    await requirePersonRead(ctx.store, actor, scope.personId, 'records');
    personIds = (async function* () {
      yield [scope.personId];
    })();
  } else if ('organisationId' in scope) {
    await requireOrganisationRole(ctx.store, actor, scope.organisationId, [
      'owner',
      'admin',
      'member',
      'viewer',
    ]);
    const visible: string[] = [];
    const accessOf = await personAccessOf(ctx.store, actor);
    for (const entry of await ctx.store.roster.list(scope.organisationId)) {
      const access = accessOf(entry.person);
      if (access === 'owner' || access === 'managed' || access === 'records') visible.push(entry.personId);
    }
    total = visible.length;
    personIds = (async function* () {
      for (let i = 0; i < visible.length; i += 1000) yield visible.slice(i, i + 1000);
    })();
  } else {
    if (actor.kind !== 'system') throw AppError.forbidden('only the operator exports everyone');
    const store = ctx.store;
    total = await store.people.count();
    personIds = (async function* () {
      let after = '';
      for (;;) {
        const ids = await store.people.idsAfter(after, 1000);
        if (ids.length === 0) return;
        yield ids;
        after = ids.at(-1)!;
      }
    })();
  }
  const store = ctx.store;
  let done = 0;
  const rows = (async function* () {
    for await (const ids of personIds) {
      const records = await store.records.load(ids);
      for (const [personId, r] of records) {
        yield r.completions.flatMap((c) => completionToCsvRows(personId, c.completion, c.id));
      }
      done += ids.length;
      onProgress?.(done, total);
    }
  })();
  return writeCsv(output, COMPLETION_COLUMNS, rows);
}

export const ROSTER_EXPORT_COLUMNS = [
  'person_id',
  'name',
  'email',
  'external_ref',
  'access',
  'credential',
  'status',
  'as_of',
  'cycle_end',
  'required',
  'counted',
  'missing',
] as const;

/**
 * Writes an organisation's roster, one row per line of the dashboard (`rosterView`): each visible
 * holding's status on a date (default today), and one row for a person with none, whose status says
 * why ("not-shared", "no-status"). The dashboard's filters and sort apply; by default every line, by
 * deadline.
 */
export async function exportRosterCsv(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  output: Writable,
  query: RosterQuery = {},
): Promise<number> {
  const lines = await rosterLinesMatching(ctx, actor, organisationId, query);
  const units = (m: number | undefined) => (m === undefined ? '' : formatUnits(m));
  const rows = (async function* () {
    for (let i = 0; i < lines.length; i += 1000) {
      yield lines.slice(i, i + 1000).map((l) => {
        const h = l.holding;
        return [
          l.personId,
          l.name ?? '',
          l.email ?? '',
          l.externalRef ?? '',
          l.access ?? 'none',
          h?.credential ?? '',
          l.status,
          h ? h.asOf : '',
          h?.cycleEnd ?? '',
          units(h?.requiredMilli),
          units(h?.countedMilli),
          units(h?.missingMilli),
        ];
      });
    }
  })();
  return writeCsv(output, ROSTER_EXPORT_COLUMNS, rows);
}
