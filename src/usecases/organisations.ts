/**
 * Organisations (gyms, studios, clinics) and their memberships. Owners and
 * admins manage members and invitations; only an owner makes owners; an
 * organisation always keeps at least one owner.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { Invitation, Membership, Organisation, Role } from '../store/model.ts';
import type { Repositories } from '../store/port.ts';
import { ROLES } from '../store/schema.ts';
import { ANY_ROLE, MANAGERS, requireOrganisationRole } from './access.ts';
import { recordChange } from './audit.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';
import { parseInput } from './validate.ts';

const RoleSchema = z.enum(ROLES);

export async function createOrganisation(
  ctx: UseCaseContext,
  actor: Actor,
  input: { name: string },
): Promise<Organisation> {
  const { name } = parseInput(
    z.object({ name: z.string().trim().min(1).max(200) }).strict(),
    input,
    'the organisation',
  );
  if (actor.kind !== 'account')
    throw AppError.forbidden('an organisation is created by an account, which becomes its owner');
  return ctx.store.transaction(async (tx) => {
    const organisation: Organisation = { id: ctx.newId(), name, createdAt: nowIso(ctx) };
    await tx.organisations.insert(organisation);
    const membership: Membership = {
      organisationId: organisation.id,
      accountId: actor.accountId,
      role: 'owner',
      createdAt: organisation.createdAt,
    };
    await tx.memberships.upsert(membership);
    await recordChange(ctx, tx, actor, {
      action: 'organisation.create',
      entity: 'organisation',
      entityId: organisation.id,
      organisationId: organisation.id,
      after: { organisation, owner: actor.accountId },
    });
    return organisation;
  });
}

export async function listMyOrganisations(
  ctx: UseCaseContext,
  actor: Actor,
): Promise<{ organisation: Organisation; role: Role }[]> {
  if (actor.kind !== 'account') return [];
  return ctx.store.organisations.listForAccount(actor.accountId);
}

export async function getOrganisation(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
): Promise<Organisation> {
  await requireOrganisationRole(ctx.store, actor, organisationId, ANY_ROLE);
  return (await ctx.store.organisations.findById(organisationId))!;
}

export async function listMembers(ctx: UseCaseContext, actor: Actor, organisationId: string) {
  await requireOrganisationRole(ctx.store, actor, organisationId, ANY_ROLE);
  return ctx.store.memberships.list(organisationId);
}

function checkGrantable(granter: Membership | undefined, role: Role): void {
  if (role === 'owner' && granter !== undefined && granter.role !== 'owner') {
    throw AppError.forbidden('only an owner can make someone an owner');
  }
}

async function ensureOwnerRemains(
  tx: Repositories,
  organisationId: string,
  current: Membership,
  next?: Role,
) {
  if (
    current.role === 'owner' &&
    next !== 'owner' &&
    (await tx.memberships.countOwners(organisationId)) <= 1
  ) {
    throw new AppError('conflict', 'an organisation needs at least one owner; make someone else owner first');
  }
}

export async function changeMemberRole(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  accountId: string,
  role: Role,
): Promise<Membership> {
  const next = parseInput(RoleSchema, role, 'the role');
  return ctx.store.transaction(async (tx) => {
    const granter = await requireOrganisationRole(tx, actor, organisationId, MANAGERS);
    const current = await tx.memberships.find(organisationId, accountId);
    if (!current) throw AppError.notFound(`membership of ${accountId}`);
    checkGrantable(granter, next);
    if (current.role === 'owner') checkGrantable(granter, 'owner');
    await ensureOwnerRemains(tx, organisationId, current, next);
    const updated: Membership = { ...current, role: next };
    await tx.memberships.upsert(updated);
    await recordChange(ctx, tx, actor, {
      action: 'membership.role',
      entity: 'membership',
      entityId: `${organisationId}/${accountId}`,
      organisationId,
      before: current,
      after: updated,
    });
    return updated;
  });
}

export async function removeMember(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  accountId: string,
) {
  await ctx.store.transaction(async (tx) => {
    const leavingThemself = actor.kind === 'account' && actor.accountId === accountId;
    const granter = leavingThemself
      ? await requireOrganisationRole(tx, actor, organisationId, ANY_ROLE)
      : await requireOrganisationRole(tx, actor, organisationId, MANAGERS);
    const current = await tx.memberships.find(organisationId, accountId);
    if (!current) throw AppError.notFound(`membership of ${accountId}`);
    if (current.role === 'owner' && !leavingThemself) checkGrantable(granter, 'owner');
    await ensureOwnerRemains(tx, organisationId, current);
    await tx.memberships.remove(organisationId, accountId);
    await recordChange(ctx, tx, actor, {
      action: 'membership.remove',
      entity: 'membership',
      entityId: `${organisationId}/${accountId}`,
      organisationId,
      before: current,
    });
  });
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Invites an email to the organisation; the token is returned once and only its hash is kept. */
export async function inviteMember(
  ctx: UseCaseContext,
  actor: Actor,
  organisationId: string,
  input: { email: string; role: Role },
): Promise<{ invitation: Invitation; token: string }> {
  const { email, role } = parseInput(
    z.object({ email: z.string().trim().toLowerCase().min(3), role: RoleSchema }).strict(),
    input,
  );
  return ctx.store.transaction(async (tx) => {
    const granter = await requireOrganisationRole(tx, actor, organisationId, MANAGERS);
    checkGrantable(granter, role);
    if (actor.kind !== 'account') throw AppError.forbidden('an invitation is sent by a member account');
    const token = randomBytes(24).toString('base64url');
    const invitation: Invitation = {
      id: ctx.newId(),
      organisationId,
      email,
      role,
      invitedBy: actor.accountId,
      createdAt: nowIso(ctx),
    };
    await tx.invitations.insert(invitation, hashToken(token));
    await recordChange(ctx, tx, actor, {
      action: 'invitation.create',
      entity: 'invitation',
      entityId: invitation.id,
      organisationId,
      after: invitation,
    });
    return { invitation, token };
  });
}

