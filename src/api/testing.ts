/**
 * Builds the whole API in-process for tests: a real store (PGlite in memory),
 * real file storage in a temporary folder, a clock the test controls. No
 * port is opened; tests call `app.inject`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresAvailable, startTestCluster } from '../../test/pg.ts';
import { shippedRuleSet } from '../catalog/load.ts';
import { localFileStorage } from '../files/storage.ts';
import { openPglite } from '../store/pglite.ts';
import type { Store } from '../store/port.ts';
import { openPostgres } from '../store/postgres.ts';
import { type Api, type ApiLimits, type ApiOptions, buildApp } from './app.ts';
import { type ManualClock, manualClock } from './deps.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './plugins/auth.ts';

export interface TestApi {
  app: Api;
  store: Store;
  clock: ManualClock;
  close(): Promise<void>;
}

/** The backends the API's tests run on: PostgreSQL too wherever it is installed (always under CI). */
export const BACKENDS: Backend[] = ['pglite', ...(postgresAvailable() ? (['postgres'] as const) : [])];
export type Backend = 'pglite' | 'postgres';

async function openTestStore(backend: Backend): Promise<{ store: Store; stop(): Promise<void> }> {
  if (backend === 'pglite') {
    const store = await openPglite();
    return { store, stop: async () => {} };
  }
  const cluster = await startTestCluster();
  if (!cluster) throw new Error('PostgreSQL is not installed');
  const store = await openPostgres({ url: await createTestDatabase(cluster) });
  return { store, stop: () => cluster.stop() };
}

/** Generous, so tests that sign many users up are not throttled; a rate-limit test overrides one. */
export const TEST_LIMITS: ApiLimits = {
  signIn: { max: 10_000, timeWindow: 60_000 },
  signInPerAccount: { max: 10_000, timeWindow: 60_000 },
  tokens: { max: 10_000, timeWindow: 60_000 },
  plans: { max: 10_000, timeWindow: 60_000 },
  evaluate: { max: 10_000, timeWindow: 60_000 },
};

/**
 * The API on a fresh store of the backend, or on `options.store` (several apps on one database, as
 * processes behind a load balancer); a store passed in is the caller's to close.
 */
export async function buildTestApi(
  options: Partial<ApiOptions> = {},
  backend: Backend = 'pglite',
): Promise<TestApi> {
  const { store, stop } = options.store
    ? { store: options.store, stop: async () => {} }
    : await openTestStore(backend);
  const ownsStore = !options.store;
  await store.migrate();
  const dir = mkdtempSync(join(tmpdir(), 'recert-api-'));
  const clock = manualClock('2026-03-01T12:00:00Z');
  const app = await buildApp({
    store,
    files: localFileStorage(dir),
    ruleSet: shippedRuleSet(),
    clock,
    cookies: { secure: false },
    limits: TEST_LIMITS,
    ...options,
  });
  return {
    app,
    store,
    clock,
    async close() {
      await app.close();
      if (ownsStore) await store.close();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A signed-in user as a test sees them: how to send their session, with or without the CSRF header. */
export interface TestUser {
  accountId: string;
  personId: string;
  email: string;
  cookie: string;
  csrf: string;
  /** Headers for a cookie-authenticated request (with the CSRF token). */
  headers: Record<string, string>;
}

let counter = 0;

export async function signUp(app: Api, name = 'user'): Promise<TestUser> {
  counter += 1;
  const email = `${name}-${counter}@example.test`;
  const res = await app.inject({
    method: 'POST',
    url: '/auth/sign-up',
    payload: { email, password: 'correct horse battery', name },
  });
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { account: { id: string }; personId: string; csrfToken: string };
  const session = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!session) throw new Error('sign-up set no session cookie');
  const cookie = `${SESSION_COOKIE}=${session.value}`;
  return {
    accountId: body.account.id,
    personId: body.personId,
    email,
    cookie,
    csrf: body.csrfToken,
    headers: { cookie, [CSRF_HEADER]: body.csrfToken },
  };
}

/** A multipart/form-data body with one file part, as a browser would send it. */
export function multipartFile(
  filename: string,
  mediaType: string,
  bytes: Uint8Array,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----recert${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mediaType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(bytes), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The smallest bytes that pass as a PDF (the evidence check reads the signature). */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
