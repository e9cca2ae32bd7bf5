import type { CreateAccountBody, CreateSessionBody, SessionBody } from '@switchyard/api-spec';
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../auth/password.js';
import { bearerToken, hashToken, newSessionToken } from '../auth/tokens.js';
import { AppError } from '@switchyard/api-spec';
import { AccountsRepository, SessionsRepository, type Account } from '@switchyard/persistence';
import type { Queryable } from '@switchyard/persistence';
import type { Principal } from './principal.js';

export class AccountsService {
  readonly #accounts: AccountsRepository;
  readonly #sessions: SessionsRepository;
  #dummyHash: Promise<string> | undefined;

  constructor(
    db: Queryable,
    private readonly passwords: PasswordHasher,
    /** SESSION_TTL_SECONDS: its default lives in the config schema (@switchyard/runtime). */
    private readonly sessionTtlSeconds: number,
  ) {
    this.#accounts = new AccountsRepository(db);
    this.#sessions = new SessionsRepository(db);
  }

  async signUp(body: CreateAccountBody): Promise<Account> {
    const passwordHash = await this.passwords.hash(body.password);
    return this.#accounts.create({ username: body.username, passwordHash });
  }

  /** One answer for an unknown user and a wrong password, in the same time. */
  async logIn(body: CreateSessionBody): Promise<SessionBody> {
    const account = await this.#accounts.findByUsername(body.username);
    const ok = await this.passwords.verify(
      body.password,
      account?.passwordHash ?? (await this.#dummy()),
    );
    if (!account || !ok) throw new AppError('SWY_ERR_AUTH_INVALID_CREDENTIALS');
    const token = newSessionToken();
    const expiresAt = await this.#sessions.create({
      tokenHash: hashToken(token),
      accountId: account.id,
      ttlSeconds: this.sessionTtlSeconds,
    });
    return { token, expiresAt };
  }

  /**
   * A real hash of a random password, checked when the username is unknown so that a login for
   * a missing account costs what a wrong password costs. Made once, with the app's own hasher.
   */
  #dummy(): Promise<string> {
    this.#dummyHash ??= this.passwords.hash(randomBytes(16).toString('hex'));
    return this.#dummyHash;
  }

  async logOut(principal: Principal): Promise<void> {
    await this.#sessions.delete(principal.tokenHash);
  }

  /** The caller behind an Authorization header; SWY_ERR_AUTH_REQUIRED when there is none. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    return this.authenticateToken(bearerToken(authorization));
  }

  async authenticateToken(token: string | undefined): Promise<Principal> {
    if (!token) throw new AppError('SWY_ERR_AUTH_REQUIRED');
    const tokenHash = hashToken(token);
    const owner = await this.#sessions.findOwner(tokenHash);
    if (!owner) throw new AppError('SWY_ERR_AUTH_REQUIRED');
    return {
      accountId: owner.accountId,
      username: owner.username,
      tokenHash,
      expiresAt: owner.expiresAt,
    };
  }
}
