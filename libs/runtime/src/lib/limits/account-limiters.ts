import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import { createLimiter, type Limiter } from './limiter.js';

/**
 * The per-account budgets every app hands to createServices (libs/domain), built once from the
 * settings: bot messages (MESSAGE_RATE_*; HTTP posts and WebSocket frames share it) and
 * proxied calls (PROXY_RATE_*), and log-in attempts per username (LOGIN_MAX_FAILURES per
 * LOGIN_LOCK_SECONDS). In Redis when the app has a client (REDIS_URL), so that every
 * instance and every app on one Redis and REDIS_KEY_PREFIX draws from one budget.
 */
export function accountLimiters(
  config: Pick<
    Config,
    | 'MESSAGE_RATE_MAX'
    | 'MESSAGE_RATE_WINDOW_MS'
    | 'PROXY_RATE_MAX'
    | 'PROXY_RATE_WINDOW_MS'
    | 'LOGIN_MAX_FAILURES'
    | 'LOGIN_LOCK_SECONDS'
    | 'REDIS_KEY_PREFIX'
  >,
  redis: Redis | undefined,
): { readonly messages: Limiter; readonly proxy: Limiter; readonly login: Limiter } {
  const shared = redis ? { redis, keyPrefix: config.REDIS_KEY_PREFIX } : {};
  return {
    messages: createLimiter({
      name: 'messages-account',
      points: config.MESSAGE_RATE_MAX,
      windowSeconds: config.MESSAGE_RATE_WINDOW_MS / 1000,
      ...shared,
    }),
    proxy: createLimiter({
      name: 'proxy-account',
      points: config.PROXY_RATE_MAX,
      windowSeconds: config.PROXY_RATE_WINDOW_MS / 1000,
      ...shared,
    }),
    login: createLimiter({
      name: 'login-account',
      points: config.LOGIN_MAX_FAILURES,
      windowSeconds: config.LOGIN_LOCK_SECONDS,
      ...shared,
    }),
  };
}
