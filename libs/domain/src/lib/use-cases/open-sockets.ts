import { rateLimited } from '@switchyard/api-spec';
import type { Principal } from './principal.js';

/** Close code of a socket whose session ended (logout, "log out everywhere", expiry). */
export const SESSION_ENDED_CLOSE_CODE = 4401;
export const SESSION_ENDED_REASON = 'Session ended';

/** The one thing the registry does to a socket: close it with a code and a reason. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

/** A place for one socket of one session, taken before the upgrade. */
export interface SocketLease {
  /** The upgraded socket; closed with 4401 when the session ends (at once if it already has). */
  attach(socket: ClosableSocket): void;
  /** Gives the place back (the socket closed, or the upgrade failed); safe to call twice. */
  release(): void;
}

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a longer session re-arms its timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  readonly principal: Principal;
  socket: ClosableSocket | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  ended: boolean;
  released: boolean;
}

/**
 * The open WebSockets of one app instance, by session and by account: so that logging out
 * closes the session's sockets, and a session's sockets close when it expires. It lives in one
 * process; what that means for several workers is in docs/reliability.md#websocket-bounds.
 */
export class OpenSockets {
  readonly #bySession = new Map<string, Set<Entry>>();
  readonly #byAccount = new Map<string, Set<Entry>>();

  /**
   * Takes a place for a socket of this principal, or throws 429 SWY_ERR_RATE_LIMITED when the
   * account already holds `maxPerAccount` places. Call it before the upgrade, release on close.
   */
  reserve(principal: Principal, maxPerAccount: number): SocketLease {
    if (this.countAccount(principal.accountId) >= maxPerAccount) {
      // Retry-After: 1, as every 429 carries one; a place frees when one of its sockets closes.
      throw rateLimited(1_000);
    }
    const entry: Entry = {
      principal,
      socket: undefined,
      timer: undefined,
      ended: false,
      released: false,
    };
    add(this.#bySession, principal.tokenHash, entry);
    add(this.#byAccount, principal.accountId, entry);
    this.#arm(entry);
    return {
      attach: (socket) => {
        if (entry.released && !entry.ended) return;
        entry.socket = socket;
        if (entry.ended) socket.close(SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_REASON);
      },
      release: () => this.#forget(entry),
    };
  }

  /** Places held by the account: open sockets and upgrades under way. */
  countAccount(accountId: string): number {
    return this.#byAccount.get(accountId)?.size ?? 0;
  }

  /** Closes the sockets of one session (logout) with 4401; how many there were. */
  closeSession(tokenHash: string): number {
    return this.#endAll(this.#bySession.get(tokenHash));
  }

  /** Closes every socket of one account ("log out everywhere") with 4401; how many. */
  closeAccount(accountId: string): number {
    return this.#endAll(this.#byAccount.get(accountId));
  }

  /** Stops every expiry timer and forgets every place (shutdown closes the sockets itself). */
  clear(): void {
    for (const entries of [...this.#bySession.values()]) {
      for (const entry of [...entries]) this.#forget(entry);
    }
  }

  #endAll(entries: Set<Entry> | undefined): number {
    const ending = [...(entries ?? [])];
    for (const entry of ending) this.#end(entry);
    return ending.length;
  }

  #end(entry: Entry): void {
    if (entry.ended) return;
    entry.ended = true;
    entry.socket?.close(SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_REASON);
    this.#forget(entry);
  }

  #arm(entry: Entry): void {
    const left = Date.parse(entry.principal.expiresAt) - Date.now();
    if (!(left > 0)) {
      this.#end(entry);
      return;
    }
    entry.timer = setTimeout(
      () => (left > MAX_TIMER_MS ? this.#arm(entry) : this.#end(entry)),
      Math.min(left, MAX_TIMER_MS),
    );
    // A session's timer alone must not keep the process alive.
    entry.timer.unref?.();
  }

  #forget(entry: Entry): void {
    if (entry.released) return;
    entry.released = true;
    clearTimeout(entry.timer);
    remove(this.#bySession, entry.principal.tokenHash, entry);
    remove(this.#byAccount, entry.principal.accountId, entry);
  }
}

function add(map: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(entry);
}

function remove(map: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(entry);
  if (set.size === 0) map.delete(key);
}
