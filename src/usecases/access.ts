/**
 * Authorisation, per tenant, in one place. Every use-case asks here before it
 * reads or writes: a person's own account, the system operator, an
 * organisation by role, and an organisation's view of a person by consent.
 */
import { AppError } from '../core/errors.ts';
import type { ConsentScope, Membership, Person, Role } from '../store/model.ts';
import type { Repositories } from '../store/port.ts';
import type { Actor } from './context.ts';

/** How much of a person an actor may see: everything, records (CE and evidence), status only, or nothing. */
export type PersonAccess = 'owner' | 'managed' | ConsentScope | 'none';

export async function findPerson(repos: Repositories, personId: string): Promise<Person> {
  const person = await repos.people.findById(personId);
  if (!person) throw AppError.notFound(`person ${personId}`);
  return person;
}

export async function personAccess(repos: Repositories, actor: Actor, person: Person): Promise<PersonAccess> {
  if (actor.kind === 'system') return 'owner';
  if (person.accountId === actor.accountId) return 'owner';
  const memberships = await repos.organisations.listForAccount(actor.accountId);
  let access: PersonAccess = 'none';
  for (const { organisation, role } of memberships) {
    const granted =
      person.accountId === undefined
        ? undefined
        : (await repos.consents.findActive(person.id, organisation.id))?.scope;
    access = wider(access, organisationAccess(person, organisation.id, role, granted));
  }
  return access;
}

/**
 * personAccess for many people at once (an organisation's export): the actor's organisations and
 * each one's active consents are read once, and every person is then decided in memory by the same
 * rule as personAccess.
 */
export async function personAccessOf(
  repos: Repositories,
  actor: Actor,
): Promise<(person: Person) => PersonAccess> {
  if (actor.kind === 'system') return () => 'owner';
  const memberships = await repos.organisations.listForAccount(actor.accountId);
  const consents = await Promise.all(
    memberships.map((m) => repos.consents.activeForOrganisation(m.organisation.id)),
  );
  return (person) => {
    if (person.accountId === actor.accountId) return 'owner';
    let access: PersonAccess = 'none';
    for (const [i, { organisation, role }] of memberships.entries()) {
      const granted = person.accountId === undefined ? undefined : consents[i]!.get(person.id);
      access = wider(access, organisationAccess(person, organisation.id, role, granted));
    }
    return access;
  };
}

/**
 * What one of the actor's organisations may see of a person: all of a person without an account it
 * manages, else what the person granted it. A viewer (staff who follow the roster) sees at most
 * the status: a colleague's CE records and certificates are for those who run the organisation.
 */
function organisationAccess(
  person: Person,
  organisationId: string,
  role: Role,
  granted: ConsentScope | undefined,
): PersonAccess {
  const access: PersonAccess =
    person.accountId === undefined && person.managedBy === organisationId ? 'managed' : (granted ?? 'none');
  return role === 'viewer' && access !== 'none' ? 'status' : access;
}

const WIDTH: Record<PersonAccess, number> = { none: 0, status: 1, records: 2, managed: 3, owner: 4 };

function wider(a: PersonAccess, b: PersonAccess): PersonAccess {
  return WIDTH[b] > WIDTH[a] ? b : a;
}

const SATISFIES: Record<PersonAccess, readonly ConsentScope[]> = {
  owner: ['status', 'records'],
  managed: ['status', 'records'],
  records: ['status', 'records'],
  status: ['status'],
  none: [],
};

/** The person, if the actor may read what `need` covers: 'status' (holdings, status) or 'records' (completions, evidence). */
export async function requirePersonRead(
  repos: Repositories,
  actor: Actor,
  personId: string,
  need: ConsentScope,
): Promise<Person> {
  const person = await findPerson(repos, personId);
  const access = await personAccess(repos, actor, person);
  if (!SATISFIES[access].includes(need)) {
    throw AppError.forbidden(
      access === 'none'
        ? 'this person has not shared their records with you'
        : `this person shares only their ${access} with your organisation`,
    );
  }
  return person;
}

/** Writes: the person themself, the operator, or a non-viewer of the organisation managing a person without an account. */
export async function requirePersonWrite(
  repos: Repositories,
  actor: Actor,
  personId: string,
): Promise<Person> {
  const person = await findPerson(repos, personId);
  if (
    await mayWritePerson(actor, person, (organisationId, accountId) =>
      repos.memberships.find(organisationId, accountId),
    )
  )
    return person;
  throw AppError.forbidden('only the person themself can change these records');
}

/**
 * requirePersonWrite's rule for a person already read. `membership` finds the actor's membership
 * of the organisation managing the person; a caller checking many people (an import) can remember
 * its answers per organisation.
 */
export async function mayWritePerson(
  actor: Actor,
  person: Pick<Person, 'accountId' | 'managedBy'>,
  membership: (organisationId: string, accountId: string) => Promise<Membership | undefined>,
): Promise<boolean> {
  if (actor.kind === 'system' || person.accountId === actor.accountId) return true;
  if (person.accountId !== undefined || person.managedBy === undefined) return false;
  const found = await membership(person.managedBy, actor.accountId);
  return found !== undefined && found.role !== 'viewer';
}

/** Only the person themself (or the operator): consent, their audit trail. */
export async function requireSelf(repos: Repositories, actor: Actor, personId: string): Promise<Person> {
  const person = await findPerson(repos, personId);
  if (actor.kind === 'system' || person.accountId === actor.accountId) return person;
  throw AppError.forbidden('only the person themself can do this');
}

/** The actor's membership, when it has one of the roles; the operator passes with no membership. */
export async function requireOrganisationRole(
  repos: Repositories,
  actor: Actor,
  organisationId: string,
  roles: readonly Role[],
): Promise<Membership | undefined> {
  const organisation = await repos.organisations.findById(organisationId);
  if (!organisation) throw AppError.notFound(`organisation ${organisationId}`);
  if (actor.kind === 'system') return undefined;
  const membership = await repos.memberships.find(organisationId, actor.accountId);
  if (!membership) throw AppError.forbidden('you are not a member of this organisation');
  if (!roles.includes(membership.role)) {
    throw AppError.forbidden(`this needs the role ${roles.join(' or ')}; you are ${membership.role}`);
  }
  return membership;
}

export const ANY_ROLE: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];
export const MANAGERS: readonly Role[] = ['owner', 'admin'];
export const EDITORS: readonly Role[] = ['owner', 'admin', 'member'];
