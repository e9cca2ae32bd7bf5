export { HASHES_PER_EVENT, eventChunks, localSessionEvents, parseEvent } from './session-events.js';
export type {
  EventsLogger,
  SessionEvent,
  SessionEvents,
  SessionRevocation,
} from './session-events.js';
export { SESSION_CHANNEL, SESSION_LISTENER_NAME, pgSessionEvents } from './pg-session-events.js';
export type { PgSessionEventsOptions } from './pg-session-events.js';
export { redisSessionEvents } from './redis-session-events.js';
export type { RedisSessionEventsOptions } from './redis-session-events.js';
export { sessionEvents } from './choose-session-events.js';
