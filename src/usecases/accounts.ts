/**
 * Accounts: sign-up and sign-in with hashed passwords. Sessions and API
 * tokens belong to the HTTP API; it calls these to create and check accounts.
 */
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { Account, Person } from '../store/model.ts';
import { recordChange } from './audit.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords.ts';
import { parseInput } from './validate.ts';

export const MIN_PASSWORD_LENGTH = 10;

const Email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'must be an email address' })
  .transform((e) => e.toLowerCase());
const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(1024);

export const RegisterInput = z
  .object({ email: Email, password: Password, name: z.string().trim().min(1).max(200).optional() })
  .strict();
export type RegisterInput = z.input<typeof RegisterInput>;

/** Creates an account and the account's own person profile. */
export async function registerAccount(
  ctx: UseCaseContext,
  input: RegisterInput,
): Promise<{ account: Account; person: Person }> {
  const { email, password, name } = parseInput(RegisterInput, input, 'the sign-up');
  const passwordHash = await hashPassword(password);
  return ctx.store.transaction(async (tx) => {
    if (await tx.accounts.findByEmailWithSecret(email)) {
      throw new AppError('conflict', 'an account with this email already exists', [
        { field: 'email', message: 'already registered' },
      ]);
    }
    const createdAt = nowIso(ctx);
    const account: Account = { id: ctx.newId(), email, ...(name ? { name } : {}), createdAt };
    await tx.accounts.insert({ ...account, passwordHash });
    const person: Person = {
      id: ctx.newId(),
      accountId: account.id,
      email,
      ...(name ? { name } : {}),
      createdAt,
    };
    await tx.people.insert(person);
    const actor: Actor = { kind: 'account', accountId: account.id };
    // The password hash is never written to the audit log.
    await recordChange(ctx, tx, actor, {
      action: 'account.create',
      entity: 'account',
      entityId: account.id,
      after: account,
    });
    await recordChange(ctx, tx, actor, {
      action: 'person.create',
      entity: 'person',
      entityId: person.id,
      personId: person.id,
      after: person,
    });
    return { account, person };
  });
}

/** Checks an email and password; the same error (and about the same time) whether the email or the password is wrong. */
export async function authenticate(
  ctx: UseCaseContext,
  input: { email: string; password: string },
): Promise<Account> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
  const password = typeof input.password === 'string' ? input.password : '';
  const found = email ? await ctx.store.accounts.findByEmailWithSecret(email) : undefined;
  const ok = await verifyPassword(password, found?.passwordHash ?? DECOY_HASH);
  if (!found || !ok) throw new AppError('unauthenticated', 'the email or password is wrong');
  const { passwordHash: _secret, ...account } = found;
  return account;
}

export async function getAccount(ctx: UseCaseContext, actor: Actor, accountId: string): Promise<Account> {
  if (actor.kind === 'account' && actor.accountId !== accountId)
    throw AppError.forbidden('you can only read your own account');
  const account = await ctx.store.accounts.findById(accountId);
  if (!account) throw AppError.notFound(`account ${accountId}`);
  return account;
}

export async function changePassword(
  ctx: UseCaseContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  if (actor.kind !== 'account') throw AppError.forbidden('only a signed-in account can change its password');
  const newPassword = parseInput(z.object({ newPassword: Password }), {
    newPassword: input.newPassword,
  }).newPassword;
  const account = await ctx.store.accounts.findById(actor.accountId);
  if (!account) throw AppError.notFound(`account ${actor.accountId}`);
  await authenticate(ctx, { email: account.email, password: input.currentPassword });
  const hash = await hashPassword(newPassword);
  await ctx.store.transaction(async (tx) => {
    await tx.accounts.setPasswordHash(account.id, hash);
    await recordChange(ctx, tx, actor, {
      action: 'account.password-change',
      entity: 'account',
      entityId: account.id,
    });
  });
}
