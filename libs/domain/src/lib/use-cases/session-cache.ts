import { LRUCache } from 'lru-cache';
import type { SessionEvent, SessionOwner } from '@switchyard/persistence';

export interface SessionCacheOptions {
  /** SESSION_CACHE_MAX_ENTRIES: sessions kept, the least recently used dropped first; 0 keeps none. */
  readonly maxEntries: number;
  /** SESSION_CACHE_TTL_SECONDS: the longest an entry is believed without asking the database. */
  readonly ttlSeconds: number;
  /** The wall clock sessions expire by (tests move it). Default Date.now. */
  readonly now?: () => number;
}

interface Entry {
  readonly owner: SessionOwner;
  /** The session's own expiry or the cache's TTL, whichever comes first (epoch ms). */
  readonly until: number;
}

/**
 * The sessions this process has looked up lately, so that an authenticated request costs no
 * database round trip. Bounded (maxEntries, least recently used out first) and never believed
 * past the session's expiry or ttlSeconds. A revocation (this process's log-out, or another
 * process's through SessionEvents) removes entries at once; a lookup that was under way when
 * one arrived is not stored, so it cannot bring a revoked session back.
 */
export class SessionCache {
  readonly #entries: LRUCache<string, Entry> | undefined;
  /** Token hashes by account, for "log out everywhere"; kept in step by the LRU's dispose. */
  readonly #byAccount = new Map<string, Set<string>>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Bumped by every revocation and reset: a lookup stores its answer only if it is unchanged. */
  #generation = 0;

  constructor(options: SessionCacheOptions) {
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#now = options.now ?? Date.now;
    this.#entries =
      options.maxEntries > 0
        ? new LRUCache<string, Entry>({
            max: options.maxEntries,
            dispose: (entry, tokenHash) => this.#unindex(entry.owner.accountId, tokenHash),
          })
        : undefined;
  }

  /** Sessions held now (at most maxEntries). */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** The owner of a cached, unexpired session; undefined sends the caller to the database. */
  get(tokenHash: string): SessionOwner | undefined {
    const entry = this.#entries?.get(tokenHash);
    if (!entry) return undefined;
    if (this.#now() < entry.until) return entry.owner;
    this.#entries!.delete(tokenHash);
    return undefined;
  }

  /** Call before the database lookup; hand the result to store() with the lookup's answer. */
  begin(): number {
    return this.#generation;
  }

  /** Keeps a looked-up session, unless a revocation or reset arrived since `begin()`. */
  store(tokenHash: string, owner: SessionOwner, since: number): void {
    if (!this.#entries || since !== this.#generation) return;
    const until = Math.min(Date.parse(owner.expiresAt), this.#now() + this.#ttlMs);
    if (!(until > this.#now())) return;
    this.#entries.set(tokenHash, { owner, until });
    let tokens = this.#byAccount.get(owner.accountId);
    if (!tokens) this.#byAccount.set(owner.accountId, (tokens = new Set()));
    tokens.add(tokenHash);
  }

  /** A revocation removes what it names; a reset removes everything. */
  apply(event: SessionEvent): void {
    this.#generation += 1;
    if (!this.#entries) return;
    if (event.kind === 'reset') {
      this.#entries.clear();
    } else if (event.kind === 'sessions') {
      for (const tokenHash of event.tokenHashes) this.#entries.delete(tokenHash);
    } else {
      for (const tokenHash of [...(this.#byAccount.get(event.accountId) ?? [])]) {
        this.#entries.delete(tokenHash);
      }
    }
  }

  #unindex(accountId: string, tokenHash: string): void {
    const tokens = this.#byAccount.get(accountId);
    if (!tokens) return;
    tokens.delete(tokenHash);
    if (tokens.size === 0) this.#byAccount.delete(accountId);
  }
}
