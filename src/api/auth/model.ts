/**
 * Sessions and API tokens: the credentials the API accepts. Secrets are
 * random, shown to their owner once, and stored only as SHA-256 hashes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Session {
  id: string;
  accountId: string;
  tokenHash: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  accountId: string;
  name: string;
  scopes: Scope[];
  tokenHash: string;
  prefix: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

/** Where the API keeps sessions and tokens; one implementation per store, tests use the real one. */
export interface SessionRepository {
  insert(session: Session): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
  /** Ends an account's sessions except one (after a password change), and any that have expired. */
  deleteForAccount(
    accountId: string,
    options: { except?: string; expiredBefore?: string },
  ): Promise<string[]>;
}

export interface ApiTokenRepository {
  insert(token: ApiToken): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<ApiToken | undefined>;
  listForAccount(accountId: string): Promise<ApiToken[]>;
  findById(id: string): Promise<ApiToken | undefined>;
  revoke(id: string, at: string): Promise<void>;
}

export interface AuthRepositories {
  sessions: SessionRepository;
  tokens: ApiTokenRepository;
}

/** A new secret: a readable prefix and 256 random bits. */
export function newSecret(prefix: 'rs' | 'rt' | 'csrf'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two secrets in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
