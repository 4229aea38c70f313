/**
 * Accounts, organisations, consent and tenant isolation, on every backend:
 * a member of one organisation never reads or changes another's rows, nor a
 * person's records without consent; revocation takes effect at once.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../src/core/errors.ts';
import type { Store } from '../../src/store/port.ts';
import { personAccess, personAccessOf } from '../../src/usecases/access.ts';
import { authenticate, changePassword, registerAccount } from '../../src/usecases/accounts.ts';
import { listAudit } from '../../src/usecases/audit.ts';
import { grantConsent, listConsents, revokeConsent } from '../../src/usecases/consent.ts';
import { type Actor, SYSTEM, type UseCaseContext } from '../../src/usecases/context.ts';
import {
  acceptInvitation,
  changeMemberRole,
  createOrganisation,
  inviteMember,
  listMembers,
  removeMember,
} from '../../src/usecases/organisations.ts';
import { addToRoster, createManagedPerson, getPerson, listRoster } from '../../src/usecases/people.ts';
import {
  addHolding,
  listCompletions,
  listHoldings,
  logCompletion,
  removeCompletion,
} from '../../src/usecases/records.ts';
import { getPersonStatus, reevaluate } from '../../src/usecases/status.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';
import { joinByInvitation, testContext } from './context.ts';

reportSkippedBackends();

async function rejects(promise: Promise<unknown>, code: AppError['code']): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'AppError', code });
}

describe.each(BACKENDS)('tenancy on $name', (backend) => {
  let store: Store;
  let ctx: UseCaseContext;
  const actor = (accountId: string): Actor => ({ kind: 'account', accountId });

  beforeAll(async () => {
    store = await backend.open();
    ctx = testContext(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  async function signUp(email: string) {
    const { account, person } = await registerAccount(ctx, {
      email,
      password: 'correct horse battery',
      name: email,
    });
    return { account, person, actor: actor(account.id) };
  }

  it('registers accounts with hashed passwords and checks them', async () => {
    const { account } = await signUp('Ada@Example.com');
    expect(account.email).toBe('ada@example.com');
    const stored = await store.accounts.findByEmailWithSecret('ADA@example.com');
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain('correct horse');
    await expect(
      authenticate(ctx, { email: 'ada@example.com', password: 'correct horse battery' }),
    ).resolves.toMatchObject({
      id: account.id,
    });
    await rejects(
      authenticate(ctx, { email: 'ada@example.com', password: 'wrong password!' }),
      'unauthenticated',
    );
    await rejects(
      authenticate(ctx, { email: 'nobody@example.com', password: 'correct horse battery' }),
      'unauthenticated',
    );
    await rejects(
      registerAccount(ctx, { email: 'ADA@example.com', password: 'another password' }),
      'conflict',
    );
    await expect(registerAccount(ctx, { email: 'not-an-email', password: 'short' })).rejects.toMatchObject({
      code: 'invalid-input',
      issues: [
        { field: 'email', message: 'must be an email address' },
        { field: 'password', message: 'must be at least 10 characters' },
      ],
    });
    await changePassword(ctx, actor(account.id), {
      currentPassword: 'correct horse battery',
      newPassword: 'a new long password',
    });
    await rejects(
      authenticate(ctx, { email: 'ada@example.com', password: 'correct horse battery' }),
      'unauthenticated',
    );
    await expect(
      authenticate(ctx, { email: 'ada@example.com', password: 'a new long password' }),
    ).resolves.toBeTruthy();
  });

  it('keeps organisations, rosters and records apart', async () => {
    const pro = await signUp('pro@example.com');
    const gymOwner = await signUp('owner@gym-a.example');
    const gymViewer = await signUp('viewer@gym-a.example');
    const otherOwner = await signUp('owner@gym-b.example');
    const gymA = await createOrganisation(ctx, gymOwner.actor, { name: 'Gym A' });
    const gymB = await createOrganisation(ctx, otherOwner.actor, { name: 'Gym B' });
    await joinByInvitation(ctx, gymOwner.actor, gymA.id, gymViewer, 'viewer');

    await addHolding(ctx, pro.actor, pro.person.id, { credential: 'nasm.cpt', earned: '2024-03-15' });
    const logged = await logCompletion(ctx, pro.actor, pro.person.id, {
      title: 'Kettlebell Fundamentals',
      completed: '2025-02-02',
      credits: [{ credential: 'nasm.cpt', units: '0.8' }],
    });
    // A gym may not put someone with an account on its roster (and so read their name) on its own.
    await rejects(addToRoster(ctx, gymOwner.actor, gymA.id, pro.person.id), 'forbidden');
    await addToRoster(ctx, SYSTEM, gymA.id, pro.person.id, { externalRef: 'E-1' });

    // No consent yet: the gym sees who is on its roster, nothing more.
    await rejects(getPerson(ctx, gymOwner.actor, pro.person.id), 'forbidden');
    await rejects(getPersonStatus(ctx, gymOwner.actor, pro.person.id, '2025-06-01'), 'forbidden');
    const [row] = await listRoster(ctx, gymOwner.actor, gymA.id);
    expect(row).toMatchObject({ access: null, statuses: [] });
    expect(row?.person.email).toBeUndefined();

    // Status consent: status and holdings, but no completions, and no allocations naming them.
    await grantConsent(ctx, pro.actor, pro.person.id, gymA.id, 'status');
    const status = await getPersonStatus(ctx, gymViewer.actor, pro.person.id, '2025-06-01');
    expect(status.holdings.map((h) => h.credential)).toEqual(['nasm.cpt']);
    expect(status.holdings[0]?.allocations).toEqual([]);
    await expect(listHoldings(ctx, gymViewer.actor, pro.person.id)).resolves.toHaveLength(1);
    await rejects(listCompletions(ctx, gymViewer.actor, pro.person.id), 'forbidden');

    // Records consent: completions too for those who run the gym — but still no writes. Staff who
    // follow the roster (viewers) still see the status only: a colleague's CE is not theirs to read.
    await grantConsent(ctx, pro.actor, pro.person.id, gymA.id, 'records');
    await expect(listCompletions(ctx, gymOwner.actor, pro.person.id)).resolves.toHaveLength(1);
    const full = await getPersonStatus(ctx, gymOwner.actor, pro.person.id, '2025-06-01');
    expect(full.holdings[0]?.allocations.length).toBeGreaterThan(0);
    await rejects(listCompletions(ctx, gymViewer.actor, pro.person.id), 'forbidden');
    const asStaff = await getPersonStatus(ctx, gymViewer.actor, pro.person.id, '2025-06-01');
    expect(asStaff.holdings[0]?.allocations).toEqual([]);
    await rejects(removeCompletion(ctx, gymOwner.actor, logged.id), 'forbidden');
    await rejects(
      addHolding(ctx, gymOwner.actor, pro.person.id, { credential: 'ace.cpt', earned: '2024-01-01' }),
      'forbidden',
    );

    // Another organisation sees nothing, and cannot touch gym A.
    await rejects(getPersonStatus(ctx, otherOwner.actor, pro.person.id, '2025-06-01'), 'forbidden');
    await rejects(listCompletions(ctx, otherOwner.actor, pro.person.id), 'forbidden');
    await rejects(listRoster(ctx, otherOwner.actor, gymA.id), 'forbidden');
    await rejects(listMembers(ctx, otherOwner.actor, gymA.id), 'forbidden');
    await rejects(addToRoster(ctx, otherOwner.actor, gymA.id, pro.person.id), 'forbidden');
    await rejects(listRoster(ctx, gymOwner.actor, gymB.id), 'forbidden');

    // Revocation takes effect immediately.
    await revokeConsent(ctx, pro.actor, pro.person.id, gymA.id);
    await rejects(getPersonStatus(ctx, gymViewer.actor, pro.person.id, '2025-06-01'), 'forbidden');
    await rejects(listHoldings(ctx, gymViewer.actor, pro.person.id), 'forbidden');
    const history = await listConsents(ctx, pro.actor, pro.person.id);
    expect(history.map((g) => [g.scope, g.revokedAt !== undefined])).toEqual([
      ['status', true],
      ['records', true],
    ]);
    // Only the person manages their consent.
    await rejects(grantConsent(ctx, gymOwner.actor, pro.person.id, gymA.id, 'records'), 'forbidden');
  });

  it('lets an organisation manage people without accounts, and only its own', async () => {
    const owner = await signUp('owner@studio.example');
    const member = await signUp('coach@studio.example');
    const outsider = await signUp('owner@elsewhere.example');
    const studio = await createOrganisation(ctx, owner.actor, { name: 'Studio' });
    const elsewhere = await createOrganisation(ctx, outsider.actor, { name: 'Elsewhere' });
    await joinByInvitation(ctx, owner.actor, studio.id, member, 'member');
    const staff = await createManagedPerson(ctx, member.actor, studio.id, {
      name: 'Sam Staff',
      externalRef: 'S-7',
    });
    await addHolding(ctx, member.actor, staff.id, { credential: 'aha.bls', earned: '2025-06-10' });
    await expect(listHoldings(ctx, owner.actor, staff.id)).resolves.toHaveLength(1);
    await rejects(listHoldings(ctx, outsider.actor, staff.id), 'forbidden');
    await rejects(
      addHolding(ctx, outsider.actor, staff.id, { credential: 'aha.bls', earned: '2025-06-10' }),
      'forbidden',
    );
    await rejects(createManagedPerson(ctx, outsider.actor, studio.id, { name: 'Intruder' }), 'forbidden');
    await expect(listRoster(ctx, outsider.actor, elsewhere.id)).resolves.toEqual([]);

    // The roster evaluates on the date asked for, with no re-evaluation run first.
    // The coach joined by invitation, so is on the roster too, showing nothing without consent.
    const managed = (entries: Awaited<ReturnType<typeof listRoster>>) =>
      entries.filter((e) => e.person.id === staff.id);
    const fresh = await listRoster(ctx, member.actor, studio.id, '2027-07-01');
    expect(fresh.map((e) => [e.person.id, e.access])).toEqual(
      expect.arrayContaining([
        [staff.id, 'managed'],
        [member.person.id, null],
      ]),
    );
    expect(fresh).toHaveLength(2);
    expect(managed(fresh)[0]?.statuses).toMatchObject([
      { credential: 'aha.bls', status: 'expired', asOf: '2027-07-01' },
    ]);
    await reevaluate(ctx, SYSTEM, '2025-07-01');
    const roster = await listRoster(ctx, member.actor, studio.id, '2025-07-01');
    expect(roster).toHaveLength(2);
    expect(managed(roster)).toMatchObject([{ access: 'managed', externalRef: 'S-7' }]);
    expect(managed(roster)[0]?.statuses).toMatchObject([
      { credential: 'aha.bls', status: 'valid', asOf: '2025-07-01' },
    ]);
  });

  it('enforces roles: managers manage, viewers read, an organisation keeps an owner', async () => {
    const owner = await signUp('boss@club.example');
    const admin = await signUp('admin@club.example');
    const viewer = await signUp('viewer@club.example');
    const invited = await signUp('new@club.example');
    const club = await createOrganisation(ctx, owner.actor, { name: 'Club' });
    await joinByInvitation(ctx, owner.actor, club.id, admin, 'admin');
    await joinByInvitation(ctx, admin.actor, club.id, viewer, 'viewer');
    await rejects(
      inviteMember(ctx, viewer.actor, club.id, { email: 'new@club.example', role: 'member' }),
      'forbidden',
    );
    await rejects(changeMemberRole(ctx, admin.actor, club.id, viewer.account.id, 'owner'), 'forbidden');
    await rejects(removeMember(ctx, owner.actor, club.id, owner.account.id), 'conflict');
    await rejects(changeMemberRole(ctx, owner.actor, club.id, owner.account.id, 'admin'), 'conflict');

    const { token, invitation } = await inviteMember(ctx, admin.actor, club.id, {
      email: 'new@club.example',
      role: 'member',
    });
    const stored = await store.invitations.findByTokenHash(token);
    expect(stored).toBeUndefined(); // only the hash is stored
    await rejects(acceptInvitation(ctx, viewer.actor, token), 'forbidden');
    await expect(acceptInvitation(ctx, invited.actor, token)).resolves.toMatchObject({ role: 'member' });
    await rejects(acceptInvitation(ctx, invited.actor, token), 'not-found');
    expect((await listMembers(ctx, viewer.actor, club.id)).map((m) => [m.email, m.role])).toEqual([
      ['admin@club.example', 'admin'],
      ['boss@club.example', 'owner'],
      ['new@club.example', 'member'],
      ['viewer@club.example', 'viewer'],
    ]);
    expect(invitation.email).toBe('new@club.example');

    const audit = await listAudit(ctx, owner.actor, { organisationId: club.id });
    expect(audit.map((e) => e.action)).toEqual([
      'organisation.create',
      ...['admin', 'viewer', 'new member'].flatMap(() => [
        'invitation.create',
        'invitation.accept',
        'roster.add',
      ]),
    ]);
    // Accepting puts each new member on the roster; without their consent it shows no status.
    const joined = await listRoster(ctx, owner.actor, club.id);
    expect(joined.map((r) => [r.person.id, r.access, r.statuses]).sort()).toEqual(
      [admin, viewer, invited].map((x) => [x.person.id, null, []]).sort(),
    );
    await rejects(listAudit(ctx, viewer.actor, { organisationId: club.id }), 'forbidden');
  });

  it('writes an append-only audit trail with before and after', async () => {
    const pro = await signUp('audited@example.com');
    const held = await addHolding(ctx, pro.actor, pro.person.id, {
      credential: 'nasm.cpt',
      earned: '2024-03-15',
    });
    await removeCompletion(ctx, pro.actor, 'missing').catch(() => undefined);
    const entries = await listAudit(ctx, pro.actor, { personId: pro.person.id });
    const add = entries.find((e) => e.action === 'holding.add');
    expect(add).toMatchObject({
      actorKind: 'account',
      actorId: pro.account.id,
      entity: 'holding',
      entityId: held.id,
      at: '2026-01-15T12:00:00.000Z',
      after: { credential: 'nasm.cpt', earned: '2024-03-15', renewals: [] },
    });
    expect(JSON.stringify(entries)).not.toContain('scrypt$');
    const appendOnly = { cause: { message: expect.stringMatching(/append-only/) } };
    await expect(
      store.repositoriesFor((db) => db.execute(sql`update audit_log set action = 'tampered'`)),
    ).rejects.toMatchObject(appendOnly);
    await expect(store.repositoriesFor((db) => db.execute(sql`delete from audit_log`))).rejects.toMatchObject(
      appendOnly,
    );
  });

  it('decides many people’s access at once as it does person by person', async () => {
    const owners = await Promise.all(['a', 'b', 'c'].map((x) => signUp(`owner@bulk-${x}.example`)));
    const orgs = await Promise.all(
      owners.map((o, i) => createOrganisation(ctx, o.actor, { name: `Bulk ${i}` })),
    );
    // The first owner also sits in the second organisation, as a viewer.
    await joinByInvitation(ctx, owners[1]!.actor, orgs[1]!.id, owners[0]!, 'viewer');
    const pros = await Promise.all([0, 1, 2, 3, 4].map((i) => signUp(`pro${i}@bulk.example`)));
    await grantConsent(ctx, pros[0]!.actor, pros[0]!.person.id, orgs[0]!.id, 'status');
    await grantConsent(ctx, pros[1]!.actor, pros[1]!.person.id, orgs[1]!.id, 'records');
    await grantConsent(ctx, pros[2]!.actor, pros[2]!.person.id, orgs[0]!.id, 'status');
    await grantConsent(ctx, pros[2]!.actor, pros[2]!.person.id, orgs[1]!.id, 'records');
    await grantConsent(ctx, pros[3]!.actor, pros[3]!.person.id, orgs[2]!.id, 'records');
    await revokeConsent(ctx, pros[3]!.actor, pros[3]!.person.id, orgs[2]!.id);
    const managed = await Promise.all(
      orgs.map((o, i) => createManagedPerson(ctx, owners[i]!.actor, o.id, { name: `Staff ${i}` })),
    );
    const people = [...pros.map((p) => p.person), ...managed, owners[0]!.person];
    const actors = [...owners.map((o) => o.actor), pros[2]!.actor, SYSTEM];
    const seen = new Set<string>();
    for (const a of actors) {
      const accessOf = await personAccessOf(store, a);
      for (const person of people) {
        const one = await personAccess(store, a, person);
        expect(accessOf(person)).toBe(one);
        seen.add(one);
      }
    }
    // Every kind of answer was compared.
    expect([...seen].sort()).toEqual(['managed', 'none', 'owner', 'records', 'status']);
    // As a viewer of the second organisation, the first owner sees only the status of the people
    // who shared their records with it, and of the people it manages.
    expect(await personAccess(store, owners[0]!.actor, pros[1]!.person)).toBe('status');
    expect(await personAccess(store, owners[0]!.actor, managed[1]!)).toBe('status');
    expect(await personAccess(store, owners[1]!.actor, pros[1]!.person)).toBe('records');
  });
});
