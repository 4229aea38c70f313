/**
 * Caps as covering rows (capCover in model.ts): on random cycles with caps on disjoint groups of
 * credit, minimums over uncapped credit and a minimum number of categories, the rows accept exactly
 * the sets of credits taken that the caps' own semantics accept (what counts under each cap chosen
 * unit by unit, tried every way); and the rows are not made where they would not be exact.
 */
import { describe, expect, it } from 'vitest';
import type { Requirement } from '../core/rules/schema.ts';
import { seededRandom } from './generate.ts';
import { type CapCover, type CoverCredit, capCover } from './model.ts';

type Cycle = Parameters<typeof capCover>[0];

const CATEGORIES = ['A', 'B', 'C', 'D'];
const TOPICS = ['ethics', 'nutrition'];

function cycleOf(rules: object[], total: number, categories = CATEGORIES): Cycle {
  return {
    rules: rules as Requirement[],
    total,
    cardUnits: 0,
    policy: { categories: categories.map((code) => ({ code, name: code })) } as unknown as Cycle['policy'],
  };
}

function credit(units: number, category?: string, topic?: string): CoverCredit {
  return { attrs: { category, topic, type: 'course', provider: undefined }, units };
}

/**
 * Whether the credits taken meet the cycle by the caps' own semantics: some whole number of units of
 * each credit counts (0 up to its worth), every cap (cycle-wide, any filter, overlapping or not)
 * holds over what counts, the total and every minimum are met by what counts, and enough categories
 * have a unit counted. Tried every way.
 */
function meetsByCounting(cycle: Cycle, credits: CoverCredit[], taken: boolean[]): boolean {
  const matches = (c: CoverCredit, where: Record<string, unknown> | undefined) =>
    (where?.category === undefined || where.category === c.attrs.category) &&
    (where?.topic === undefined || where.topic === c.attrs.topic);
  const rules = cycle.rules as unknown as {
    kind: string;
    units: number;
    count: number;
    where?: Record<string, unknown>;
  }[];
  const counted = credits.map(() => 0);
  const ok = () => {
    for (const r of rules) {
      const sum = credits.reduce((s, c, i) => s + (matches(c, r.where) ? counted[i]! : 0), 0);
      if (r.kind === 'cap' && sum > r.units) return false;
      if (r.kind === 'minimum' && sum < r.units) return false;
      if (r.kind === 'total' && sum < r.units) return false;
      if (r.kind === 'min-categories') {
        const codes = cycle.policy.categories.map((c) => c.code);
        const used = codes.filter((code) =>
          credits.some((c, i) => counted[i]! > 0 && c.attrs.category === code),
        );
        if (used.length < r.count) return false;
      }
    }
    return true;
  };
  const tryFrom = (i: number): boolean => {
    if (i === credits.length) return ok();
    const most = taken[i] ? credits[i]!.units : 0;
    for (let u = most; u >= 0; u--) {
      counted[i] = u;
      if (tryFrom(i + 1)) return true;
    }
    counted[i] = 0;
    return false;
  };
  return tryFrom(0);
}

function meetsRows(cover: CapCover, credits: CoverCredit[], taken: boolean[]): boolean {
  return cover.rows.every(
    (row) =>
      row.entries.reduce((s, x) => s + (taken[x] ? Math.min(credits[x]!.units, row.need) : 0), 0) >= row.need,
  );
}

