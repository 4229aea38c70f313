/**
 * Seeds a store for the API benchmark: N synthetic people with holdings and
 * completions (bench/population.ts), bulk-inserted through the store's own
 * repositories in batches, plus one signed-up account whose status the
 * benchmark reads with an API token. A marker file records a finished seed,
 * so a data folder or database is seeded once and reused.
 */
import { tmpdir } from 'node:os';
import { sql } from 'drizzle-orm';
import { drizzleAuthRepositories } from '../src/api/auth/repository.ts';
import { createAuthService } from '../src/api/auth/service.ts';
import { systemClock } from '../src/api/deps.ts';
import { shippedRuleSet } from '../src/catalog/load.ts';
import { toEpochDay } from '../src/core/dates.ts';
import { profileOf, vocabularyOf } from '../src/core/engine/population.ts';
import { localFileStorage } from '../src/files/storage.ts';
import type { Person, StoredCompletion, StoredHolding } from '../src/store/model.ts';
import type { Store } from '../src/store/port.ts';
import { registerAccount } from '../src/usecases/accounts.ts';
import { createContext } from '../src/usecases/context.ts';
import { importProfile, parseProfileDocument } from '../src/usecases/profile.ts';
import { INDEPENDENT_PROVIDERS, syntheticPopulation } from './population.ts';

export interface SeedResult {
  people: number;
  holdings: number;
  completions: number;
  seconds: number;
}

/** The benchmark's own person: the seed scenario of the product brief, with a few more courses. */
export const BENCH_PROFILE = {
  holdings: [
    { credential: 'nasm.cpt', earned: '2024-03-15' },
    { credential: 'nasm.ces', earned: '2024-09-01' },
    { credential: 'ace.cpt', earned: '2023-05-20' },
    { credential: 'aha.bls', earned: '2025-06-10' },
  ],
  completions: [
    { activity: 'nasm.ce-stretching-webinar', completed: '2025-01-12' },
    {
      title: 'Kettlebell Fundamentals',
      provider: 'Local Workshop Co',
      completed: '2025-02-02',
      hours: 8,
      credits: [
        { credential: 'nasm.cpt', units: 0.8 },
        { credential: 'ace.cpt', units: 0.8 },
      ],
    },
    {
      title: 'Ethics in Coaching',
      completed: '2024-11-02',
      credits: [{ credential: 'ace.cpt', units: 0.1, topic: 'ethics' }],
    },
    {
      title: 'Nutrition webinar',
      completed: '2025-04-01',
      credits: [{ credential: 'ace.cpt', units: 0.5, status: 'pending' }],
    },
    {
      title: 'Mobility workshop',
      completed: '2025-05-10',
      credits: [{ credential: 'nasm.cpt', units: 0.4 }],
    },
  ],
};

export async function seedPeople(
  store: Store,
  people: number,
  onProgress: (done: number) => void = () => {},
): Promise<SeedResult> {
  const started = performance.now();
  const ruleSet = shippedRuleSet();
  const vocab = vocabularyOf(ruleSet, INDEPENDENT_PROVIDERS);
  const createdAt = new Date('2026-01-01T00:00:00Z').toISOString();
  let done = 0;
  let holdingsTotal = 0;
  let completionsTotal = 0;
  // Generated in chunks so memory stays flat; ~1.6 holdings per person.
  const chunkHoldings = 40_000;
  for (let chunk = 0; done < people; chunk++) {
    const columns = syntheticPopulation(ruleSet, vocab, {
      seed: 1000 + chunk,
      holdings: chunkHoldings,
      asOf: toEpochDay('2026-06-15'),
      completionsPerCertification: 4,
    });
    const take = Math.min(columns.persons, people - done);
    const persons: Person[] = [];
    const holdings: StoredHolding[] = [];
    const completions: StoredCompletion[] = [];
    for (let i = 0; i < take; i++) {
      const id = `bench-${String(done + i).padStart(8, '0')}`;
      persons.push({ id, name: `Person ${done + i}`, createdAt });
      const profile = profileOf(columns, vocab, i);
      profile.holdings.forEach((holding, position) => {
        holdings.push({ id: `${id}-h${position}`, personId: id, position, holding });
      });
      profile.completions.forEach((completion, position) => {
        completions.push({ id: `${id}-c${position}`, personId: id, position, completion });
      });
    }
    await store.transaction(async (tx) => {
      await tx.people.insertMany(persons);
      await tx.records.insertHoldings(holdings);
      await tx.records.insertCompletions(completions);
    });
    done += take;
    holdingsTotal += holdings.length;
    completionsTotal += completions.length;
    onProgress(done);
  }
  // Fresh statistics, or the planner keeps the plans it chose for empty tables (PGlite runs no
  // autovacuum); and on PostgreSQL, the vacuum that millions of inserts would otherwise trigger
  // in the middle of the measurement.
  await store.repositoriesFor((db) => db.execute(sql`vacuum analyze`));
  return {
    people: done,
    holdings: holdingsTotal,
    completions: completionsTotal,
    seconds: (performance.now() - started) / 1000,
  };
}

export interface BenchCaller {
  personId: string;
  token: string;
}

/** Signs up the benchmark's account, imports its profile and issues a read-only API token. */
export async function benchCaller(store: Store): Promise<BenchCaller> {
  const uc = createContext({ store, files: localFileStorage(tmpdir()) });
  const { account, person } = await registerAccount(uc, {
    email: `bench-${Date.now()}@example.test`,
    password: 'benchmark passphrase',
  });
  const actor = { kind: 'account' as const, accountId: account.id };
  await importProfile(uc, actor, person.id, parseProfileDocument(BENCH_PROFILE));
  const auth = createAuthService(uc, store.repositoriesFor(drizzleAuthRepositories), systemClock);
  const { secret } = await auth.createToken(account.id, { name: 'benchmark', scopes: ['read'] });
  return { personId: person.id, token: secret };
}
