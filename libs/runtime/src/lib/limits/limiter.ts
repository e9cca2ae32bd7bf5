import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Units per window. */
  readonly points: number;
  readonly windowSeconds: number;
  /** Distinguishes this limiter's keys from the others' (e.g. 'login-account'). */
  readonly name: string;
  /** Shared counters; unset: this process's memory. */
  readonly redis?: Redis;
  readonly keyPrefix?: string;
}

/**
 * The shape of @switchyard/domain's Limiter port, declared again here: runtime sits below the
 * domain and must not import it, and TypeScript compares the two structurally.
 */
export interface Limiter {
  consume(key: string): Promise<LimitDecision>;
  reset(key: string): Promise<void>;
}
export type LimitDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * A fixed-window budget of `points` a key per `windowSeconds`, on rate-limiter-flexible: in this
 * process's memory, or in Redis when the app has a client (REDIS_URL), so that every instance
 * counts against one budget. With Redis down, the same budget is kept in memory meanwhile
 * (rate-limiter-flexible's insurance limiter) rather than refusing everything or nothing.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  const keyPrefix = `${options.keyPrefix ?? ''}limit:${options.name}`;
  const base = { points: options.points, duration: options.windowSeconds, keyPrefix };
  const memory = new RateLimiterMemory(base);
  const limiter = options.redis
    ? new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: memory })
    : memory;
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent; anything
        // else is a store failure the insurance limiter could not absorb: let the request by.
        if (rejection instanceof RateLimiterRes) {
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          };
        }
        return { allowed: true };
      }
    },
    async reset(key) {
      await limiter.delete(key).catch(() => false);
      if (limiter !== memory) await memory.delete(key).catch(() => false);
    },
  };
}
