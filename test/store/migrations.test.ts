/**
 * Migrations that move data. 0004 moves credits from their own table into the completion's row: a
 * database made before it keeps every credit, in order, with its category, topic and petition
 * state. 0005 re-keys status summaries by person and holding and keeps every one; 0006 stores
 * credits as written (json) and keeps every list; 0008 moves renewals into their holding's row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/store/migrations.ts';

function statements(file: string): string[] {
  return readFileSync(join(MIGRATIONS_FOLDER, file), 'utf8')
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function apply(db: PGlite, file: string): Promise<void> {
  for (const statement of statements(file)) await db.exec(statement);
}

/** The migration files, in the order they run. */
const FILES = readdirSync(MIGRATIONS_FOLDER)
  .filter((f) => f.endsWith('.sql'))
  .sort();

/** A fresh embedded database with every migration before `file` applied, for `fn`; closed after. */
async function before(file: string, fn: (db: PGlite) => Promise<void>): Promise<void> {
  const at = FILES.indexOf(file);
  if (at < 0) throw new Error(`no migration ${file}`);
  const db = await PGlite.create();
  try {
    for (const earlier of FILES.slice(0, at)) await apply(db, earlier);
    await fn(db);
  } finally {
    await db.close();
  }
}

describe('migration 0004 (credits inside completions)', () => {
  it('carries every credit over, in order, and drops the old table', async () => {
    await before('0004_completions_inline_credits.sql', async (db) => {
      await db.exec(`
          insert into people (id, created_at) values ('p1', now());
          insert into completions (id, person_id, position, completed, source)
            values ('c1', 'p1', 0, '2025-03-01', 'self-reported'),
                   ('c2', 'p1', 1, '2025-04-01', 'imported');
          insert into completion_credits (completion_id, position, credential, units_milli, category, topic, status)
            values ('c1', 1, 'acsm.ep', 500, 'ceu', null, 'pending'),
                   ('c1', 0, 'nasm.cpt', 1900, null, 'nutrition', 'approved');
        `);
      await apply(db, '0004_completions_inline_credits.sql');
      const { rows } = await db.query<{ id: string; credits: unknown }>(
        'select id, credits from completions order by id',
      );
      expect(rows).toEqual([
        {
          id: 'c1',
          credits: [
            { credential: 'nasm.cpt', units: 1900, topic: 'nutrition', status: 'approved' },
            { credential: 'acsm.ep', units: 500, category: 'ceu', status: 'pending' },
          ],
        },
        { id: 'c2', credits: [] },
      ]);
      const { rows: left } = await db.query<{ present: boolean }>(
        `select to_regclass('completion_credits') is not null as present`,
      );
      expect(left[0]?.present).toBe(false);
      // A completion can now name a person without the foreign key, but credits must be an array.
      await expect(
        db.exec(
          `insert into completions (id, person_id, position, completed, source, credits) values ('c3', 'p1', 2, '2025-05-01', 'imported', '{}')`,
        ),
      ).rejects.toThrow(/completions_credits_array/);
    });
  });
});

describe('migration 0005 (one key for status summaries)', () => {
  it('keeps every summary and keys them by person and holding', async () => {
    await before('0005_holding_statuses_one_key.sql', async (db) => {
      await db.exec(`
          insert into people (id, created_at) values ('p1', now()), ('p2', now());
          insert into holdings (id, person_id, position, credential, earned)
            values ('h1', 'p1', 0, 'nasm.cpt', '2024-01-01'), ('h2', 'p2', 0, 'ace.cpt', '2023-05-05');
          insert into holding_statuses (holding_id, person_id, credential, as_of, status, required_milli)
            values ('h1', 'p1', 'nasm.cpt', '2026-01-01', 'current', 2000),
                   ('h2', 'p2', 'ace.cpt', '2026-01-01', 'lapsed', null);
        `);
      await apply(db, '0005_holding_statuses_one_key.sql');
      const { rows } = await db.query(
        'select holding_id, person_id, status, required_milli from holding_statuses order by holding_id',
      );
      expect(rows).toEqual([
        { holding_id: 'h1', person_id: 'p1', status: 'current', required_milli: 2000 },
        { holding_id: 'h2', person_id: 'p2', status: 'lapsed', required_milli: null },
      ]);
      const { rows: key } = await db.query<{ def: string }>(
        `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'holding_statuses_pkey'`,
      );
      expect(key).toEqual([{ def: 'PRIMARY KEY (person_id, holding_id)' }]);
      await expect(
        db.exec(
          `insert into holding_statuses (holding_id, person_id, credential, as_of, status) values ('h1', 'p1', 'nasm.cpt', '2026-02-01', 'current')`,
        ),
      ).rejects.toThrow(/holding_statuses_pkey/);
    });
  });
});

