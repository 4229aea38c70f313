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
  let best: PersonAccess = 'none';
  for (const { organisation } of await repos.organisations.listForAccount(actor.accountId)) {
    if (person.managedBy === organisation.id && person.accountId === undefined) return 'managed';
    const grant = await repos.consents.findActive(person.id, organisation.id);
    if (grant?.scope === 'records') best = 'records';
    else if (grant?.scope === 'status' && best === 'none') best = 'status';
  }
  return best;
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
  if (actor.kind === 'system' || person.accountId === actor.accountId) return person;
  if (person.accountId === undefined && person.managedBy !== undefined) {
    const membership = await repos.memberships.find(person.managedBy, actor.accountId);
    if (membership && membership.role !== 'viewer') return person;
  }
  throw AppError.forbidden('only the person themself can change these records');
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
