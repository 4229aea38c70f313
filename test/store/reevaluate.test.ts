/**
 * Re-evaluation through the store, on every backend: batches (read ahead
 * while the previous batch is written) and the kernel path store the same
 * summaries as one object-engine pass, for everyone on the roster.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/load.ts';
import type { HoldingStatusSummary } from '../../src/store/model.ts';
import type { Store } from '../../src/store/port.ts';
import { SYSTEM, type UseCaseContext } from '../../src/usecases/context.ts';
import { logCompletion, removeHolding } from '../../src/usecases/records.ts';
import { ReevaluationPool } from '../../src/usecases/reevaluate-pool.ts';
import {
  currentSummaries,
  defaultReevaluationWorkers,
  reevaluate,
  statusSummaries,
} from '../../src/usecases/status.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';
import { testContext } from './context.ts';

reportSkippedBackends();

describe.each(BACKENDS)('re-evaluation on $name', (backend) => {
  let store: Store;
  let ctx: UseCaseContext;
  let ids: string[];

  beforeAll(async () => {
    store = await backend.open();
    ctx = testContext(store);
    await loadDemo(ctx, SYSTEM, { people: 45, seed: 9, baseDate: '2026-01-01' });
    ids = await store.people.idsAfter('', 1000);
  });
  afterAll(async () => {
    await store?.close();
  });

  const stored = async (): Promise<HoldingStatusSummary[]> =>
    (await store.statuses.listForPeople(ids)).sort((a, b) => a.holdingId.localeCompare(b.holdingId));

  it('stores the same summaries in small batches through the kernel as in one object-engine pass', async () => {
    const object = await reevaluate(ctx, SYSTEM, '2026-01-01', { engine: 'object', batchSize: 1000 });
    const expected = await stored();
    expect(object).toEqual({ people: 45, holdings: expected.length });
    expect(await store.records.countHoldings()).toBe(expected.length);

    const progress: number[] = [];
    // In this thread, batch after batch (worker threads are tested below).
    const kernel = await reevaluate(ctx, SYSTEM, '2026-01-01', {
      batchSize: 7,
      workers: 0,
      onProgress: (n) => progress.push(n),
    });
    expect(kernel).toEqual(object);
    expect(progress).toEqual([7, 14, 21, 28, 35, 42, 45]);
    expect(await stored()).toEqual(expected);
  });

  it('evaluates the people the kernel cannot represent with the object engine, in the same batches', async () => {
    // College credit is the object engine's alone: these people are read again in full.
    const college = ids.filter((_, i) => i % 9 === 4);
    for (const personId of college) {
      await logCompletion(ctx, SYSTEM, personId, {
        title: 'Exercise Physiology',
        provider: 'State University',
        completed: '2025-09-15',
        college: { semesterHours: 3 },
        credits: [],
      });
    }
    expect(college.length).toBeGreaterThan(3);
    await reevaluate(ctx, SYSTEM, '2026-01-01', { engine: 'object', batchSize: 1000 });
    const expected = await stored();
    for (const batchSize of [7, 40, 1000]) {
      await reevaluate(ctx, SYSTEM, '2026-01-01', { batchSize });
      expect(await stored()).toEqual(expected);
    }
  });

  it('reads a contiguous page of people by range as it reads them one by one, and no one else', async () => {
    const page = ids.slice(0, 40);
    const byPerson = await store.records.loadFacts(page);
    const byRange = await store.records.loadFacts(page, { contiguous: true });
    expect(byRange).toEqual(byPerson);
    expect([...byRange.values()].some((r) => r.holdings.length > 0)).toBe(true);
    // A person inside the range but not on the page (as if added meanwhile) is left out.
    const without = page.filter((_, i) => i !== 5);
    const skipped = await store.records.loadFacts(without, { contiguous: true });
    expect([...skipped.keys()]).toEqual(without);
    expect(skipped.get(page[6]!)).toEqual(byPerson.get(page[6]!));
  });

  it('drops a holding’s summary with the holding, and no one else’s', async () => {
    await reevaluate(ctx, SYSTEM, '2026-01-01');
    const before = await stored();
    const gone = before.find((s) =>
      before.some((o) => o.personId === s.personId && o.holdingId !== s.holdingId),
    )!;
    expect(gone).toBeDefined();
    await removeHolding(ctx, SYSTEM, gone.holdingId);
    expect(await stored()).toEqual(before.filter((s) => s.holdingId !== gone.holdingId));
    // Summaries are keyed by person and holding: a batch's rewrite leaves the others as they were.
    await reevaluate(ctx, SYSTEM, '2026-01-01', { personIds: [gone.personId] });
    expect(await stored()).toEqual(before.filter((s) => s.holdingId !== gone.holdingId));
  });

  it('reads current summaries (rosters) as the object engine gives them, on several dates', async () => {
    const ruleSet = ctx.ruleSet();
    const byHolding = (rows: HoldingStatusSummary[]) =>
      [...rows].sort((a, b) => a.holdingId.localeCompare(b.holdingId));
    for (const asOf of ['2024-06-30', '2026-01-01', '2027-03-15']) {
      const object = statusSummaries(await store.records.load(ids), ruleSet, asOf);
      const current = await currentSummaries(store, ids, ruleSet, asOf);
      expect(byHolding(current)).toEqual(byHolding(object));
      expect(current.length).toBeGreaterThan(ids.length);
      // Read in batches of 10, two ahead of the one evaluated: the same summaries.
      const batched = await currentSummaries(store, ids, ruleSet, asOf, { batchSize: 10 });
      expect(byHolding(batched)).toEqual(byHolding(current));
    }
    await expect(currentSummaries(store, ids, ruleSet, '2026-02-30')).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  const stagingExists = async () => {
    const result = (await store.repositoriesFor((db) =>
      db.execute(
        sql`select count(*)::int as n from pg_class where starts_with(relname, 'holding_statuses_next')`,
      ),
    )) as { rows: { n: number }[] };
    return result.rows[0]!.n > 0;
  };

  it('rebuilds everyone’s summaries out of sight: readers see the old ones until the commit', async () => {
    await reevaluate(ctx, SYSTEM, '2026-01-01');
    const before = await stored();
    const rebuild = await store.statuses.rebuild();
    const later = before.slice(0, 10).map((s) => ({ ...s, asOf: '2026-06-30' }));
    await rebuild.add(later.slice(0, 4));
    await rebuild.add(later.slice(4));
    expect(await stored()).toEqual(before);
    await rebuild.commit();
    // Everyone's summaries were replaced: people the rebuild wrote nothing for have none.
    expect(await stored()).toEqual(later);
    expect(await stagingExists()).toBe(false);
    await expect(rebuild.add(later)).rejects.toThrow(/already been committed/);

    // The swapped-in table keeps the key: one summary per person and holding.
    const duplicate = await store.statuses.rebuild();
    await duplicate.add([later[0]!, later[0]!]);
    await expect(duplicate.commit()).rejects.toThrow();
    expect(await stored()).toEqual(later);
    expect(await stagingExists()).toBe(false);
    await expect(store.transaction((tx) => tx.statuses.replaceFor([], [later[1]!]))).rejects.toThrow();
  });

  it('lets a second rebuild replace one still running, which then fails clearly', async () => {
    await reevaluate(ctx, SYSTEM, '2026-01-01');
    const before = await stored();
    const first = await store.statuses.rebuild();
    await first.add(before.slice(0, 5));
    const second = await store.statuses.rebuild();
    await expect(first.add(before.slice(5, 10))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('another re-evaluation'),
    });
    await expect(first.commit()).rejects.toMatchObject({ code: 'conflict' });
    await second.add(before);
    await second.commit();
    expect(await stored()).toEqual(before);
    expect(await stagingExists()).toBe(false);
  });

  it('keeps the privileges granted on the summaries when a rebuild swaps them', async () => {
    const role = `recert_reader_${Math.random().toString(36).slice(2, 10)}`;
    const may = async () => {
      const result = (await store.repositoriesFor((db) =>
        db.execute(sql`select has_table_privilege(${role}, 'holding_statuses', 'SELECT') as ok`),
      )) as { rows: { ok: boolean }[] };
      return result.rows[0]!.ok;
    };
    await store.repositoriesFor((db) => db.execute(sql.raw(`create role ${role}`)));
    try {
      await store.repositoriesFor((db) => db.execute(sql.raw(`grant select on holding_statuses to ${role}`)));
      expect(await may()).toBe(true);
      await reevaluate(ctx, SYSTEM, '2026-01-01');
      expect(await may()).toBe(true);
    } finally {
      await store.repositoriesFor((db) => db.execute(sql.raw(`drop owned by ${role}`)));
      await store.repositoriesFor((db) => db.execute(sql.raw(`drop role ${role}`)));
    }
  });

  it('refuses to swap summaries a view depends on, and leaves them as they were', async () => {
    await reevaluate(ctx, SYSTEM, '2026-01-01');
    const before = await stored();
    await store.repositoriesFor((db) =>
      db.execute(sql.raw('create view lapsing_report as select * from holding_statuses')),
    );
    try {
      await expect(reevaluate(ctx, SYSTEM, '2027-03-01')).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('lapsing_report'),
      });
      expect(await stored()).toEqual(before);
      expect(await stagingExists()).toBe(false);
    } finally {
      await store.repositoriesFor((db) => db.execute(sql.raw('drop view lapsing_report')));
    }
  });

  it('leaves out the summaries of holdings deleted while a rebuild runs', async () => {
    await reevaluate(ctx, SYSTEM, '2026-01-01');
    const before = await stored();
    const rebuild = await store.statuses.rebuild();
    await rebuild.add(before);
    const gone = before.find((s) =>
      before.some((o) => o.personId === s.personId && o.holdingId !== s.holdingId),
    )!;
    await removeHolding(ctx, SYSTEM, gone.holdingId);
    await rebuild.commit();
    expect(await stored()).toEqual(before.filter((s) => s.holdingId !== gone.holdingId));
    // The swapped-in table has its key and the planner's statistics.
    const stats = (await store.repositoriesFor((db) =>
      db.execute(
        sql`select (select count(*)::int from pg_stats where tablename = 'holding_statuses') as columns,
                   (select count(*)::int from pg_constraint where conname = 'holding_statuses_pkey' and contype = 'p') as keys`,
      ),
    )) as { rows: { columns: number; keys: number }[] };
    expect(stats.rows[0]!.columns).toBeGreaterThan(0);
    expect(stats.rows[0]!.keys).toBe(1);
  });

  it('leaves the summaries as they were when a whole-population run fails part way', async () => {
    await reevaluate(ctx, SYSTEM, '2026-01-01');
    const before = await stored();
    const failing = reevaluate(ctx, SYSTEM, '2027-03-01', {
      batchSize: 7,
      onProgress: (n) => {
        if (n >= 14) throw new Error('stopped by the test');
      },
    });
    await expect(failing).rejects.toThrow('stopped by the test');
    expect(await stored()).toEqual(before);
    expect(await stagingExists()).toBe(false);
    // Abandoning is idempotent, and a new run starts cleanly.
    const done = await reevaluate(ctx, SYSTEM, '2027-03-01', { batchSize: 7 });
    expect(done.people).toBe(ids.length);
    const after = await stored();
    expect(after).toHaveLength(before.length);
    expect(after.every((s) => s.asOf === '2027-03-01')).toBe(true);
  });

  it('re-evaluates everyone on worker threads where the store can be shared, storing the same summaries', async () => {
    if (!store.shared) {
      // One connection, one thread: the default is none, and asking for workers says why not.
      expect(defaultReevaluationWorkers(ctx)).toBe(0);
      await expect(reevaluate(ctx, SYSTEM, '2026-01-01', { workers: 2 })).rejects.toThrow(
        /cannot be opened from worker threads/,
      );
      return;
    }
    expect(defaultReevaluationWorkers(ctx)).toBeGreaterThan(0);
    // The context's own rule set goes to the workers: here NASM's certification is unknown to it.
    const shippedRules = ctx.ruleSet();
    const credentials = new Map(shippedRules.credentials);
    expect(credentials.delete('nasm.cpt')).toBe(true);
    const ownRules = { ...shippedRules, credentials };
    const ownCtx: UseCaseContext = { ...ctx, ruleSet: () => ownRules };
    await reevaluate(ownCtx, SYSTEM, '2026-01-01', { workers: 0, batchSize: 7 });
    const ownExpected = await stored();
    await reevaluate(ownCtx, SYSTEM, '2026-01-01', { workers: 2, batchSize: 5 });
    expect(await stored()).toEqual(ownExpected);
    const nasm = new Set(
      [...(await store.records.load(ids)).values()].flatMap((r) =>
        r.holdings.filter((h) => h.holding.credential === 'nasm.cpt').map((h) => h.id),
      ),
    );
    expect(nasm.size).toBeGreaterThan(0);
    expect(ownExpected.filter((s) => nasm.has(s.holdingId)).every((s) => s.status === 'unknown')).toBe(true);

    for (const asOf of ['2026-01-01', '2027-03-15']) {
      await reevaluate(ctx, SYSTEM, asOf, { workers: 0, batchSize: 7 });
      const expected = await stored();
      expect(expected.every((s) => s.asOf === asOf)).toBe(true);
      const progress: number[] = [];
      const result = await reevaluate(ctx, SYSTEM, asOf, {
        workers: 3,
        batchSize: 4,
        onProgress: (n) => progress.push(n),
      });
      expect(result).toEqual({ people: ids.length, holdings: expected.length });
      // Batches finish in any order; progress counts people done, up to everyone.
      expect(progress).toHaveLength(Math.ceil(ids.length / 4));
      expect(progress.at(-1)).toBe(ids.length);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      expect(await stored()).toEqual(expected);
    }
  });

  const backends = async () => {
    const result = (await store.repositoriesFor((db) =>
      db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      ),
    )) as { rows: { n: number }[] };
    return result.rows[0]!.n;
  };

  it('stops every worker and keeps the summaries when a worker’s batch fails', async () => {
    if (!store.shared) return;
    await reevaluate(ctx, SYSTEM, '2026-01-01', { workers: 0 });
    const before = await stored();
    const idle = await backends();
    // A second rebuild started while the workers write replaces theirs: their next write fails.
    let replacing: Promise<unknown> | undefined;
    const run = reevaluate(ctx, SYSTEM, '2027-03-01', {
      workers: 2,
      batchSize: 1,
      onProgress: () => {
        replacing ??= store.statuses.rebuild();
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('another re-evaluation'),
    });
    const second = await replacing!;
    await (second as { abandon(): Promise<void> }).abandon();
    expect(await stored()).toEqual(before);
    expect(await stagingExists()).toBe(false);
    // The workers' connections close with them (the server notices at once; allow it a moment).
    for (let i = 0; i < 50 && (await backends()) > idle; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await backends()).toBeLessThanOrEqual(idle);
  });

  it('says why a worker could not start, without the connection’s password', async () => {
    if (!store.shared) return;
    const url = new URL(store.shared.url);
    url.password = 'not-the-password-x9';
    url.port = '1';
    const started = ReevaluationPool.start(2, {
      shared: { kind: 'postgres', url: url.toString() },
      ruleSet: ctx.ruleSet(),
      asOf: '2026-01-01',
      rebuildId: 'holding_statuses_next_000000000000',
    });
    await expect(started).rejects.toThrow(/^a re-evaluation worker could not start: .*ECONNREFUSED/s);
    await started.catch((error: Error) => {
      expect(error.message).not.toContain('not-the-password-x9');
    });
  });

  it('writes into a rebuild only under a name the store made', () => {
    for (const id of ['holding_statuses', 'holding_statuses_next_zz"; drop table people; --', 'x']) {
      expect(() => store.statuses.joinRebuild(id)).toThrow(/does not name a status rebuild/);
    }
  });
});
