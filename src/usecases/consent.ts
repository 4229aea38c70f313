/**
 * Consent: a professional shares their status only, or their full records,
 * with an organisation, and can revoke it; revocation takes effect at once
 * because every read checks the active grant.
 */
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { ConsentGrant, ConsentScope } from '../store/model.ts';
import { CONSENT_SCOPES } from '../store/schema.ts';
import { requireSelf } from './access.ts';
import { recordChange } from './audit.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';
import { parseInput } from './validate.ts';

export async function grantConsent(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  organisationId: string,
  scope: ConsentScope,
): Promise<ConsentGrant> {
  const checked = parseInput(z.enum(CONSENT_SCOPES), scope, 'the consent scope');
  return ctx.store.transaction(async (tx) => {
    await requireSelf(tx, actor, personId);
    if (!(await tx.organisations.findById(organisationId)))
      throw AppError.notFound(`organisation ${organisationId}`);
    const at = nowIso(ctx);
    const before = await tx.consents.findActive(personId, organisationId);
    if (before?.scope === checked) return before;
    if (before) await tx.consents.revoke(before.id, at);
    const grant: ConsentGrant = { id: ctx.newId(), personId, organisationId, scope: checked, grantedAt: at };
    await tx.consents.insert(grant);
    await recordChange(ctx, tx, actor, {
      action: 'consent.grant',
      entity: 'consent',
      entityId: grant.id,
      personId,
      organisationId,
      before,
      after: grant,
    });
    return grant;
  });
}

export async function revokeConsent(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  organisationId: string,
) {
  await ctx.store.transaction(async (tx) => {
    await requireSelf(tx, actor, personId);
    const before = await tx.consents.findActive(personId, organisationId);
    if (!before) throw AppError.notFound('an active consent for this organisation');
    const at = nowIso(ctx);
    await tx.consents.revoke(before.id, at);
    await recordChange(ctx, tx, actor, {
      action: 'consent.revoke',
      entity: 'consent',
      entityId: before.id,
      personId,
      organisationId,
      before,
      after: { ...before, revokedAt: at },
    });
  });
}

export async function listConsents(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
): Promise<ConsentGrant[]> {
  await requireSelf(ctx.store, actor, personId);
  return ctx.store.consents.listForPerson(personId);
}
