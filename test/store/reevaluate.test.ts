/**
 * Re-evaluation through the store, on every backend: batches (read ahead
 * while the previous batch is written) and the kernel path store the same
 * summaries as one object-engine pass, for everyone on the roster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/load.ts';
import type { HoldingStatusSummary } from '../../src/store/model.ts';
import type { Store } from '../../src/store/port.ts';
import { SYSTEM, type UseCaseContext } from '../../src/usecases/context.ts';
import { logCompletion, removeHolding } from '../../src/usecases/records.ts';
import { reevaluate } from '../../src/usecases/status.ts';
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
    const kernel = await reevaluate(ctx, SYSTEM, '2026-01-01', {
      batchSize: 7,
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
});