export async function acceptInvitation(
  ctx: UseCaseContext,
  actor: Actor,
  token: string,
): Promise<Membership> {
  if (actor.kind !== 'account') throw AppError.forbidden('sign in to accept an invitation');
  return ctx.store.transaction(async (tx) => {
    const invitation = await tx.invitations.findByTokenHash(hashToken(String(token)));
    if (!invitation || invitation.acceptedAt) throw AppError.notFound('an open invitation with this token');
    const account = await tx.accounts.findById(actor.accountId);
    if (!account || account.email !== invitation.email) {
      throw AppError.forbidden('this invitation was sent to another email address');
    }
    const at = nowIso(ctx);
    const existing = await tx.memberships.find(invitation.organisationId, account.id);
    const membership: Membership = existing ?? {
      organisationId: invitation.organisationId,
      accountId: account.id,
      role: invitation.role,
      createdAt: at,
    };
    if (!existing) await tx.memberships.upsert(membership);
    await tx.invitations.markAccepted(invitation.id, account.id, at);
    await recordChange(ctx, tx, actor, {
      action: 'invitation.accept',
      entity: 'membership',
      entityId: `${invitation.organisationId}/${account.id}`,
      organisationId: invitation.organisationId,
      after: membership,
    });
    // Joining staff appear on the roster; what the organisation sees of them still needs their consent.
    const person = await tx.people.findByAccount(account.id);
    if (person && !(await tx.roster.find(invitation.organisationId, person.id))) {
      const entry = { organisationId: invitation.organisationId, personId: person.id, createdAt: at };
      await tx.roster.add(entry);
      await recordChange(ctx, tx, actor, {
        action: 'roster.add',
        entity: 'roster',
        entityId: `${invitation.organisationId}/${person.id}`,
        organisationId: invitation.organisationId,
        personId: person.id,
        after: entry,
      });
    }
    return membership;
  });
}
