import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * The shape of libs/domain's Limiter port (libs/runtime sits below libs/domain and cannot import
 * it; the two are structurally the same, so this adapter is a domain Limiter).
 */
export interface Limiter {
  /** Takes one unit for `key`; when none is left, says how many seconds until one is. */
  consume(key: string): Promise<LimitDecision>;
  /** Gives `key` its whole budget back. */
  reset(key: string): Promise<void>;
}

export type LimitDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

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
 * A fixed-window budget of `points` per `windowSeconds` and key, built on rate-limiter-flexible:
 * in this process's memory, or in Redis (keys `<keyPrefix><name>:<key>`) so that every instance
 * draws from one budget. With Redis unreachable the counts fall back to this process's memory
 * (rate-limiter-flexible's insurance limiter) rather than refusing or waving everything through.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  const { points, windowSeconds, name, redis, keyPrefix = '' } = options;
  const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: name });
  const counter = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        points,
        duration: windowSeconds,
        keyPrefix: `${keyPrefix}${name}`,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    async consume(key) {
      try {
        await counter.consume(key);
        return { allowed: true };
      } catch (refusal) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent, with an
        // Error only when the store failed and no insurance could answer.
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        };
      }
    },
    async reset(key) {
      await counter.delete(key);
    },
  };
}
