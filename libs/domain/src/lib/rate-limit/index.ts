import { Redis } from 'ioredis';
import { AppError } from '../errors/index.js';

/**
 * The 429 both apps answer past a rate limit: SWY_ERR_RATE_LIMITED with `Retry-After` in whole
 * seconds, at least 1, whichever limiter counted (docs/api-behaviour.md, step 2).
 */
export function rateLimited(msUntilReset: number): AppError {
  const seconds = Math.max(1, Math.ceil(msUntilReset / 1000));
  return new AppError('SWY_ERR_RATE_LIMITED', { headers: { 'Retry-After': String(seconds) } });
}

/**
 * The Redis client behind the rate limits (REDIS_URL). It connects in the background and a
 * command fails after one retry instead of queueing, so that with Redis down the limiters let
 * requests through (their fail-open setting) instead of holding them; the app starts either way.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
}
