import type { CreateAccountBody, CreateSessionBody, SessionBody } from '@switchyard/api-spec';
import { randomBytes } from 'node:crypto';
import { isCommonPassword } from '../auth/common-passwords.js';
import type { PasswordHasher } from '../auth/password.js';
import { opaqueString, usernameCaseMapped, usernameCasePreserved } from '../auth/precis.js';
import { bearerToken, hashToken, newSessionToken } from '../auth/tokens.js';
import { AppError, rateLimited } from '@switchyard/api-spec';
import { AccountsRepository, SessionsRepository, type Account } from '@switchyard/persistence';
import type {
  Queryable,
  SessionEvent,
  SessionEvents,
  SessionRevocation,
} from '@switchyard/persistence';
import type { Limiter } from './limiter.js';
import type { OpenSockets } from './open-sockets.js';
import type { Principal } from './principal.js';
import { SessionCache } from './session-cache.js';

/** The settings the accounts use case reads; their defaults live in the config schema. */
export interface AccountsOptions {
  /** SESSION_TTL_SECONDS */
  readonly sessionTtlSeconds: number;
  /** LOGIN_MAX_FAILURES within LOGIN_LOCK_SECONDS, per normalized username (the app builds it). */
  readonly loginLimiter: Limiter;
  /** MAX_SESSIONS_PER_ACCOUNT */
  readonly maxSessionsPerAccount: number;
  /** SESSION_PURGE_BATCH */
  readonly sessionPurgeBatch: number;
  /**
   * The app instance's open WebSockets: a session that ends here (log-out, log out everywhere,
   * the oldest past MAX_SESSIONS_PER_ACCOUNT) closes its sockets with 4401 at once.
   */
  readonly sockets: OpenSockets;
  /** SESSION_CACHE_MAX_ENTRIES and SESSION_CACHE_TTL_SECONDS: the in-process session cache. */
  readonly sessionCache: { readonly maxEntries: number; readonly ttlSeconds: number };
  /**
   * How sessions ended by other processes reach this one (and this one's reach them): the
   * cache answers only while it is live. The app chooses the transport (@switchyard/persistence
   * sessionEvents) and closes it.
   */
  readonly sessionEvents: SessionEvents;
}

/** What "log out everywhere" ended: the account (whose open sockets the app may close too). */
export interface LoggedOutEverywhere {
  readonly accountId: string;
  readonly sessions: number;
}

function invalid(path: string, message: string): AppError {
  return new AppError('SWY_ERR_VALIDATION', { details: [{ path, message }] });
}

export class AccountsService {
  readonly #accounts: AccountsRepository;
  readonly #sessions: SessionsRepository;
  readonly #cache: SessionCache;
  readonly #endedListeners = new Set<(event: SessionEvent) => void>();
  #dummyHash: Promise<string> | undefined;

