import type { Redis } from 'ioredis';
import {
  parseEvent,
  publishChunks,
  type EventsLogger,
  type SessionEvent,
  type SessionEvents,
} from './session-events.js';

export interface RedisSessionEventsOptions {
  /** REDIS_KEY_PREFIX: the channel is `<prefix>sessions:revoked`, so deployments stay apart. */
  readonly keyPrefix: string;
  readonly log: EventsLogger;
  /**
   * How often the subscriber connection is checked with PING (and how long a command may
   * take): a connection that died without a word would otherwise look live. Default 5 s.
   */
  readonly heartbeatMs?: number;
}

/**
 * Revocations through Redis pub/sub (REDIS_URL): the app's client publishes, and a second
 * connection per process (a subscribed connection can do nothing else) listens. Pub/sub keeps
 * nothing: a message sent while a subscriber is away is lost to it, which is why losing the
 * connection reads as `reset` and the cache stays out of the way until it is subscribed again.
 */
export function redisSessionEvents(
  redis: Redis,
  options: RedisSessionEventsOptions,
): SessionEvents {
  const { keyPrefix, log, heartbeatMs = 5_000 } = options;
  const channel = `${keyPrefix}sessions:revoked`;
  // ioredis reconnects by itself; the subscription is renewed here on each 'ready', so that
  // `live` turns true only once the SUBSCRIBE is answered.
  const subscriber = redis.duplicate({
    autoResubscribe: false,
    commandTimeout: heartbeatMs,
    // Named in CLIENT LIST, so that an operator (and the tests) can tell it apart.
    connectionName: `${keyPrefix}session-events`,
  });
  let listener: (event: SessionEvent) => void = () => undefined;
  let live = false;
  let closed = false;
  let failing = false;
  let settleFirst: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (settleFirst = resolve));

  function failed(message: string): void {
    settleFirst();
    if (closed) return;
    const wasLive = live;
    live = false;
    if (!failing) {
      failing = true;
      log.warn(
        { sessionEvents: { transport: 'redis', message } },
        'Session events (Redis pub/sub) are down: every request looks its session up in the database until they are back',
      );
    }
    if (wasLive) listener({ kind: 'reset' });
  }

  async function subscribe(): Promise<void> {
    try {
      await subscriber.subscribe(channel);
    } catch (error) {
      failed((error as Error).message);
      return;
    }
    settleFirst();
    if (closed) return;
    live = true;
    if (failing) {
      failing = false;
      log.info(
        { sessionEvents: { transport: 'redis' } },
        'Session events (Redis pub/sub) are back',
      );
    }
    // Anything cached before this moment may predate a revocation nobody heard.
    listener({ kind: 'reset' });
  }

  subscriber.on('message', (from: string, message: string) => {
    if (from === channel) listener(parseEvent(message));
  });
  // subscribe() never rejects: its failures are handled in it.
  subscriber.on('ready', () => void subscribe());
  subscriber.on('close', () => failed('connection closed'));
  subscriber.on('error', (error: Error) => failed(error.message));

  const heartbeat = setInterval(() => {
    if (!live) return;
    subscriber.ping().catch((error: Error) => {
      failed(error.message);
      // Drop the silent connection: ioredis connects again and 'ready' subscribes again.
      subscriber.disconnect(true);
    });
  }, heartbeatMs);
  heartbeat.unref();

  return {
    transport: 'redis',
    get live() {
      return live;
    },
    async publish(revocation) {
      if (closed) return;
      await publishChunks(revocation, (message) => redis.publish(channel, message), log, 'redis');
    },
    onEvent(next) {
      listener = next;
    },
    ready: () => first,
    async close() {
      if (closed) return;
      closed = true;
      live = false;
      clearInterval(heartbeat);
      settleFirst();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