describe('caps as covering rows', () => {
  it('accept exactly the credits the caps accept, on 400 random cycles', () => {
    const random = seededRandom(61);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    let covered = 0;
    let withCategories = 0;
    let feasibleSets = 0;
    for (let t = 0; t < 400; t++) {
      const cats = CATEGORIES.slice(0, int(2, 4));
      const n = int(3, 6);
      const credits = Array.from({ length: n }, () =>
        credit(int(1, 3), random() < 0.85 ? cats[int(0, cats.length - 1)] : undefined, TOPICS[int(0, 2)]),
      );
      const total = int(1, 9);
      const rules: object[] = [{ kind: 'total', units: total }];
      const uncapped: string[] = [];
      for (const code of cats) {
        if (random() < 0.7)
          rules.push({ kind: 'cap', per: 'cycle', units: int(1, 6), where: { category: code } });
        else uncapped.push(code);
      }
      // A minimum over credit under no cap.
      if (uncapped.length > 0 && random() < 0.4)
        rules.push({ kind: 'minimum', units: int(1, 3), where: { category: uncapped[0] } });
      if (random() < 0.5) rules.push({ kind: 'min-categories', count: int(1, Math.min(3, cats.length)) });
      const cycle = cycleOf(rules, total, cats);
      const cover = capCover(cycle, credits);
      if (!cover) continue;
      covered++;
      if (rules.some((r) => (r as { kind: string }).kind === 'min-categories')) withCategories++;
      for (let mask = 0; mask < 1 << n; mask++) {
        const taken = credits.map((_, i) => ((mask >> i) & 1) === 1);
        const expected = meetsByCounting(cycle, credits, taken);
        if (expected) feasibleSets++;
        expect(meetsRows(cover, credits, taken), `cycle ${t}, mask ${mask}`).toBe(expected);
      }
    }
    expect(covered).toBeGreaterThan(200);
    expect(withCategories).toBeGreaterThan(50);
    expect(feasibleSets).toBeGreaterThan(1000);
  });

  it('makes NSCA’s five rows: the total, and the total less each category’s cap', () => {
    const rules = [
      { kind: 'total', units: 6000 },
      { kind: 'cap', per: 'cycle', units: 5500, where: { category: 'A' } },
      { kind: 'cap', per: 'cycle', units: 4000, where: { category: 'B' } },
      { kind: 'cap', per: 'cycle', units: 5500, where: { category: 'C' } },
      { kind: 'cap', per: 'cycle', units: 4000, where: { category: 'D' } },
      { kind: 'min-categories', count: 2 },
    ];
    const credits = CATEGORIES.map((code) => credit(1000, code));
    const cover = capCover(cycleOf(rules, 6000), credits)!;
    // The "two categories" rows are implied by the rows of the total: none is added.
    expect(cover.rows.map((r) => [r.need, r.entries])).toEqual([
      [6000, [0, 1, 2, 3]],
      [2000, [0, 1, 2]],
      [500, [0, 1, 3]],
      [2000, [0, 2, 3]],
      [500, [1, 2, 3]],
    ]);
  });

  it('is not made where it would not be exact', () => {
    const base = [
      { kind: 'total', units: 10 },
      { kind: 'cap', per: 'cycle', units: 6, where: { category: 'A' } },
    ];
    const credits = [credit(4, 'A', 'ethics'), credit(4, 'A', 'nutrition'), credit(5, 'B', 'ethics')];
    expect(capCover(cycleOf(base, 10), credits)).toBeDefined();
    // A credit under two caps (caps overlapping: Σ min(cap, e) would overstate what counts).
    const overlapping = [...base, { kind: 'cap', per: 'cycle', units: 3, where: { topic: 'ethics' } }];
    expect(capCover(cycleOf(overlapping, 10), credits)).toBeUndefined();
    const taken = [true, false, true];
    const cycle = cycleOf(overlapping, 10);
    // Taken: 4 A-ethics and 5 B-ethics; the ethics cap lets only 3 count, so the cycle is not met,
    // although each credit's own group cap alone would let 9 count.
    expect(meetsByCounting(cycle, credits, taken)).toBe(false);
    // Per-year caps, card credit, a minimum over capped credit, mixed categories under one cap,
    // more categories asked for than there are, and caps below one unit.
    expect(
      capCover(cycleOf([...base, { kind: 'cap', per: 'year', units: 5, where: {} }], 10), credits),
    ).toBeUndefined();
    expect(
      capCover({ ...cycleOf(base, 10), card: {} as NonNullable<Cycle['card']>, cardUnits: 100 }, credits),
    ).toBeUndefined();
    expect(
      capCover(cycleOf([...base, { kind: 'minimum', units: 2, where: { topic: 'ethics' } }], 10), credits),
    ).toBeUndefined();
    const mixed = [
      { kind: 'total', units: 10 },
      { kind: 'cap', per: 'cycle', units: 6, where: { topic: 'ethics' } },
      { kind: 'min-categories', count: 2 },
    ];
    expect(capCover(cycleOf(mixed, 10), credits)).toBeUndefined();
    expect(capCover(cycleOf([...base, { kind: 'min-categories', count: 5 }], 10), credits)).toBeUndefined();
    expect(
      capCover(
        cycleOf(
          [
            { kind: 'total', units: 10 },
            { kind: 'cap', per: 'cycle', units: 0, where: { category: 'A' } },
          ],
          10,
        ),
        credits,
      ),
    ).toBeUndefined();
  });

  it('falls back past the row limit', () => {
    // Twelve small caps under a large total: thousands of sets of caps stay below it.
    const codes = Array.from({ length: 12 }, (_, i) => `K${i}`);
    const rules = [
      { kind: 'total', units: 100 },
      ...codes.map((code) => ({ kind: 'cap', per: 'cycle', units: 5, where: { category: code } })),
    ];
    const credits = codes.map((code) => credit(10, code));
    expect(capCover(cycleOf(rules, 100, codes), credits)).toBeUndefined();
  });
});
