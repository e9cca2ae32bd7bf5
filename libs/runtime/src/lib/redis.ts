import { Redis } from 'ioredis';

/** pino's shape (an object, then the message); console-shaped loggers do not fit it. */
export interface RedisLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** Without a logger: one JSON line on stderr, pino's fields. */
const stderrLogger: RedisLogger = {
  warn: (details, msg) =>
    process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), ...details, msg })}\n`),
  info: (details, msg) =>
    process.stderr.write(`${JSON.stringify({ level: 30, time: Date.now(), ...details, msg })}\n`),
};

/**
 * The Redis client behind the rate limits (REDIS_URL). It connects in the background and a
 * command fails after one retry instead of queueing, so that with Redis down the limiters let
 * requests through (their fail-open setting) instead of holding them; the app starts either way.
 *
 * An outage is logged twice in all: once when Redis stops answering (warn) and once when it
 * answers again (info). ioredis reconnects every few hundred ms and emits an error for each try;
 * without a listener it printed every one of them ("Unhandled error event").
 */
export function openRedis(url: string, log: RedisLogger = stderrLogger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  let down = false;
  redis.on('error', (error: NodeJS.ErrnoException) => {
    if (down) return;
    down = true;
    log.warn(
      { redis: { code: error.code ?? error.name, message: error.message } },
      'Redis is unreachable (REDIS_URL): per-address limits let requests through and per-account limits count in memory until it is back',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({}, 'Redis is reachable again (REDIS_URL): rate limits count in Redis again');
  });
  return redis;
}
