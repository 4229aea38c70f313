/**
 * The audit trail: every change use-cases make is recorded with who, when,
 * what, before and after, in the same transaction as the change itself.
 */
import { AppError } from '../core/errors.ts';
import type { AuditEntry } from '../store/model.ts';
import type { Repositories } from '../store/port.ts';
import { requireOrganisationRole, requireSelf } from './access.ts';
import { type Actor, actorId, nowIso, type UseCaseContext } from './context.ts';

export interface Change {
  action: string;
  entity: string;
  entityId: string;
  personId?: string | undefined;
  organisationId?: string | undefined;
  before?: unknown;
  after?: unknown;
}

export async function recordChange(
  ctx: UseCaseContext,
  tx: Repositories,
  actor: Actor,
  change: Change,
): Promise<void> {
  await tx.audit.append([
    {
      at: nowIso(ctx),
      actorKind: actor.kind,
      actorId: actorId(actor),
      action: change.action,
      entity: change.entity,
      entityId: change.entityId,
      ...(change.personId === undefined ? {} : { personId: change.personId }),
      ...(change.organisationId === undefined ? {} : { organisationId: change.organisationId }),
      ...(change.before === undefined ? {} : { before: change.before }),
      ...(change.after === undefined ? {} : { after: change.after }),
    },
  ]);
}

export interface AuditQuery {
  personId?: string;
  organisationId?: string;
  afterSeq?: number;
  limit?: number;
}

/** A person reads their own trail; an organisation's owner or admin reads the organisation's. */
export async function listAudit(ctx: UseCaseContext, actor: Actor, query: AuditQuery): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const page = { ...(query.afterSeq === undefined ? {} : { afterSeq: query.afterSeq }), limit };
  if (query.personId !== undefined) {
    await requireSelf(ctx.store, actor, query.personId);
    return ctx.store.audit.list({ personId: query.personId, ...page });
  }
  if (query.organisationId !== undefined) {
    await requireOrganisationRole(ctx.store, actor, query.organisationId, ['owner', 'admin']);
    return ctx.store.audit.list({ organisationId: query.organisationId, ...page });
  }
  if (actor.kind === 'system') return ctx.store.audit.list(page);
  throw AppError.invalid('say whose audit trail to list', [
    { field: 'personId', message: 'give a personId or an organisationId' },
  ]);
}
