/**
 * Finding people by the keys a file names them by (id, or email in any case): the narrow lookup
 * an import uses finds the same people as the full one, with who may write to them.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.ts';
import { registerAccount } from '../../src/usecases/accounts.ts';
import type { Actor, UseCaseContext } from '../../src/usecases/context.ts';
import { importRosterCsv } from '../../src/usecases/imports.ts';
import { createOrganisation } from '../../src/usecases/organisations.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';
import { testContext } from './context.ts';

reportSkippedBackends();

describe.each(BACKENDS)('people by key on $name', (backend) => {
  let store: Store;
  let ctx: UseCaseContext;

  beforeAll(async () => {
    store = await backend.open();
    ctx = testContext(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('finds the same people as findByKeys, with their account or managing organisation', async () => {
    const own = await registerAccount(ctx, { email: 'Shared@Example.com', password: 'long enough password' });
    const owner: Actor = { kind: 'account', accountId: own.account.id };
    const gym = await createOrganisation(ctx, owner, { name: 'Gym' });
    await importRosterCsv(
      ctx,
      owner,
      gym.id,
      Readable.from(['email,name\nshared@example.com,Twin\ncoach@gym.example,Coach\n']),
    );
    await store.people.insert({ id: 'no-email', createdAt: '2026-01-01T00:00:00.000Z' });

    const keys = [
      'SHARED@example.com',
      'coach@gym.example',
      'no-email',
      own.person.id,
      'nobody@example.com',
      'missing-id',
    ];
    const full = await store.people.findByKeys(keys);
    const narrow = await store.people.findWritersByKeys(keys);
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(narrow)).toEqual(
      byId(full).map((p) => ({
        id: p.id,
        ...(p.email !== undefined ? { email: p.email } : {}),
        ...(p.accountId !== undefined ? { accountId: p.accountId } : {}),
        ...(p.managedBy !== undefined ? { managedBy: p.managedBy } : {}),
      })),
    );
    // The account holder, the two people the gym manages (one sharing the email), and the one without email.
    expect(narrow).toHaveLength(4);
    expect(
      narrow
        .filter((p) => p.managedBy === gym.id)
        .map((p) => p.email)
        .sort(),
    ).toEqual(['coach@gym.example', 'shared@example.com']);
    expect(narrow.find((p) => p.id === own.person.id)).toMatchObject({ accountId: own.account.id });
    expect(await store.people.findWritersByKeys([])).toEqual([]);
  });
});
