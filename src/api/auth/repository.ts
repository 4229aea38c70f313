/**
 * Sessions and API tokens on the project's database, through drizzle's
 * pg-core query builder, so the embedded and PostgreSQL backends share it.
 * Built on the store's own connection with `store.repositoriesFor`.
 */
import { and, eq, isNull, lt, ne } from 'drizzle-orm';
import type { Db } from '../../store/repositories.ts';
import { apiTokens, sessions } from '../../store/schema-auth.ts';
import { type ApiToken, type AuthRepositories, SCOPES, type Scope, type Session } from './model.ts';

type TokenRow = typeof apiTokens.$inferSelect;

function toToken(row: TokenRow): ApiToken {
  const token: ApiToken = {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    scopes: row.scopes.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    tokenHash: row.tokenHash,
    prefix: row.prefix,
    createdAt: new Date(row.createdAt).toISOString(),
  };
  if (row.expiresAt) token.expiresAt = new Date(row.expiresAt).toISOString();
  if (row.revokedAt) token.revokedAt = new Date(row.revokedAt).toISOString();
  return token;
}

function toSession(row: typeof sessions.$inferSelect): Session {
  return {
    ...row,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
  };
}

export function drizzleAuthRepositories(db: Db): AuthRepositories {
  return {
    sessions: {
      async insert(session) {
        await db.insert(sessions).values(session);
      },
      async findByTokenHash(tokenHash) {
        const rows = await db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).limit(1);
        return rows[0] ? toSession(rows[0]) : undefined;
      },
      async delete(id) {
        await db.delete(sessions).where(eq(sessions.id, id));
      },
      async deleteForAccount(accountId, { except, expiredBefore }) {
        const which = expiredBefore
          ? and(eq(sessions.accountId, accountId), lt(sessions.expiresAt, expiredBefore))
          : and(eq(sessions.accountId, accountId), except ? ne(sessions.id, except) : undefined);
        const rows = await db.delete(sessions).where(which).returning({ tokenHash: sessions.tokenHash });
        return rows.map((r) => r.tokenHash);
      },
    },
    tokens: {
      async insert(token) {
        await db.insert(apiTokens).values({
          id: token.id,
          accountId: token.accountId,
          name: token.name,
          scopes: token.scopes.join(' '),
          tokenHash: token.tokenHash,
          prefix: token.prefix,
          createdAt: token.createdAt,
          expiresAt: token.expiresAt ?? null,
          revokedAt: null,
        });
      },
      async findByTokenHash(tokenHash) {
        const rows = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).limit(1);
        return rows[0] ? toToken(rows[0]) : undefined;
      },
      async findById(id) {
        const rows = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
        return rows[0] ? toToken(rows[0]) : undefined;
      },
      async listForAccount(accountId) {
        const rows = await db
          .select()
          .from(apiTokens)
          .where(and(eq(apiTokens.accountId, accountId), isNull(apiTokens.revokedAt)))
          .orderBy(apiTokens.createdAt, apiTokens.id);
        return rows.map(toToken);
      },
      async revoke(id, at) {
        await db.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id));
      },
    },
  };
}
