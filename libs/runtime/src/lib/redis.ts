import { Redis } from 'ioredis';

/**
 * The Redis client behind the rate limits (REDIS_URL). It connects in the background and a
 * command fails after one retry instead of queueing, so that with Redis down the limiters let
 * requests through (their fail-open setting) instead of holding them; the app starts either way.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
}
