import type { Redis } from 'ioredis';
import type { Database } from '../db/database.js';
import { pgSessionEvents } from './pg-session-events.js';
import { redisSessionEvents } from './redis-session-events.js';
import { localSessionEvents, type EventsLogger, type SessionEvents } from './session-events.js';

/**
 * How this process hears of sessions that ended elsewhere, chosen from what it runs on:
 * embedded PGlite belongs to one process, so there is nobody else to hear from; on the
 * PostgreSQL server, Redis pub/sub when the app has a Redis client (REDIS_URL), else the
 * server's own LISTEN/NOTIFY. A Database without `dedicatedClient` (a wrapper of one, as the
 * fault-injecting suites build) cannot LISTEN: this process only, as on PGlite. Every app calls
 * this once and closes what it returns.
 */
export function sessionEvents(deps: {
  readonly db: Database;
  /** The app's Redis client (REDIS_URL), if it has one. */
  readonly redis: Redis | undefined;
  /** REDIS_KEY_PREFIX */
  readonly keyPrefix: string;
  readonly log: EventsLogger;
}): SessionEvents {
  if (deps.db.kind === 'pglite') return localSessionEvents();
  if (deps.redis) {
    return redisSessionEvents(deps.redis, { keyPrefix: deps.keyPrefix, log: deps.log });
  }
  if (!deps.db.dedicatedClient) return localSessionEvents();
  return pgSessionEvents(deps.db, { log: deps.log });
}