  constructor(
    db: Queryable,
    private readonly passwords: PasswordHasher,
    private readonly options: AccountsOptions,
  ) {
    this.#accounts = new AccountsRepository(db);
    this.#sessions = new SessionsRepository(db);
    this.#cache = new SessionCache(options.sessionCache);
    options.sessionEvents.onEvent((event) => this.#ended(event));
  }

  /**
   * Tells `listener` of every session that ends from now on, here or in another process, right
   * after this process's own cache has forgotten it: apps/bridge-api's shadow worker keeps a
   * session cache of its own and hears of revocations this way, in order with its requests.
   * Answers a function that stops the telling.
   */
  onEnded(listener: (event: SessionEvent) => void): () => void {
    this.#endedListeners.add(listener);
    return () => this.#endedListeners.delete(listener);
  }

  /** Sessions the cache holds now (tests and the bench read it). */
  get cachedSessions(): number {
    return this.#cache.size;
  }

  /**
   * The username is stored as RFC 8265's UsernameCasePreserved form (a fullwidth name becomes
   * ASCII) and the password hashed in its OpaqueString form, unless it is a common one.
   */
  async signUp(body: CreateAccountBody): Promise<Account> {
    const username = usernameCasePreserved(body.username);
    if (!username.ok) throw invalid('/body/username', username.reason);
    const password = opaqueString(body.password);
    if (!password.ok) throw invalid('/body/password', password.reason);
    if (isCommonPassword(password.value)) {
      throw invalid('/body/password', 'is a commonly used password');
    }
    const passwordHash = await this.passwords.hash(password.value);
    return this.#accounts.create({ username: username.value, passwordHash });
  }

  /**
   * One answer for an unknown user and a wrong password, in the same time; each log-in for a
   * username (known or not) takes one unit of its LOGIN_MAX_FAILURES, a success gives them
   * back, and with none left the answer is 429 whatever the password.
   */
  async logIn(body: CreateSessionBody): Promise<SessionBody> {
    const username = usernameCaseMapped(body.username);
    // A name outside PRECIS's IdentifierClass (the Kelvin sign, a space, an emoji) can never
    // belong to an account: a 400 that says so, not a lookup.
    if (!username.ok) throw invalid('/body/username', username.reason);
    const decision = await this.options.loginLimiter.consume(username.value);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds * 1000);

    const account = await this.#accounts.findByUsername(username.value);
    const stored = account?.passwordHash ?? (await this.#dummy());
    const password = opaqueString(body.password);
    let ok = await this.passwords.verify(password.ok ? password.value : body.password, stored);
    // Accounts made before passwords were normalized hashed the bytes as sent.
    if (!ok && account && password.ok && password.value !== body.password) {
      ok = await this.passwords.verify(body.password, stored);
    }
    if (!account || !ok) throw new AppError('SWY_ERR_AUTH_INVALID_CREDENTIALS');
    await this.options.loginLimiter.reset(username.value);

    await this.#sessions.deleteExpired(this.options.sessionPurgeBatch);
    const token = newSessionToken();
    const expiresAt = await this.#sessions.create({
      tokenHash: hashToken(token),
      accountId: account.id,
      ttlSeconds: this.options.sessionTtlSeconds,
    });
    // Past the cap, the oldest sessions end: a person who lost a device can still log in.
    const ended = await this.#sessions.keepNewest(account.id, this.options.maxSessionsPerAccount);
    if (ended.length > 0) await this.#revoke({ kind: 'sessions', tokenHashes: ended });
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
    await this.#revoke({ kind: 'sessions', tokenHashes: [principal.tokenHash] });
  }

  /** Ends every session of the caller's account, the caller's own included. */
  async logOutEverywhere(principal: Principal): Promise<LoggedOutEverywhere> {
    const sessions = await this.#sessions.deleteAllForAccount(principal.accountId);
    await this.#revoke({ kind: 'account', accountId: principal.accountId });
    return { accountId: principal.accountId, sessions };
  }

  /**
   * Sessions deleted in the database end here at once (cache and sockets), then everywhere
   * else: the event reaches every process's #ended, this one's again, which is harmless.
   */
  async #revoke(revocation: SessionRevocation): Promise<void> {
    this.#ended(revocation);
    await this.options.sessionEvents.publish(revocation);
  }

  /** A session ended, here or in another process: forget it and close its sockets. */
  #ended(event: SessionEvent): void {
    this.#cache.apply(event);
    for (const listener of this.#endedListeners) listener(event);
    if (event.kind === 'sessions') {
      for (const tokenHash of event.tokenHashes) this.options.sockets.closeSession(tokenHash);
    } else if (event.kind === 'account') {
      this.options.sockets.closeAccount(event.accountId);
    }
  }

  /** The caller behind an Authorization header; SWY_ERR_AUTH_REQUIRED when there is none. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    return this.authenticateToken(bearerToken(authorization));
  }

  async authenticateToken(token: string | undefined): Promise<Principal> {
    if (!token) throw new AppError('SWY_ERR_AUTH_REQUIRED');
    const tokenHash = hashToken(token);
    // #region guide:session-cache
    // While revocations from the other processes reach this one, a session looked up lately is
    // answered from memory: no database round trip on the authenticated hot path.
    const live = this.options.sessionEvents.live;
    let owner = live ? this.#cache.get(tokenHash) : undefined;
    if (!owner) {
      const since = this.#cache.begin();
      owner = await this.#sessions.findOwner(tokenHash);
      if (owner && live) this.#cache.store(tokenHash, owner, since);
    }
    // #endregion guide:session-cache
    if (!owner) throw new AppError('SWY_ERR_AUTH_REQUIRED');
    return {
      accountId: owner.accountId,
      username: owner.username,
      tokenHash,
      expiresAt: owner.expiresAt,
    };
  }
}
