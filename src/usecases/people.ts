/**
 * People (a professional's profile, with or without an account) and
 * organisations' rosters. A roster shows each person only as far as their
 * consent allows; a person the organisation manages is fully visible to it.
 */
import { z } from 'zod';
import { utcDateOf } from '../core/dates.ts';
import { AppError } from '../core/errors.ts';
import { EmailAddress } from '../core/profile/schema.ts';
import type { ConsentScope, HoldingStatusSummary, Person, RosterEntry } from '../store/model.ts';
import {
  ANY_ROLE,
  EDITORS,
  findPerson,
  MANAGERS,
  requireOrganisationRole,
  requirePersonRead,
  requirePersonWrite,
} from './access.ts';
import { recordChange } from './audit.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';
import { currentSummaries } from './status.ts';
import { compact, parseInput } from './validate.ts';

const PersonFields = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: EmailAddress.optional(),
  })
  .strict();

export async function getMyPerson(ctx: UseCaseContext, actor: Actor): Promise<Person> {
  if (actor.kind !== 'account') throw AppError.forbidden('only an account has its own profile');
  const person = await ctx.store.people.findByAccount(actor.accountId);
  if (!person) throw AppError.notFound('your profile');
  return person;
}

export async function getPerson(ctx: UseCaseContext, actor: Actor, personId: string): Promise<Person> {
  return requirePersonRead(ctx.store, actor, personId, 'status');
}

export async function updatePerson(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  input: { name?: string; email?: string },
): Promise<Person> {
  const fields = compact(parseInput(PersonFields, input, 'the person'));
  return ctx.store.transaction(async (tx) => {
    const before = await requirePersonWrite(tx, actor, personId);
    const after: Person = { ...before, ...fields };
    await tx.people.update(after);
    await recordChange(ctx, tx, actor, {
      action: 'person.update',
      entity: 'person',
      entityId: personId,
      personId,
      before,
      after,
    });
    return after;
  });
}

/** A person without an account, created and managed by an organisation and put on its roster. */
export async function createManagedPerson(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  input: { name?: string; email?: string; externalRef?: string },
): Promise<Person> {
  const { externalRef, ...fields } = parseInput(
    PersonFields.extend({ externalRef: z.string().trim().min(1).max(200).optional() }),
    input,
    'the person',
  );
  return ctx.store.transaction(async (tx) => {
    await requireOrganisationRole(tx, actor, organisationId, EDITORS);
    const createdAt = nowIso(ctx);
    const person: Person = { id: ctx.newId(), managedBy: organisationId, ...compact(fields), createdAt };
    await tx.people.insert(person);
    const entry: RosterEntry = {
      organisationId,
      personId: person.id,
      ...(externalRef ? { externalRef } : {}),
      createdAt,
    };
    await tx.roster.add(entry);
    await recordChange(ctx, tx, actor, {
      action: 'person.create',
      entity: 'person',
      entityId: person.id,
      personId: person.id,
      organisationId,
      after: { person, roster: entry },
    });
    return person;
  });
}

export async function addToRoster(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  personId: string,
  input: { externalRef?: string } = {},
): Promise<RosterEntry> {
  return ctx.store.transaction(async (tx) => {
    await requireOrganisationRole(tx, actor, organisationId, MANAGERS);
    const person = await findPerson(tx, personId);
    const before = await tx.roster.find(organisationId, personId);
    // A roster shows its people's names: an organisation may not put just anyone on it. Someone
    // with an account joins by accepting an invitation or by sharing with the organisation; someone
    // without one is on the roster of the organisation managing them.
    if (!before && actor.kind !== 'system' && person.accountId !== actor.accountId) {
      const allowed =
        person.accountId === undefined
          ? person.managedBy === organisationId
          : (await tx.consents.findActive(personId, organisationId)) !== undefined;
      if (!allowed) {
        throw AppError.forbidden(
          person.accountId === undefined
            ? 'this person is managed by another organisation'
            : 'a person with an account joins a roster by accepting an invitation, or by sharing their status with the organisation',
        );
      }
    }
    const entry: RosterEntry = {
      organisationId,
      personId,
      ...(input.externalRef ? { externalRef: input.externalRef } : {}),
      createdAt: before?.createdAt ?? nowIso(ctx),
    };
    await tx.roster.add(entry);
    await recordChange(ctx, tx, actor, {
      action: 'roster.add',
      entity: 'roster',
      entityId: `${organisationId}/${personId}`,
      organisationId,
      personId,
      before,
      after: entry,
    });
    return entry;
  });
}

