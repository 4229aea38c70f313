/**
 * Backup and restore: one JSON-lines file (gzip'd when asked) holding every
 * table in dependency order. The first line describes the file; each other
 * line is one row: {"table": name, "row": {...}}. Restore goes into an empty
 * store, in one transaction, so a failed restore leaves the store empty.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { isIsoDate } from '../core/dates.ts';
import { AppError } from '../core/errors.ts';
import type { Completion, Holding } from '../core/profile/schema.ts';
import type { Repositories } from '../store/port.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';

export const BACKUP_FORMAT = 'recert-backup';
/**
 * 3: holdings carry their renewals (migration 0008); 2: completions carry their credits (migration
 * 0004). Older files listed them in tables of their own; restore still reads them.
 */
export const BACKUP_VERSION = 3;

interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  migrations: string[];
  tables: Record<string, number>;
}

function requireSystem(actor: Actor): void {
  if (actor.kind !== 'system') throw AppError.forbidden('backup and restore are for the operator');
}

export interface BackupResult {
  tables: Record<string, number>;
}

async function writeLine(output: Writable, line: string): Promise<void> {
  if (!output.write(`${line}\n`)) await new Promise((resolve) => output.once('drain', resolve));
}

/** Told as rows are written or read: rows so far, and the file's rows in all (its header's counts). */
export type BackupProgress = (rows: number, total: number) => void;

/** Writes every table to `output`. The caller ends (and, for gzip, wraps) the stream. */
export async function backup(
  ctx: UseCaseContext,
  actor: Actor,
  output: Writable,
  onProgress?: BackupProgress,
): Promise<BackupResult> {
  requireSystem(actor);
  const store = ctx.store;
  const state = await store.migrationState();
  const tables: Record<string, number> = {};
  for (const name of store.tables.names) tables[name] = await store.tables.count(name);
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: nowIso(ctx),
    migrations: state.migrations.filter((m) => m.applied).map((m) => m.tag),
    tables,
  };
  await writeLine(output, JSON.stringify(header));
  const total = Object.values(tables).reduce((a, b) => a + b, 0);
  let written = 0;
  for (const name of store.tables.names) {
    for await (const page of store.tables.read(name, 5000)) {
      for (const row of page) await writeLine(output, JSON.stringify({ table: name, row }));
      written += page.length;
      onProgress?.(written, total);
    }
  }
  return { tables };
}

/** Restores a backup into an empty store; every table's row count is checked against the header. */
export async function restore(
  ctx: UseCaseContext,
  actor: Actor,
  input: Readable,
  onProgress?: BackupProgress,
): Promise<BackupResult> {
  requireSystem(actor);
  const store = ctx.store;
  for (const name of store.tables.names) {
    if ((await store.tables.count(name)) > 0) {
      throw new AppError(
        'conflict',
        `restore needs an empty store, but ${name} has rows; use a new --data folder or database`,
      );
    }
  }
  let header: BackupHeader | undefined;
  let lineNo = 0;
  const counts: Record<string, number> = {};
  const bad = (message: string) =>
    AppError.invalid('the backup file is not valid', [{ field: '', line: lineNo, message }]);
  await store.transaction(async (tx) => {
    let table: string | undefined;
    let buffer: Record<string, unknown>[] = [];
    let order: readonly string[] = tx.tables.names;
    const v1Credits = v1CreditCollector();
    const v2Renewals = v2RenewalCollector();
    // Created just before reading: readline drops lines emitted before its iterator starts.
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let restored = 0;
    const flush = async () => {
      if (table && buffer.length > 0) await tx.tables.write(table, buffer);
      restored += buffer.length;
      buffer = [];
      await v1Credits.write(tx);
      await v2Renewals.write(tx);
      if (header)
        onProgress?.(
          restored,
          Object.values(header.tables).reduce((a, b) => a + b, 0),
        );
    };
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // Most often the last line of a file cut off part way (a copy or a backup that stopped).
        throw bad('not a JSON line (a backup cut off part way ends like this)');
      }
      if (!header) {
        const h = value as Partial<BackupHeader>;
        if (h.format !== BACKUP_FORMAT) throw bad(`not a ${BACKUP_FORMAT} file`);
        if (h.version !== BACKUP_VERSION && h.version !== 1 && h.version !== 2) {
          throw bad(
            `a ${BACKUP_FORMAT} v${String(h.version)} file; this version of Recert restores v1, v2 and v3 files`,
          );
        }
        header = h as BackupHeader;
        if (h.version === 1) {
          // Version 1 listed credits in a table of their own, right after completions.
          const at = order.indexOf('completions') + 1;
          order = [...order.slice(0, at), V1_CREDITS, ...order.slice(at)];
        }
        if (h.version === 1 || h.version === 2) {
          // Versions 1 and 2 listed renewals in a table of their own, right after holdings.
          const at = order.indexOf('holdings') + 1;
          order = [...order.slice(0, at), V2_RENEWALS, ...order.slice(at)];
        }
        continue;
      }
      const { table: name, row } = value as { table?: string; row?: Record<string, unknown> };
      if (typeof name !== 'string' || !order.includes(name) || typeof row !== 'object' || row === null) {
        throw bad('expected {"table": <a known table>, "row": {...}}');
      }
      if (name !== table) {
        await flush();
        if (table && order.indexOf(name) < order.indexOf(table))
          throw bad(`table ${name} comes after ${table}`);
        table = name;
      }
      if (header.version === 1 || header.version === 2) {
        if (name === 'holdings') row.renewals ??= [];
        if (name === V2_RENEWALS) {
          v2Renewals.add(row, bad);
          counts[name] = (counts[name] ?? 0) + 1;
          if (v2Renewals.size >= 5000) await v2Renewals.write(tx);
          continue;
        }
      }
      if (header.version === 1) {
        if (name === 'completions') row.credits ??= [];
        if (name === V1_CREDITS) {
          v1Credits.add(row, bad);
          counts[name] = (counts[name] ?? 0) + 1;
          if (v1Credits.size >= 5000) await v1Credits.write(tx);
          continue;
        }
      }
      buffer.push(row);
      counts[name] = (counts[name] ?? 0) + 1;
      if (buffer.length >= 5000) await flush();
    }
    await flush();
    if (!header) throw bad('the file is empty');
    for (const [name, expected] of Object.entries(header.tables)) {
      if ((counts[name] ?? 0) !== expected) {
        throw bad(
          `table ${name} should have ${expected} rows but the file has ${counts[name] ?? 0}; it may be truncated`,
        );
      }
    }
    await tx.tables.resetSequences();
  });
  return { tables: counts };
}