describe('migration 0006 (credits stored as written)', () => {
  it('keeps every credit list and still refuses one that is not an array', async () => {
    await before('0006_completions_credits_json.sql', async (db) => {
      const credits = [
        { credential: 'nasm.cpt', units: 1900, topic: 'nutrition', status: 'approved' },
        { credential: 'acsm.ep', units: 500, category: 'ceu', status: 'pending' },
      ];
      await db.query(
        `insert into completions (id, person_id, position, completed, source, credits)
             values ('c1', 'p1', 0, '2025-03-01', 'imported', $1), ('c2', 'p1', 1, '2025-04-01', 'imported', '[]')`,
        [JSON.stringify(credits)],
      );
      await apply(db, '0006_completions_credits_json.sql');
      const { rows } = await db.query<{ id: string; credits: unknown; type: string }>(
        `select id, credits, pg_typeof(credits)::text as type from completions order by id`,
      );
      expect(rows).toEqual([
        { id: 'c1', credits, type: 'json' },
        { id: 'c2', credits: [], type: 'json' },
      ]);
      await expect(
        db.exec(
          `insert into completions (id, person_id, position, completed, source, credits) values ('c3', 'p1', 2, '2025-05-01', 'imported', '{}')`,
        ),
      ).rejects.toThrow(/completions_credits_array/);
    });
  });
});

describe('migration 0008 (renewals inside holdings)', () => {
  it('carries every renewal over, in order and in the document’s form, and drops the old table', async () => {
    await before('0008_holdings_inline_renewals.sql', async (db) => {
      await db.exec(`
          insert into people (id, created_at) values ('p1', now());
          insert into holdings (id, person_id, position, credential, earned)
            values ('h1', 'p1', 0, 'nasm.cpt', '2020-01-01'), ('h2', 'p1', 1, 'ace.cpt', '2021-06-01');
          insert into holding_renewals (holding_id, position, date, kind)
            values ('h1', 2, '2024-01-05', 'reinstatement'),
                   ('h1', 0, '2022-01-03', null),
                   ('h1', 1, '2023-01-04', 'renewal');
        `);
      await apply(db, '0008_holdings_inline_renewals.sql');
      const { rows } = await db.query<{ id: string; renewals: unknown }>(
        'select id, renewals from holdings order by id',
      );
      expect(rows).toEqual([
        {
          id: 'h1',
          renewals: [
            '2022-01-03',
            { date: '2023-01-04', kind: 'renewal' },
            { date: '2024-01-05', kind: 'reinstatement' },
          ],
        },
        { id: 'h2', renewals: [] },
      ]);
      const { rows: left } = await db.query<{ present: boolean }>(
        `select to_regclass('holding_renewals') is not null as present`,
      );
      expect(left[0]?.present).toBe(false);
      await expect(
        db.exec(
          `insert into holdings (id, person_id, position, credential, earned, renewals) values ('h3', 'p1', 2, 'nasm.cpt', '2025-01-01', '"2025-02-02"')`,
        ),
      ).rejects.toThrow(/holdings_renewals_array/);
    });
  });
});
