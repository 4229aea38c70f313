/**
 * The API's credential use-cases: sign-up, sign-in and sign-out with
 * sessions, and scoped API tokens. Account and password handling is the
 * storage use-cases' (registerAccount, authenticate); this file only issues,
 * resolves and revokes the secrets that stand for an account over HTTP.
 */
import { AppError } from '../../core/errors.ts';
import type { Account, Person } from '../../store/model.ts';
import { authenticate, registerAccount } from '../../usecases/accounts.ts';
import type { UseCaseContext } from '../../usecases/context.ts';
import type { Clock } from '../deps.ts';
import {
  type ApiToken,
  type AuthRepositories,
  hashSecret,
  newSecret,
  type Scope,
  type Session,
} from './model.ts';

export const SESSION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How long a resolved token or session is trusted without a database read.
 * Revocation in this process is immediate (the entry is dropped); other API
 * processes see it within this time.
 */
const RESOLVE_CACHE_MS = 5_000;
const RESOLVE_CACHE_MAX = 10_000;

export type Credential =
  | { via: 'session'; accountId: string; session: Session }
  | { via: 'token'; accountId: string; token: ApiToken };

export interface IssuedSession {
  account: Account;
  session: Session;
  /** The secret for the session cookie; only its hash is stored. */
  sessionSecret: string;
}

export interface AuthService {
  signUp(input: {
    email: string;
    password: string;
    name?: string | undefined;
  }): Promise<IssuedSession & { person: Person }>;
  signIn(input: { email: string; password: string }): Promise<IssuedSession>;
  signOut(session: Session): Promise<void>;
  /** Ends every session of an account but the current one (after a password change). */
  endOtherSessions(accountId: string, current: string | undefined): Promise<void>;
  createToken(
    accountId: string,
    input: { name: string; scopes: Scope[]; expiresInDays?: number | undefined },
  ): Promise<{ token: ApiToken; secret: string }>;
  listTokens(accountId: string): Promise<ApiToken[]>;
  revokeToken(accountId: string, tokenId: string): Promise<void>;
  /** The credential a session secret or bearer token stands for, or undefined when unknown, expired or revoked. */
  resolveSession(secret: string): Promise<Credential | undefined>;
  resolveToken(secret: string): Promise<Credential | undefined>;
}

export function createAuthService(uc: UseCaseContext, repos: AuthRepositories, clock: Clock): AuthService {
  const cache = new Map<string, { credential: Credential; until: number }>();

  const cached = (hash: string): Credential | undefined => {
    const hit = cache.get(hash);
    if (!hit) return undefined;
    if (hit.until < clock.now().getTime()) {
      cache.delete(hash);
      return undefined;
    }
    return hit.credential;
  };
  const remember = (hash: string, credential: Credential) => {
    if (cache.size >= RESOLVE_CACHE_MAX) cache.clear();
    cache.set(hash, { credential, until: clock.now().getTime() + RESOLVE_CACHE_MS });
  };
  const live = (expiresAt: string | undefined) => !expiresAt || Date.parse(expiresAt) > clock.now().getTime();

  async function issueSession(account: Account): Promise<IssuedSession> {
    const sessionSecret = newSecret('rs');
    const now = clock.now();
    const session: Session = {
      id: uc.newId(),
      accountId: account.id,
      tokenHash: hashSecret(sessionSecret),
      csrfToken: newSecret('csrf'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS).toISOString(),
    };
    await repos.sessions.insert(session);
    return { account, session, sessionSecret };
  }

  return {
    async signUp(input) {
      const { account, person } = await registerAccount(uc, input);
      return { ...(await issueSession(account)), person };
    },
    async signIn(input) {
      const account = await authenticate(uc, input);
      // Sessions are never read once expired; signing in clears the account's old ones away.
      await repos.sessions.deleteForAccount(account.id, { expiredBefore: clock.now().toISOString() });
      return issueSession(account);
    },
    async endOtherSessions(accountId, current) {
      const ended = await repos.sessions.deleteForAccount(accountId, current ? { except: current } : {});
      for (const hash of ended) cache.delete(hash);
    },
    async signOut(session) {
      cache.delete(session.tokenHash);
      await repos.sessions.delete(session.id);
    },
    async createToken(accountId, input) {
      const secret = newSecret('rt');
      const now = clock.now();
      const token: ApiToken = {
        id: uc.newId(),
        accountId,
        name: input.name,
        scopes: [...new Set(input.scopes)].sort(),
        tokenHash: hashSecret(secret),
        prefix: secret.slice(0, 8),
        createdAt: now.toISOString(),
      };
      if (input.expiresInDays !== undefined) {
        token.expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString();
      }
      await repos.tokens.insert(token);
      return { token, secret };
    },
    listTokens: (accountId) => repos.tokens.listForAccount(accountId),
    async revokeToken(accountId, tokenId) {
      const token = await repos.tokens.findById(tokenId);
      // Another account's token is reported as missing, so ids cannot be probed.
      if (!token || token.accountId !== accountId || token.revokedAt)
        throw AppError.notFound('the API token');
      cache.delete(token.tokenHash);
      await repos.tokens.revoke(token.id, clock.now().toISOString());
    },
    async resolveSession(secret) {
      const hash = hashSecret(secret);
      const hit = cached(hash);
      if (hit) return hit.via === 'session' && live(hit.session.expiresAt) ? hit : undefined;
      const session = await repos.sessions.findByTokenHash(hash);
      if (!session || !live(session.expiresAt)) return undefined;
      const credential: Credential = { via: 'session', accountId: session.accountId, session };
      remember(hash, credential);
      return credential;
    },
    async resolveToken(secret) {
      const hash = hashSecret(secret);
      const hit = cached(hash);
      if (hit) return hit.via === 'token' && live(hit.token.expiresAt) ? hit : undefined;
      const token = await repos.tokens.findByTokenHash(hash);
      if (!token || token.revokedAt || !live(token.expiresAt)) return undefined;
      const credential: Credential = { via: 'token', accountId: token.accountId, token };
      remember(hash, credential);
      return credential;
    },
  };
}
