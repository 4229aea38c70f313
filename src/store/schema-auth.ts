/**
 * Tables for the HTTP API's credentials: browser sessions and API tokens.
 * Only SHA-256 hashes of the secrets are stored, so a database dump cannot be
 * replayed. Kept apart from schema.ts because only the API reads them; the
 * drizzle-kit config lists both files so one migration history covers both.
 */
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    tokenHash: text('token_hash').notNull(),
    /** The CSRF token bound to this session (double-submit, checked against this copy). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [uniqueIndex('sessions_token_key').on(t.tokenHash), index('sessions_account_idx').on(t.accountId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    /** Space-separated scopes, e.g. "read write". */
    scopes: text('scopes').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token, shown in lists so a user can tell tokens apart. */
    prefix: text('prefix').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_tokens_token_key').on(t.tokenHash),
    index('api_tokens_account_idx').on(t.accountId).where(sql`${t.revokedAt} is null`),
  ],
);

/**
 * Rate-limit counters shared by every API process on one PostgreSQL (a login limit must hold
 * across processes behind a load balancer). One row per key and window; rows past their window
 * are reset on the next hit and swept now and then. Not backed up: they are minutes long.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: at('reset_at').notNull(),
  },
  (t) => [index('rate_limits_reset_idx').on(t.resetAt)],
);
