/**
 * The roster dashboard of a certifying body (GET /organisations/:id/roster/lines) through the API,
 * in process (fastify inject: the server's time, no network).
 *
 *   node bin/run-ts.mjs bench/roster.ts [--members N] [--backend postgres|pglite] [--pages K] [--out file]
 *
 * A demo population of N people (default 100,000) is loaded, and every one of them is put on one
 * organisation's roster with their consent to share status (bulk SQL: the setup, not what is timed).
 * Timed, for the organisation's owner:
 *   first         the first view: every member evaluated as of today
 *   nextPages     K further pages, filters and sorts, from the roster the API keeps (p50 and max)
 *   afterChange   the view after a member logs a completion (the kept roster brought up to date for them)
 *   afterJoin     the view after someone joins the roster (the organisation adds a person it manages)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/api/app.ts';
import { manualClock } from '../src/api/deps.ts';
import { shippedRuleSet } from '../src/catalog/load.ts';
import { loadDemo } from '../src/demo/load.ts';
import { localFileStorage } from '../src/files/storage.ts';
import { openPglite } from '../src/store/pglite.ts';
import type { Store } from '../src/store/port.ts';
import { openPostgres } from '../src/store/postgres.ts';
import { createContext, SYSTEM } from '../src/usecases/context.ts';
import { logCompletion } from '../src/usecases/records.ts';
import { createTestDatabase, startTestCluster } from '../test/pg.ts';
import { environment, peakRssMB, round } from './suite.ts';

function args() {
  const argv = process.argv.slice(2);
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  return {
    members: Number(get('members') ?? 100_000),
    backend: (get('backend') ?? 'postgres') as 'postgres' | 'pglite',
    pages: Number(get('pages') ?? 20),
    out: get('out'),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main() {
  const a = args();
  const dir = mkdtempSync(join(tmpdir(), 'recert-bench-roster-'));
  let stopCluster: (() => Promise<void>) | undefined;
  let store: Store;
  if (a.backend === 'pglite') store = await openPglite({ dir: join(dir, 'data') });
  else {
    const cluster = await startTestCluster({ durable: true });
    if (!cluster) throw new Error('PostgreSQL is not installed here');
    stopCluster = () => cluster.stop();
    store = await openPostgres({ url: await createTestDatabase(cluster) });
  }
  try {
    await store.migrate();
    const today = '2026-03-01';
    const ctx = createContext({
      store,
      files: localFileStorage(join(dir, 'files')),
      clock: () => new Date(`${today}T12:00:00.000Z`),
    });
    console.error(`[roster] loading ${a.members} demo people…`);
    await loadDemo(ctx, SYSTEM, { people: a.members, seed: 1, baseDate: '2026-01-01' });
    const app = await buildApp({
      store,
      files: localFileStorage(join(dir, 'files')),
      ruleSet: shippedRuleSet(),
      clock: manualClock(`${today}T12:00:00.000Z`),
      cookies: { secure: false },
    });
    try {
      const signUp = await app.inject({
        method: 'POST',
        url: '/auth/sign-up',
        payload: { email: 'owner@body.example', password: 'correct horse battery', name: 'Owner' },
      });
      const cookie = signUp.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const headers = { cookie, 'x-csrf-token': signUp.json().csrfToken as string };
      const org = (
        await app.inject({
          method: 'POST',
          url: '/organisations',
          headers,
          payload: { name: 'Certifying body' },
        })
      ).json() as { id: string };
      const db = store.repositoriesFor((d) => d);
      await db.execute(
        sql`insert into roster_entries (organisation_id, person_id, created_at) select ${org.id}, id, now() from people where id like 'demo1-%'`,
      );
      await db.execute(
        sql`insert into consent_grants (id, person_id, organisation_id, scope, granted_at) select 'bench-' || id, id, ${org.id}, 'status', now() from people where id like 'demo1-%'`,
      );
      const view = async (query: string) => {
        const t0 = performance.now();
        const res = await app.inject({
          method: 'GET',
          url: `/organisations/${org.id}/roster/lines?${query}`,
          headers,
        });
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`roster view: ${res.statusCode} ${res.body}`);
        return {
          ms,
          body: res.json() as { people: number; lines: number; matching: number },
          bytes: res.body.length,
        };
      };
      const first = await view('limit=50');
      if (first.body.people < a.members) throw new Error(`the roster has ${first.body.people} people`);
      const queries = [
        'offset=50',
        'offset=100',
        'status=due-soon',
        'status=expired',
        'sort=person',
        'q=demo1-p00012',
      ];
      const next: number[] = [];
      for (let i = 0; i < a.pages; i++) next.push((await view(queries[i % queries.length]!)).ms);
      // A member logs a completion (through the use case: the owner may not write a consenting
      // member's records); the API's cache reads the audit log within a second and refreshes them.
      await logCompletion(ctx, SYSTEM, 'demo1-p0000001', {
        title: 'Logged during the benchmark',
        completed: today,
      });
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const afterChange = await view('limit=50');
      // Someone joins: the change names the organisation and the person, and the kept roster takes
      // them in (before 2026-11-22 this evaluated every member again).
      const joined = await app.inject({
        method: 'POST',
        url: `/organisations/${org.id}/people`,
        headers,
        payload: { name: 'Joined during the benchmark', externalRef: 'BENCH-1' },
      });
      if (joined.statusCode !== 201) throw new Error(`joining: ${joined.statusCode} ${joined.body}`);
      const afterJoin = await view('limit=50');
      if (afterJoin.body.people !== first.body.people + 1)
        throw new Error('the newcomer is not on the roster');
      const result = {
        benchmark: 'roster',
        date: new Date().toISOString().slice(0, 10),
        command: `node bin/run-ts.mjs bench/roster.ts ${process.argv.slice(2).join(' ')}`.trim(),
        environment: environment(),
        backend: a.backend,
        members: first.body.people,
        lines: first.body.lines,
        firstViewMs: round(first.ms, 0),
        firstViewBytes: first.bytes,
        nextPages: { count: next.length, p50Ms: round(median(next), 1), maxMs: round(Math.max(...next), 1) },
        afterChangeMs: round(afterChange.ms, 0),
        afterJoinMs: round(afterJoin.ms, 0),
        peakRssMb: peakRssMB(),
        headline: {
          members: first.body.people,
          firstViewMs: round(first.ms, 0),
          nextPageP50Ms: round(median(next), 1),
          afterChangeMs: round(afterChange.ms, 0),
          afterJoinMs: round(afterJoin.ms, 0),
        },
      };
      console.log(JSON.stringify(result.headline));
      const out = a.out ?? join('bench', 'results', `roster-${result.date}.json`);
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    await stopCluster?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
