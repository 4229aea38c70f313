/** A use-case context for tests: a fixed clock, counting ids and a temp evidence folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFileStorage } from '../../src/files/storage.ts';
import type { Membership, Role } from '../../src/store/model.ts';
import type { Store } from '../../src/store/port.ts';
import { type Actor, createContext, type UseCaseContext } from '../../src/usecases/context.ts';
import { acceptInvitation, inviteMember } from '../../src/usecases/organisations.ts';

export function testContext(store: Store, prefix = 'id'): UseCaseContext {
  let n = 0;
  return createContext({
    store,
    files: localFileStorage(mkdtempSync(join(tmpdir(), 'recert-files-'))),
    clock: () => new Date('2026-01-15T12:00:00.000Z'),
    newId: () => `${prefix}-${String(++n).padStart(6, '0')}`,
  });
}

/** An account joins an organisation the only way there is: invited by a manager, then accepting. */
export async function joinByInvitation(
  ctx: UseCaseContext,
  inviter: Actor,
  organisationId: string,
  invitee: { actor: Actor; account: { email: string } },
  role: Role,
): Promise<Membership> {
  const { token } = await inviteMember(ctx, inviter, organisationId, { email: invitee.account.email, role });
  return acceptInvitation(ctx, invitee.actor, token);
}
