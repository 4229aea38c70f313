/**
 * Bulk writes of 200+ rows and population reads go through COPY on every
 * backend: text with COPY's special characters (tab, newline, CR, backslash),
 * quotes, non-ASCII and absent values must come back exactly as written.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCompletion, StoredHolding } from '../../src/store/model.ts';
import { completionFacts } from '../../src/store/model.ts';
import { pgliteCopy } from '../../src/store/pglite.ts';
import type { Store } from '../../src/store/port.ts';
import { postgresCopy } from '../../src/store/postgres.ts';
import { queryRows, repositories } from '../../src/store/repositories.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';

reportSkippedBackends();

const AWKWARD = [
  'tab\there',
  'line\nbreak',
  'cr\rhere',
  'back\\slash \\N',
  `quote's "double"`,
  'Zoë — ✓',
  '\\',
];

describe.each(BACKENDS)('COPY round trip on $name', (backend) => {
  let store: Store;
  const people = ['p"1', "p'2", 'p\\3', 'p 4'];
  const absent = Array.from({ length: 40 }, (_, i) => `nobody-${i}`);

  beforeAll(async () => {
    store = await backend.open();
    await store.people.insertMany(people.map((id) => ({ id, createdAt: '2026-01-01T00:00:00.000Z' })));
  });
  afterAll(async () => {
    await store?.close();
  });

  it('stores and loads awkward text, nulls and booleans exactly (in and out of a transaction)', async () => {
    const holdings: StoredHolding[] = people.map((personId, i) => ({
      id: `h-${i}`,
      personId,
      position: 0,
      holding: {
        credential: 'nasm.cpt',
        earned: '2024-02-29',
        ...(i % 2 === 0 ? { expires: '2026-02-28', number: AWKWARD[i]! } : {}),
        renewals: i === 0 ? ['2025-01-01', { date: '2025-06-01', kind: 'reinstatement' }] : [],
        ...(i === 1 ? { handsOn: false, member: true } : {}),
      },
    }));
    const completions: StoredCompletion[] = [];
    for (let i = 0; i < 400; i++) {
      completions.push({
        id: `c-${String(i).padStart(4, '0')}`,
        personId: people[i % people.length]!,
        position: Math.floor(i / people.length),
        completion: {
          ...(i % 3 === 0 ? { id: AWKWARD[i % AWKWARD.length]! } : {}),
          title: AWKWARD[i % AWKWARD.length]!,
          ...(i % 5 === 0 ? { provider: AWKWARD[(i + 1) % AWKWARD.length]! } : {}),
          completed: '2025-03-01',
          ...(i % 4 === 0 ? { hours: 1.25 } : {}),
          ...(i % 6 === 0 ? { college: { semesterHours: 3, grade: AWKWARD[i % AWKWARD.length]! } } : {}),
          credits: [
            { credential: 'nasm.cpt', units: 100 + i, status: 'approved' },
            ...(i % 2 === 0
              ? [
                  {
                    credential: 'ace.cpt',
                    units: 5,
                    category: AWKWARD[i % AWKWARD.length]!,
                    ...(i % 3 === 0 ? { topic: AWKWARD[(i + 2) % AWKWARD.length]! } : {}),
                    status: 'pending' as const,
                  },
                ]
              : []),
          ],
          source: 'imported',
          evidence: i % 7 === 0 ? [{ file: AWKWARD[i % AWKWARD.length]! }, { sha256: 'ab' }] : [],
        },
      });
    }
    await store.transaction(async (tx) => {
      await tx.records.insertHoldings(holdings);
      await tx.records.insertCompletions(completions);
      // 32+ people are read through COPY; fewer through plain statements.
      const inside = await tx.records.load([...people, ...absent]);
      expect(inside.get(people[0]!)?.completions.length).toBe(100);
    });
    expect(await store.records.countCompletions()).toBe(400);
    const loaded = await store.records.load([...people, ...absent]);
    expect(loaded.get('nobody-0')).toEqual({ holdings: [], completions: [] });
    expect(await store.records.load(people)).toEqual(new Map([...loaded].slice(0, people.length)));
    for (const personId of people) {
      expect(loaded.get(personId)?.holdings).toEqual(holdings.filter((h) => h.personId === personId));
      expect(loaded.get(personId)?.completions).toEqual(completions.filter((c) => c.personId === personId));
      // Field order too: an exported document reads like the imported one.
      expect(JSON.stringify(loaded.get(personId)?.completions)).toBe(
        JSON.stringify(completions.filter((c) => c.personId === personId)),
      );
    }
    for (const c of completions.slice(0, 20)) expect(await store.records.findCompletion(c.id)).toEqual(c);
  });

  it('reads awkward ids as a contiguous range as it reads them one by one', async () => {
    // Sorted as the database sorts these ASCII ids (COLLATE "C"): a page of people.idsAfter.
    const page = [...people, ...absent].sort();
    const byRange = await store.records.loadFacts(page, { contiguous: true });
    expect(byRange).toEqual(await store.records.loadFacts(page));
    expect(byRange.get(people[0]!)?.holdings[0]?.holding.renewals).toHaveLength(2);
  });

  it('reads a large COPY whole, and an error in the middle of one leaves the connection usable', async () => {
    const copy = backend.name === 'postgres' ? postgresCopy : pgliteCopy;
    const read = (query: string) => store.repositoriesFor((db) => copy.copyOut(db, query));
    // Many socket reads' worth of rows, with multi-byte characters split wherever they fall.
    const text = await read(
      `select x, repeat('Zoë ✓ 𝄞 ', x % 7), 'tab' || chr(9) || 'end' from generate_series(1, 60000) as x`,
    );
    const rows = text.split('\n');
    expect(rows).toHaveLength(60001);
    expect(rows[59999]).toBe(`60000\t${'Zoë ✓ 𝄞 '.repeat(60000 % 7)}\ttab\\tend`);
    expect(rows.at(-1)).toBe('');
    // The server fails after sending thousands of rows: the read rejects with its error …
    await expect(read('select 1 / (x - 5000) from generate_series(1, 10000) as x')).rejects.toThrow(
      /division by zero/,
    );
    // … and every connection still answers, with its own rows only.
    for (let i = 0; i < 6; i++) expect(await read('select 42')).toBe('42\n');
  });

  it('reads a roster by COPY as the driver reads it: awkward names, absent fields, fractions of seconds', async () => {
    const organisationId = 'org\t"1"';
    await store.organisations.insert({
      id: organisationId,
      name: 'Body',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const members = AWKWARD.map((text, i) => ({
      id: `member-${i}`,
      ...(i % 3 === 0 ? {} : { name: text }),
      ...(i % 2 === 0 ? { email: `m${i}@example.test` } : {}),
      ...(i % 4 === 1 ? { managedBy: organisationId } : {}),
      createdAt: `2026-01-0${1 + i}T10:20:30.${String(i * 111).padStart(3, '0')}Z`,
    }));
    await store.people.insertMany(members);
    await store.roster.addMany(
      members.map((p, i) => ({
        organisationId,
        personId: p.id,
        ...(i % 2 === 1 ? { externalRef: AWKWARD[(i + 1) % AWKWARD.length]! } : {}),
        createdAt: `2026-02-0${1 + i}T00:00:00.${String(i).padStart(3, '0')}Z`,
      })),
    );
    const byCopy = await store.roster.list(organisationId);
    const byDriver = await store.repositoriesFor((db) => repositories(db).roster.list(organisationId));
    expect(byCopy).toHaveLength(AWKWARD.length);
    expect(byCopy).toEqual(byDriver);
    expect(byCopy.find((e) => e.personId === 'member-1')).toEqual({
      organisationId,
      personId: 'member-1',
      externalRef: AWKWARD[2],
      createdAt: '2026-02-02T00:00:00.001Z',
      person: {
        id: 'member-1',
        managedBy: organisationId,
        name: AWKWARD[1],
        createdAt: '2026-01-02T10:20:30.111Z',
      },
    });
  });

  it('refreshes statistics of the tables named, and refuses a name it does not know', async () => {
    const tuples = () =>
      store.repositoriesFor((db) =>
        queryRows<{ n: number }>(
          db,
          sql`select reltuples::int as n from pg_class where relname = 'completions'`,
        ),
      );
    await store.analyze(['completions', 'auditLog']);
    expect(await tuples()).toEqual([{ n: 400 }]);
    await expect(store.analyze(['completions', 'no_such_table'])).rejects.toThrow(
      /no table named no_such_table/,
    );
  });
});

describe.each(BACKENDS)('reading completions from a date on $name', (backend) => {
  let store: Store;
  const people = Array.from({ length: 40 }, (_, i) => `from-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    store = await backend.open();
    await store.people.insertMany(people.map((id) => ({ id, createdAt: '2026-01-01T00:00:00.000Z' })));
    const holdings: StoredHolding[] = people.map((personId, i) => ({
      id: `fh-${i}`,
      personId,
      position: 0,
      holding: {
        credential: i % 2 === 0 ? 'nasm.cpt' : 'ace.cpt',
        earned: `20${10 + (i % 10)}-01-15`,
        renewals: [],
      },
    }));
    const completions: StoredCompletion[] = [];
    people.forEach((personId, i) => {
      for (let k = 0; k < 12; k++) {
        completions.push({
          id: `fc-${i}-${k}`,
          personId,
          position: k,
          completion: {
            title: `Course ${k}`,
            ...(k % 3 === 0 ? { activity: 'nasm.ces-course' } : { provider: 'Coach Summit', hours: 1.5 + k }),
            ...(k % 4 === 1 ? { type: 'conference' as const, event: `event-${i}` } : {}),
            ...(k === 5 ? { college: { semesterHours: 3 } } : {}),
            completed: `20${14 + (k % 12)}-0${1 + (k % 9)}-1${k % 10}`,
            credits: [{ credential: 'nasm.cpt', units: 100, status: 'approved' }],
            source: 'imported',
            evidence: k === 11 ? [{ file: `proof-${i}.pdf` }] : [],
          },
        });
      }
    });
    await store.transaction(async (tx) => {
      await tx.records.insertHoldings(holdings);
      await tx.records.insertCompletions(completions);
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  // Batches large enough for COPY, and small ones read on plain statements.
  const READS = [
    ['by COPY', 40],
    ['on plain statements', 5],
  ] as const;

  // Each person's date comes from their holdings, as re-evaluation derives it: none, all, or from a day.
  const from = (held: readonly StoredHolding[]) => {
    const earned = held[0]!.holding.earned;
    const year = Number(earned.slice(0, 4));
    if (year % 3 === 0) return null;
    if (year % 3 === 1) return undefined;
    return `${year + 8}-06-01`;
  };

  it.each(READS)('keeps exactly the completions on or after each person’s date (%s)', async (_, n) => {
    const ids = people.slice(0, n);
    const all = await store.records.load(ids);
    const some = await store.records.load(ids, { completionsFrom: from });
    let kept = 0;
    for (const id of ids) {
      const records = all.get(id)!;
      const day = from(records.holdings);
      const expected =
        day === null
          ? []
          : day === undefined
            ? records.completions
            : records.completions.filter((c) => c.completion.completed >= day);
      expect(some.get(id)).toEqual({ holdings: records.holdings, completions: expected });
      kept += expected.length;
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(ids.length * 12);
  });

  it.each(READS)('reads the facts evaluation needs, as the full read has them (%s)', async (_, n) => {
    const ids = people.slice(0, n);
    const full = await store.records.load(ids, { completionsFrom: from });
    const facts = await store.records.loadFacts(ids, { completionsFrom: from });
    expect([...facts.keys()]).toEqual(ids);
    let read = 0;
    for (const id of ids) {
      const records = full.get(id)!;
      expect(facts.get(id)).toEqual({
        holdings: records.holdings,
        completions: records.completions.map(completionFacts),
      });
      read += records.completions.length;
    }
    expect(read).toBeGreaterThan(0);
  });

  it.each(READS)('leaves evidence unread when asked, and nothing else (%s)', async (_, n) => {
    const ids = people.slice(0, n);
    const all = await store.records.load(ids);
    const bare = await store.records.load(ids, { evidence: false });
    let files = 0;
    for (const id of ids) {
      const records = all.get(id)!;
      files += records.completions.reduce((sum, c) => sum + c.completion.evidence.length, 0);
      expect(bare.get(id)).toEqual({
        holdings: records.holdings,
        completions: records.completions.map((c) => ({
          ...c,
          completion: { ...c.completion, evidence: [] },
        })),
      });
    }
    expect(files).toBe(n);
  });
});
