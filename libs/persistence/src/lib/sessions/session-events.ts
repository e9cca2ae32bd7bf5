/**
 * Sessions that ended, told to every process serving one database, so that each can drop them
 * from its in-process session cache (libs/domain SessionCache) and close their WebSockets.
 * Three transports implement it: in this process only (embedded PGlite, which belongs to one
 * process), PostgreSQL LISTEN/NOTIFY (the server, no Redis) and Redis pub/sub (REDIS_URL, in
 * @switchyard/runtime). The database stays the truth: an event only says "look again".
 */
export type SessionRevocation =
  | { readonly kind: 'sessions'; readonly tokenHashes: readonly string[] }
  | { readonly kind: 'account'; readonly accountId: string };

/**
 * A revocation, or `reset`: the channel was down for a while (or just came up), so revocations
 * may have been missed and whatever a cache holds may be stale.
 */
export type SessionEvent = SessionRevocation | { readonly kind: 'reset' };

export interface SessionEvents {
  /** `local`, `postgres` or `redis`: named in the start-up log and the docs. */
  readonly transport: 'local' | 'postgres' | 'redis';
  /**
   * True while revocations published by the other processes reach this one. While it is false
   * a cache must not answer (every lookup goes to the database) and must not fill.
   */
  readonly live: boolean;
  /**
   * Tells the other processes. Never rejects: a failure is logged by the transport, and the
   * other processes' caches then hold the session until their SESSION_CACHE_TTL_SECONDS.
   */
  publish(revocation: SessionRevocation): Promise<void>;
  /** The one listener (the accounts use case): events from every process, this one's too. */
  onEvent(listener: (event: SessionEvent) => void): void;
  /** Resolves once the first subscription attempt is over, live or not; never rejects. */
  ready(): Promise<void>;
  /** Stops listening; publish() is a no-op afterwards. Safe to call twice. */
  close(): Promise<void>;
}

/** The part of a logger the transports need (pino's shape: fields, then the message). */
export interface EventsLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/**
 * One process, no other to tell: embedded PGlite (one process holds its data directory) and
 * the tests that build an app in-process. Always live; publish has no one to reach.
 */
export function localSessionEvents(): SessionEvents {
  return {
    transport: 'local',
    live: true,
    publish: async () => undefined,
    onEvent: () => undefined,
    ready: async () => undefined,
    close: async () => undefined,
  };
}

/** Hashes per message: a NOTIFY payload must stay under 8000 bytes, a hash is 64 characters. */
export const HASHES_PER_EVENT = 100;

/** Splits a revocation so that no message carries more than HASHES_PER_EVENT hashes. */
export function eventChunks(revocation: SessionRevocation): SessionRevocation[] {
  if (revocation.kind === 'account') return [revocation];
  const chunks: SessionRevocation[] = [];
  for (let i = 0; i < revocation.tokenHashes.length; i += HASHES_PER_EVENT) {
    chunks.push({
      kind: 'sessions',
      tokenHashes: revocation.tokenHashes.slice(i, i + HASHES_PER_EVENT),
    });
  }
  return chunks;
}

/**
 * Sends a revocation as one message per chunk through `send`; a failure is logged at warn and
 * swallowed (SessionEvents.publish never rejects: the rows are deleted all the same).
 */
export async function publishChunks(
  revocation: SessionRevocation,
  send: (message: string) => Promise<unknown>,
  log: EventsLogger,
  transport: SessionEvents['transport'],
): Promise<void> {
  try {
    for (const chunk of eventChunks(revocation)) await send(JSON.stringify(chunk));
  } catch (error) {
    log.warn(
      { sessionEvents: { transport, message: (error as Error).message } },
      'A session revocation could not be sent: other processes may accept it until their SESSION_CACHE_TTL_SECONDS',
    );
  }
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * A message from the channel, checked: anyone who can publish on it (another app on the same
 * Redis, a stray NOTIFY) must not crash the process. Anything else reads as `reset`: a message
 * we cannot read may have been a revocation, so the cache forgets everything.
 */
export function parseEvent(message: string): SessionEvent {
  try {
    const value = JSON.parse(message) as Record<string, unknown>;
    if (value['kind'] === 'account' && typeof value['accountId'] === 'string') {
      return { kind: 'account', accountId: value['accountId'] };
    }
    const hashes = value['tokenHashes'];
    if (
      value['kind'] === 'sessions' &&
      Array.isArray(hashes) &&
      hashes.length <= HASHES_PER_EVENT &&
      hashes.every((hash) => typeof hash === 'string' && HASH.test(hash))
    ) {
      return { kind: 'sessions', tokenHashes: hashes as string[] };
    }
  } catch {
    // Not JSON: a reset, as below.
  }
  return { kind: 'reset' };
}