export async function removeFromRoster(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  personId: string,
) {
  await ctx.store.transaction(async (tx) => {
    await requireOrganisationRole(tx, actor, organisationId, MANAGERS);
    const before = await tx.roster.find(organisationId, personId);
    if (!before) throw AppError.notFound(`person ${personId} on this roster`);
    await tx.roster.remove(organisationId, personId);
    await recordChange(ctx, tx, actor, {
      action: 'roster.remove',
      entity: 'roster',
      entityId: `${organisationId}/${personId}`,
      organisationId,
      personId,
      before,
    });
  });
}

export interface RosterRow {
  person: Person;
  externalRef?: string;
  /** What the organisation may see: 'managed' (it keeps this person's records), a consent scope, or null. */
  access: ConsentScope | 'managed' | null;
  /** Per-holding summaries as of the roster's date, when consent allows. */
  statuses: HoldingStatusSummary[];
}

/**
 * The roster with each visible person's status evaluated as of `asOf`
 * (default: today by the context's clock), so a new member's status shows
 * at once rather than after the next re-evaluation.
 */
export async function listRoster(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  asOf: string = utcDateOf(ctx.clock()),
): Promise<RosterRow[]> {
  await requireOrganisationRole(ctx.store, actor, organisationId, ANY_ROLE);
  const entries = await ctx.store.roster.list(organisationId);
  const consents = await ctx.store.consents.activeForOrganisation(organisationId);
  return rosterRowsOf(ctx, organisationId, asOf, entries, consents);
}

/**
 * The roster rows of these people only, as `listRoster` gives them: how a roster kept between
 * requests is brought up to date when some of its people change. People no longer on the roster
 * are left out.
 */
export async function rosterRowsFor(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  personIds: readonly string[],
  asOf: string = utcDateOf(ctx.clock()),
): Promise<RosterRow[]> {
  await requireOrganisationRole(ctx.store, actor, organisationId, ANY_ROLE);
  const entries: (RosterEntry & { person: Person })[] = [];
  const consents = new Map<string, ConsentScope>();
  for (const personId of personIds) {
    const entry = await ctx.store.roster.find(organisationId, personId);
    const person = entry && (await ctx.store.people.findById(personId));
    if (!entry || !person) continue;
    entries.push({ ...entry, person });
    const grant = await ctx.store.consents.findActive(personId, organisationId);
    if (grant) consents.set(personId, grant.scope);
  }
  return rosterRowsOf(ctx, organisationId, asOf, entries, consents);
}

async function rosterRowsOf(
  ctx: UseCaseContext,
  organisationId: string,
  asOf: string,
  entries: readonly (RosterEntry & { person: Person })[],
  consents: ReadonlyMap<string, ConsentScope>,
): Promise<RosterRow[]> {
  const access = (p: Person): RosterRow['access'] =>
    p.managedBy === organisationId && p.accountId === undefined ? 'managed' : (consents.get(p.id) ?? null);
  const visible = entries.filter((e) => access(e.person) !== null);
  // Only summaries are shown: completions that can no longer count are left unread.
  const byPerson = new Map<string, HoldingStatusSummary[]>();
  const summaries = await currentSummaries(
    ctx.store,
    visible.map((e) => e.personId),
    ctx.ruleSet(),
    asOf,
  );
  for (const summary of summaries) {
    const list = byPerson.get(summary.personId);
    if (list) list.push(summary);
    else byPerson.set(summary.personId, [summary]);
  }
  return entries.map((e) => {
    const a = access(e.person);
    // Without consent the roster shows who is on it, not their contact details or status.
    const person: Person =
      a === null
        ? {
            id: e.person.id,
            ...(e.person.name ? { name: e.person.name } : {}),
            createdAt: e.person.createdAt,
          }
        : e.person;
    return {
      person,
      ...(e.externalRef ? { externalRef: e.externalRef } : {}),
      access: a,
      statuses: a === null ? [] : (byPerson.get(e.personId) ?? []),
    };
  });
}