/** The table version 1 backups kept credits in (migration 0004 moved them into completions). */
const V1_CREDITS = 'completionCredits';
/** The table version 1 and 2 backups kept renewals in (migration 0008 moved them into holdings). */
const V2_RENEWALS = 'holdingRenewals';

/**
 * Gathers the rows of a table that a migration folded into its parent's row (older backups list
 * them on their own), by parent, and writes each parent's list in position order. `read` checks a
 * row and gives its parent, position and item, or says what is wrong.
 */
function childRowCollector<T>(
  read: (row: Record<string, unknown>) => { parentId: string; position: number; item: T } | string,
  write: (tx: Repositories, lists: Map<string, T[]>) => Promise<void>,
) {
  let pending = new Map<string, { position: number; item: T }[]>();
  return {
    get size() {
      return pending.size;
    },
    add(row: Record<string, unknown>, bad: (message: string) => Error) {
      const child = read(row);
      if (typeof child === 'string') throw bad(child);
      const list = pending.get(child.parentId) ?? [];
      list.push(child);
      pending.set(child.parentId, list);
    },
    async write(tx: Repositories) {
      if (pending.size === 0) return;
      const lists = new Map(
        [...pending].map(([id, list]) => [
          id,
          list.sort((a, b) => a.position - b.position).map((c) => c.item),
        ]),
      );
      pending = new Map();
      await write(tx, lists);
    },
  };
}

const STATUSES = ['approved', 'pending', 'denied'];

/** Version 1 credit rows, written into their completions. */
const v1CreditCollector = () =>
  childRowCollector<Completion['credits'][number]>(
    (row) => {
      const { completionId, position, credential, unitsMilli, category, topic, status } = row;
      if (
        typeof completionId !== 'string' ||
        typeof position !== 'number' ||
        typeof credential !== 'string' ||
        typeof unitsMilli !== 'number' ||
        typeof status !== 'string' ||
        !STATUSES.includes(status)
      ) {
        return 'a completionCredits row needs completionId, position, credential, unitsMilli and status';
      }
      const credit = { credential, units: unitsMilli } as Completion['credits'][number];
      if (typeof category === 'string') credit.category = category;
      if (typeof topic === 'string') credit.topic = topic;
      credit.status = status as Completion['credits'][number]['status'];
      return { parentId: completionId, position, item: credit };
    },
    (tx, credits) => tx.records.setCredits(credits),
  );

/** Version 1 and 2 renewal rows, written into their holdings. */
const v2RenewalCollector = () =>
  childRowCollector<Holding['renewals'][number]>(
    (row) => {
      const { holdingId, position, date, kind } = row;
      if (
        typeof holdingId !== 'string' ||
        typeof position !== 'number' ||
        typeof date !== 'string' ||
        !isIsoDate(date) ||
        (kind !== null && kind !== undefined && kind !== 'renewal' && kind !== 'reinstatement')
      ) {
        return 'a holdingRenewals row needs holdingId, position, a date (YYYY-MM-DD) and a kind (or null)';
      }
      return { parentId: holdingId, position, item: kind ? { date, kind } : date };
    },
    (tx, renewals) => tx.records.setRenewals(renewals),
  );
